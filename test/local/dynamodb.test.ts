// Runs the real DynamoDB Local (Java); each start takes a few seconds.
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, JavaMissingError, startDynamoDbLocal } from '../../local/dynamodb.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/start-dynamodb-local.ts', import.meta.url));

function clientFor(db: DynamoDbLocal): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, 100));
  }
  return true;
}

/** Linux only: the parent pid of `pid`, read from /proc. */
function parentPidOf(pid: number): number | undefined {
  const statPath = `/proc/${pid}/stat`;
  if (!existsSync(statPath)) return undefined;
  // Format: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
  const fields = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ');
  return fields?.[1] === undefined ? undefined : Number(fields[1]);
}

/** Last resort so a failing test never leaves Java behind. */
function forceKill(pid: number | undefined): void {
  if (pid === undefined || !isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

let tempDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'ddb-local-test-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('startDynamoDbLocal', () => {
  it('starts in memory, answers ListTables and stops Java', async () => {
    const lines: string[] = [];
    const db = await startDynamoDbLocal({ log: (line) => lines.push(line) });
    try {
      expect(db.endpoint).toBe(`http://127.0.0.1:${db.port}`);
      expect(db.port).toBeGreaterThan(0);
      expect(isAlive(db.pid)).toBe(true);
      expect(lines.join('\n')).toContain('InMemory:\ttrue');
      const result = await clientFor(db).send(new ListTablesCommand({}));
      expect(result.TableNames).toEqual([]);
    } finally {
      await db.stop();
      forceKill(db.pid);
    }
    expect(isAlive(db.pid)).toBe(false);
    await db.stop(); // idempotent
  });

  it('keeps tables in dataDir across restarts', async () => {
    const dataDir = join(tempDir, 'nested', 'data'); // mkdir -p
    const first = await startDynamoDbLocal({ dataDir });
    try {
      await clientFor(first).send(new CreateTableCommand({
        TableName: 'persisted',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }));
    } finally {
      await first.stop();
      forceKill(first.pid);
    }
    expect(isAlive(first.pid)).toBe(false);

    const second = await startDynamoDbLocal({ dataDir });
    try {
      expect(second.pid).not.toBe(first.pid);
      // Different credentials and region still see the table thanks to -sharedDb.
      const client = new DynamoDBClient({
        endpoint: second.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'other', secretAccessKey: 'other' },
      });
      const result = await client.send(new ListTablesCommand({}));
      expect(result.TableNames).toEqual(['persisted']);
    } finally {
      await second.stop();
      forceKill(second.pid);
    }
  });

  it('kills Java when the parent Node process is SIGKILLed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    let javaPid: number | undefined;
    let guardianPid: number | undefined;
    try {
      const firstLine = await new Promise<string>((done, fail) => {
        createInterface({ input: child.stdout }).once('line', done);
        child.once('exit', (code) => fail(new Error(`fixture exited with ${String(code)}: ${stderr}`)));
      });
      javaPid = (JSON.parse(firstLine) as { javaPid: number }).javaPid;
      expect(isAlive(javaPid)).toBe(true);
      guardianPid = parentPidOf(javaPid);

      child.kill('SIGKILL');
      await exited;

      expect(await waitUntilGone(javaPid)).toBe(true);
      if (guardianPid !== undefined) expect(await waitUntilGone(guardianPid, 5_000)).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      forceKill(javaPid);
      forceKill(guardianPid);
    }
  });

  it('retries on a fresh port when DynamoDB Local cannot bind', async () => {
    // Simulate the race: someone takes the probed port right after it is released.
    const originalClose = Server.prototype.close;
    const squatters: Server[] = [];
    let squatPort: number | undefined;
    Server.prototype.close = function patchedClose(this: Server, callback?: (error?: Error) => void) {
      const address = this.address();
      Server.prototype.close = originalClose; // only the first probe
      return originalClose.call(this, (error?: Error) => {
        if (address === null || typeof address === 'string') return callback?.(error);
        squatPort = address.port;
        const squatter = createServer();
        squatters.push(squatter);
        squatter.listen(address.port, '127.0.0.1', () => callback?.(error));
      });
    } as typeof Server.prototype.close;
    const lines: string[] = [];
    let db: DynamoDbLocal | undefined;
    try {
      db = await startDynamoDbLocal({ log: (line) => lines.push(line) });
      expect(squatPort).toBeDefined();
      expect(db.port).not.toBe(squatPort);
      expect(lines.join('\n')).toMatch(/BindException|Failed to bind/);
      const result = await clientFor(db).send(new ListTablesCommand({}));
      expect(result.TableNames).toEqual([]);
    } finally {
      Server.prototype.close = originalClose;
      await db?.stop();
      forceKill(db?.pid);
      for (const squatter of squatters) squatter.close();
    }
  });

  describe('without a usable Java', () => {
    const expectJavaMissing = async (start: Promise<DynamoDbLocal>, detail: RegExp): Promise<void> => {
      const error: unknown = await start.then(
        async (db) => {
          await db.stop();
          return undefined;
        },
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(JavaMissingError);
      const message = (error as Error).message;
      expect(message).toMatch(detail);
      expect(message).toContain('Java 17+');
      expect(message).toContain('sudo apt-get install -y default-jre-headless');
      expect(message).toContain('brew install openjdk@17');
    };

    it('reports a missing java on PATH', async () => {
      const emptyDir = join(tempDir, 'empty-path');
      const originalPath = process.env['PATH'];
      process.env['PATH'] = emptyDir;
      try {
        await expectJavaMissing(startDynamoDbLocal({}), /`java` was not found/);
      } finally {
        process.env['PATH'] = originalPath;
      }
    });

    it('reports a javaCommand that does not exist', async () => {
      await expectJavaMissing(startDynamoDbLocal({ javaCommand: join(tempDir, 'nowhere', 'java') }), /was not found/);
    });

    it('reports a Java older than 17 and a failing java', async () => {
      const oldDir = join(tempDir, 'old-java');
      const brokenDir = join(tempDir, 'broken-java');
      for (const [dir, script] of [
        [oldDir, 'echo \'openjdk version "11.0.20" 2023-07-18\' >&2\nexit 0'],
        [brokenDir, 'echo \'Error: could not find libjava.so\' >&2\nexit 1'],
      ] as const) {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'java'), `#!/bin/sh\n${script}\n`);
        await chmod(join(dir, 'java'), 0o755);
      }
      await expectJavaMissing(startDynamoDbLocal({ javaCommand: join(oldDir, 'java') }), /found Java 11/);
      await expectJavaMissing(startDynamoDbLocal({ javaCommand: join(brokenDir, 'java') }), /exited with code 1: Error: could not find libjava\.so/);
    });

    it('rejects a javaCommand not named java', async () => {
      await expect(startDynamoDbLocal({ javaCommand: '/usr/bin/java17' })).rejects.toThrow(TypeError);
    });
  });
});
