/**
 * `npm run bench`: what the API adds on top of DynamoDB itself, measured in
 * one run on this machine. Each API call is compared with the bare SDK
 * operations that are its floor (same DynamoDB Local, same client):
 *   GET /visits/{id}  vs one GetItem
 *   POST /visits      vs one TransactWrite of the same three items
 * and heap growth after many requests (a leak shows as steady growth).
 * Writes bench/results/request-path.json.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { SAMPLES, ratio, summary, time } from './timing.js';

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startLocalPlatform } = await import('../local/platform.js');
const { DEMO_ANCHOR } = await import('../local/demo-city.js');

const N = SAMPLES;

const local = await startLocalPlatform({ port: 0, log: () => undefined, offerTimeoutSeconds: 3600 });
const { db, config } = local.platform;
const base = local.url;

const token = ((await (await fetch(`${base}/auth/dev-token`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'center', orgId: DEMO_ANCHOR.hubCenterId }),
})).json()) as { token: string }).token;
const auth = { authorization: `Bearer ${token}` };
const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
const visitBody = () => JSON.stringify({ elderId: DEMO_ANCHOR.elderId, serviceCode: 'cleaning', earliestStart: `${day}T09:00:00+08:00`, latestStart: `${day}T10:00:00+08:00` });


const created = (await (await fetch(`${base}/visits`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: visitBody() })).json()) as { id: string };

const floorGet = await time(() => db.send(new GetCommand({ TableName: config.tableName, Key: { PK: `VISIT#${created.id}`, SK: 'VISIT' } })));
const apiGet = await time(async () => {
  const res = await fetch(`${base}/visits/${created.id}`, { headers: auth });
  if (res.status !== 200) throw new Error(`GET ${res.status}`);
  await res.arrayBuffer();
});
const floorWrite = await time(() => {
  const id = randomUUID();
  return db.send(new TransactWriteCommand({
    TransactItems: ['VISIT', 'HISTORY', 'OUTBOX'].map((sk) => ({ Put: { TableName: config.tableName, Item: { PK: `BENCH#${id}`, SK: sk, payload: 'x'.repeat(300) } } })),
  }));
});
const apiPost = await time(async () => {
  const res = await fetch(`${base}/visits`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: visitBody() });
  if (res.status !== 201) throw new Error(`POST ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
});
await local.bus.idle();

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
for (let i = 0; i < N; i++) await (await fetch(`${base}/visits/${created.id}`, { headers: auth })).arrayBuffer();
gc?.();
const heapAfter = process.memoryUsage().heapUsed;

const results = {
  when: new Date().toISOString(),
  node: process.version,
  samples: N,
  getVisit: { api: summary(apiGet), floorGetItem: summary(floorGet), ratio: ratio(apiGet, floorGet) },
  postVisit: { api: summary(apiPost), floorTransactWrite: summary(floorWrite), ratio: ratio(apiPost, floorWrite) },
  heapGrowthBytesPerRequest: gc ? Math.round((heapAfter - heapBefore) / N) : null,
};
await local.stop();

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/request-path.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log(`GET /visits/{id}: median ${results.getVisit.api.medianMs} ms = ${results.getVisit.ratio}× one GetItem (${results.getVisit.floorGetItem.medianMs} ms)`);
console.log(`POST /visits:     median ${results.postVisit.api.medianMs} ms = ${results.postVisit.ratio}× one 3-item TransactWrite (${results.postVisit.floorTransactWrite.medianMs} ms)`);
console.log(`heap growth: ${results.heapGrowthBytesPerRequest ?? 'n/a (run with --expose-gc)'} bytes per request after ${N} requests`);
