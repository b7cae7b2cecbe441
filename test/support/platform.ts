import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type LocalPlatform, type LocalPlatformOptions, startLocalPlatform } from '../../local/platform.js';

/** The local platform in this test process, on the run's DynamoDB Local, in tables of its own. */
export async function startTestPlatform(options: Partial<LocalPlatformOptions> = {}): Promise<LocalPlatform & { logs: string[] }> {
  const logs: string[] = [];
  const local = await startLocalPlatform({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: `t${randomBytes(4).toString('hex')}_`,
    log: (line) => logs.push(line),
    // Tests request visits up to a couple of weeks out and want them dispatched at once.
    dispatchLeadDays: 60,
    // Tests send a day's SMS within minutes of platform time; the cap has its own tests.
    smsMaxPerPhonePerHour: 1000,
    ...options,
  });
  return Object.assign(local, { logs });
}

export interface Api {
  url: string;
  get(path: string, token?: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body: unknown, token?: string, headers?: Record<string, string>): Promise<Response>;
  token(role: string, orgId: string): Promise<string>;
}

export function api(url: string): Api {
  const auth = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return {
    url,
    get: (path, token, headers = {}) => fetch(`${url}${path}`, { headers: { ...auth(token), ...headers } }),
    post: (path, body, token, headers = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth(token), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async token(role, orgId) {
      const res = await fetch(`${url}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, orgId }) });
      if (res.status !== 200) throw new Error(`dev-token ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
  };
}

/** Polls until `probe` returns a value, or fails with the last value seen. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The link token inside an SMS text. */
/** An SMS as the local outbox shows it. */
export interface OutboxSms {
  to: string;
  text: string;
}

/** The first SMS about a visit that `pick` accepts, once it is in the outbox. */
export const smsAbout = (http: Api, visitId: string, pick: (m: OutboxSms) => unknown, what: string) =>
  waitFor(async () => ((await (await http.get(`/dev/sms?visitId=${visitId}`)).json()) as { items: OutboxSms[] }).items.find(pick), what);

export const tokenOf = (text: string) => /\/j\/([A-Za-z0-9_-]+)/.exec(text)?.[1];

/** How many items the platform's table holds: proves a refused request wrote nothing. */
export async function countItems(local: LocalPlatform): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await local.platform.db.send(
      new ScanCommand({ TableName: local.platform.config.tableName, Select: 'COUNT', ExclusiveStartKey }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

/** Waits until background work (relay, deliveries, due schedules) has settled: the item count holds still. */
export async function quiesce(local: LocalPlatform, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    await local.scheduler.tick();
    await local.bus.idle();
    await new Promise((r) => setTimeout(r, 400)); // longer than a stream-reader poll
    const count = await countItems(local);
    if (count === last) return;
    last = count;
  }
  throw new Error('background work did not settle');
}

/**
 * The n-th working day (Monday to Friday, city time) after `now`: seeded
 * caregivers work Monday to Saturday, so visits on those days always find
 * someone, whatever day the tests run.
 */
export function workday(now: Date, n: number): string {
  let date = new Date(now.getTime() + 8 * 3_600_000);
  for (let found = 0; found < n; ) {
    date = new Date(date.getTime() + 86_400_000);
    const weekday = date.getUTCDay();
    if (weekday >= 1 && weekday <= 5) found++;
  }
  return date.toISOString().slice(0, 10);
}
