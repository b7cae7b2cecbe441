import type { SmsMessage, SmsSender } from '../platform.js';
import { isTransientSmsError } from './errors.js';

export interface SmsRetryOptions {
  /** Attempts in all, the first one included. */
  attempts?: number;
  /** Delay cap before the first retry; it doubles for each further one. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  isTransient?: (error: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1; injected so tests can fix the jitter. */
  random?: () => number;
  onRetry?: (retry: { attempt: number; delayMs: number; error: unknown; message: SmsMessage }) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries a send that failed transiently, with exponential backoff and
 * jitter; a refusal, or the last failure, is thrown to the caller. A few
 * quick attempts only: the event itself is redelivered if all of them fail,
 * and notify must finish well inside its Lambda timeout.
 */
export class RetryingSmsSender implements SmsSender {
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly isTransient: (error: unknown) => boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly inner: SmsSender, private readonly options: SmsRetryOptions = {}) {
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
    this.isTransient = options.isTransient ?? isTransientSmsError;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  async send(message: SmsMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.inner.send(message);
        return;
      } catch (error) {
        if (attempt >= this.attempts || !this.isTransient(error)) throw error;
        // Half fixed, half random: never a zero wait, and many sends failing together spread out.
        const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
        this.options.onRetry?.({ attempt, delayMs, error, message });
        await this.sleep(delayMs);
      }
    }
  }
}
