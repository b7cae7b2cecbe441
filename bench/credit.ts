/**
 * `npm run bench` (part): what the credit archive costs, against floors
 * measured in the same run on the same DynamoDB Local:
 *   the ledger applying one rating (reads the event's marker, the rating's
 *   last count, the two credit records, the caregiver and the company; writes
 *   one transaction: the marker, the count, two scores with history, the
 *   caregiver's summary, four day counters, the CreditChanged events)
 *     vs the same six GetItems, all at once, and one TransactWrite of as many items;
 *   GET /bureau/stats over 30 and 366 days
 *     vs one bare Query of the same day counters.
 * The rate comes from counters, so it must stay flat as ratings accumulate.
 * Writes bench/results/credit.json.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { SAMPLES, ratio, summary, time } from './timing.js';

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startLocalPlatform } = await import('../local/platform.js');
const { DEMO_ANCHOR } = await import('../local/demo-city.js');
const { applyToCredit } = await import('../functions/ledger/apply.js');
const { makeEvent } = await import('../events/catalog.js');
const { cityDate, toCityTime } = await import('../domain/time.js');
const { keys } = await import('../functions/shared/keys.js');


const local = await startLocalPlatform({ port: 0, log: () => undefined, offerTimeoutSeconds: 3600 });
const { db, config } = local.platform;
const base = local.url;
const token = async (role: string, orgId: string) =>
  ((await (await fetch(`${base}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, orgId }) })).json()) as { token: string }).token;
const bureau = { authorization: `Bearer ${await token('bureau', '150300')}` };
const center = { authorization: `Bearer ${await token('center', DEMO_ANCHOR.hubCenterId)}` };

// A caregiver and company of the demo city to rate.
const companies = (await (await fetch(`${base}/enterprises?status=licensed&limit=1`, { headers: bureau })).json()) as { items: Array<{ id: string }> };
const enterpriseId = companies.items[0]!.id;
const caregivers = (await (await fetch(`${base}/caregivers?enterpriseId=${enterpriseId}&limit=1`, { headers: bureau })).json()) as { items: Array<{ id: string }> };
const caregiverId = caregivers.items[0]!.id;
const elder = (await (await fetch(`${base}/elders/${DEMO_ANCHOR.elderId}`, { headers: center })).json()) as { streetId: string };


// One rating a day, back over a year and a bit, so the stats read full day counters.
const today = local.clock.now();
const serviceDate = (i: number) => cityDate(new Date(today.getTime() - (i % 400) * 86_400_000));
const apply = await time((i) =>
  applyToCredit(
    local.platform,
    makeEvent(
      'EvaluationSubmitted',
      { visitId: `bench-${i}`, centerId: DEMO_ANCHOR.hubCenterId, party: 'household', caregiverId, enterpriseId, streetId: elder.streetId, serviceDate: serviceDate(i), stars: 3 + (i % 3), revision: 1 },
      { id: randomUUID(), occurredAt: toCityTime(local.clock.now()) },
    ),
  ),
);
// The event's marker, the rating's last count, 2 × (credit, history, CreditChanged), the caregiver's summary, 4 day counters.
const ITEMS_PER_RATING = 13;
const floorApply = await time(async () => {
  await Promise.all(
    [
      keys.ledgerApplied('bench'),
      keys.ratingApplied('bench', 'household'),
      keys.credit('caregiver', caregiverId),
      keys.credit('enterprise', enterpriseId),
      keys.caregiver(caregiverId),
      keys.enterprise(enterpriseId),
    ].map((Key) =>
      db.send(new GetCommand({ TableName: config.tableName, Key, ConsistentRead: true })),
    ),
  );
  const id = randomUUID();
  await db.send(
    new TransactWriteCommand({
      TransactItems: Array.from({ length: ITEMS_PER_RATING }, (_, k) => ({ Put: { TableName: config.tableName, Item: { PK: `BENCH#${id}`, SK: `ITEM#${k}`, payload: 'x'.repeat(200) } } })),
    }),
  );
});

const stats = async (days: number) => {
  const from = cityDate(new Date(today.getTime() - (days - 1) * 86_400_000));
  const samples = await time(async () => {
    const res = await fetch(`${base}/bureau/stats?from=${from}&to=${cityDate(today)}&caregiverId=${caregiverId}`, { headers: bureau });
    if (res.status !== 200) throw new Error(`stats ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }, 100);
  const floor = await time(
    () =>
      db.send(
        new QueryCommand({
          TableName: config.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.ratingDay('caregiver', caregiverId, '').PK, ':from': `DAY#${from}`, ':to': `DAY#${cityDate(today)}` },
        }),
      ),
    100,
  );
  return { api: summary(samples), floorQuery: summary(floor), ratio: ratio(samples, floor) };
};
const stats30 = await stats(30);
const stats366 = await stats(366);
await local.stop();

const results = {
  when: new Date().toISOString(),
  node: process.version,
  samples: SAMPLES,
  ledgerApplyRating: { ledger: summary(apply), floor: summary(floorApply), ratio: ratio(apply, floorApply) },
  bureauStats30Days: stats30,
  bureauStats366Days: stats366,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/credit.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log(`ledger, one rating:        median ${results.ledgerApplyRating.ledger.medianMs} ms = ${results.ledgerApplyRating.ratio}× 6 parallel GetItems + one ${ITEMS_PER_RATING}-item TransactWrite (${results.ledgerApplyRating.floor.medianMs} ms)`);
console.log(`GET /bureau/stats, 30 d:   median ${stats30.api.medianMs} ms = ${stats30.ratio}× one Query of the day counters (${stats30.floorQuery.medianMs} ms)`);
console.log(`GET /bureau/stats, 366 d:  median ${stats366.api.medianMs} ms = ${stats366.ratio}× one Query of the day counters (${stats366.floorQuery.medianMs} ms)`);
