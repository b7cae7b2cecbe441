import { performance } from 'node:perf_hooks';

/** Measured runs per benchmark (`BENCH_N`). */
export const SAMPLES = Number(process.env.BENCH_N ?? 300);

/** Runs `fn` `warmup` times unmeasured, then `n` times measured; the durations in ms, sorted. */
export async function time(fn: (i: number) => Promise<unknown>, n = SAMPLES, warmup = 30): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(warmup + i);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}

/** The p-quantile of sorted samples. */
export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
export const summary = (sorted: number[]) => ({ medianMs: +pct(sorted, 0.5).toFixed(3), p95Ms: +pct(sorted, 0.95).toFixed(3) });
/** Median against median: how many times its floor a measurement takes. */
export const ratio = (measured: number[], floor: number[]) => +(pct(measured, 0.5) / pct(floor, 0.5)).toFixed(2);
