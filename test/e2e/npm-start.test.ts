import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import { api, tokenOf, waitFor, workday } from '../support/platform.js';

/** What `npm start` runs (package.json), started as its own process. */
const START = ['--import', 'tsx', 'local/main.ts'];

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
  dynamoPort: number;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const running: ChildProcess[] = [];

async function start(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, START, {
    env: { ...process.env, PORT: String(port), OFFER_TIMEOUT_SECONDS: '300', SCALE: '0.05', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://localhost:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}: ${output}`);
    const res = await fetch(`${url}/health`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 'health', 60_000);
  const dynamoPort = Number(/DynamoDB Local\s+http:\/\/[^:]+:(\d+)/.exec(output)?.[1]);
  return { child, output: () => output, url, dynamoPort };
}

/** The Java process serving DynamoDB Local on this port, if any. */
function javaOn(port: number): string[] {
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`]).toString().trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function stop(started: Started, signal: NodeJS.Signals) {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill(signal);
  return exited;
}

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start', () => {
  it('serves the slice end to end, prints its URLs, and stops Java on SIGTERM', async () => {
    const started = await start({ IN_MEMORY: '1' });
    expect(started.output()).toContain(`${started.url}/dev/sms`);
    expect(javaOn(started.dynamoPort)).not.toHaveLength(0);
    const http = api(started.url);
    const centre = await http.token('center', DEMO_ANCHOR.hubCenterId);
    const day = workday(new Date(), 1);
    const created = await http.post(
      '/visits',
      { elderId: DEMO_ANCHOR.elderId, serviceCode: 'bathing', earliestStart: `${day}T11:00:00+08:00`, latestStart: `${day}T11:30:00+08:00` },
      centre,
      { 'idempotency-key': 'e2e-1' },
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const sms = await waitFor(async () => {
      const { items } = (await (await http.get('/dev/sms')).json()) as { items: Array<{ text: string; visitId: string }> };
      return items.find((m) => m.visitId === id);
    }, 'an SMS');
    const token = tokenOf(sms.text)!;
    expect(sms.text).toContain(`${started.url}/j/${token}`);
    expect((await http.get(`/j/${token}`)).status).toBe(200);

    // The phone's form post, as a browser sends it.
    const accept = await fetch(`${started.url}/j/${token}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(accept.status).toBe(303);
    expect(accept.headers.getSetCookie()[0]).toMatch(/^cd_device=[A-Za-z0-9_-]{22}; Path=\/j\/;/);
    const visit = (await (await http.get(`/visits/${id}`, centre)).json()) as { status: string; history: Array<{ event: string }> };
    expect(visit.status).toBe('ASSIGNED');
    // Without the accepting phone's cookie: the job, but nothing personal.
    expect(await (await http.get(`/j/${token}`)).text()).toContain('只在接单时使用的手机上显示');

    expect(await stop(started, 'SIGTERM')).toBe(0);
    await waitFor(async () => (javaOn(started.dynamoPort).length === 0 ? true : undefined), 'Java to stop', 10_000);
  });

  it('keeps data, the clock and the seed across a restart, and never orphans Java when killed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'care-dispatch-e2e-'));
    try {
      const first = await start({ DATA_DIR: dataDir });
      const http1 = api(first.url);
      const centre = await http1.token('center', DEMO_ANCHOR.hubCenterId);
      const eldersBefore = ((await (await http1.get('/elders', centre)).json()) as { items: unknown[] }).items.length;
      await http1.post('/dev/clock', { now: '2027-03-01T08:00:00+08:00' });
      const created = await http1.post(
        '/visits',
        { elderId: DEMO_ANCHOR.elderId, serviceCode: 'bathing', earliestStart: '2027-03-02T09:00:00+08:00', latestStart: '2027-03-02T10:00:00+08:00' },
        centre,
        { 'idempotency-key': 'e2e-2' },
      );
      const { id } = (await created.json()) as { id: string };
      await waitFor(async () => {
        const v = (await (await http1.get(`/visits/${id}`, centre)).json()) as { status: string };
        return v.status === 'OFFERED' ? true : undefined;
      }, 'offers');
      // The parent dies without a chance to clean up: its guardian still stops Java.
      await stop(first, 'SIGKILL');
      await waitFor(async () => (javaOn(first.dynamoPort).length === 0 ? true : undefined), 'Java to stop after SIGKILL', 15_000);

      const second = await start({ DATA_DIR: dataDir });
      const http2 = api(second.url);
      expect(first.output()).toContain('seeding Wuhai demo city');
      expect(second.output()).not.toContain('seeding');
      const clock = (await (await http2.get('/dev/clock')).json()) as { now: string };
      expect(clock.now.startsWith('2027-03-01')).toBe(true);
      const centre2 = await http2.token('center', DEMO_ANCHOR.hubCenterId);
      const visit = (await (await http2.get(`/visits/${id}`, centre2)).json()) as { status: string };
      expect(visit.status).toBe('OFFERED');
      const elders = (await (await http2.get('/elders', centre2)).json()) as { items: unknown[] };
      expect(elders.items).toHaveLength(eldersBefore);
      expect(await stop(second, 'SIGINT')).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('says how to install Java when it is missing', async () => {
    const port = await freePort();
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, START, { env: { ...process.env, PORT: String(port), IN_MEMORY: '1', PATH: '/nonexistent' } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });
    expect(result.code).toBe(2);
    expect(result.output).toContain('apt-get install -y default-jre-headless');
    expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
  });
});
