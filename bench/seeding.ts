/**
 * Seeding the demo city, against its floor: the same items written with bare
 * BatchWriteItem calls (25 per request, 8 in flight) into a fresh table of
 * the same DynamoDB Local. The ratio is what generation, hashing and
 * bookkeeping add. `BENCH_SCALE` (default 0.25) sets the city's size.
 * Writes bench/results/seeding.json.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startDynamoDbLocal } = await import('../local/dynamodb.js');
const { ensureTables, tableNames } = await import('../local/tables.js');
const { dynamoClients } = await import('../functions/shared/dynamo.js');
const { demoCityItems, generateDemoCity, seedDemoCity } = await import('../local/demo-city.js');

const scale = Number(process.env.BENCH_SCALE ?? 0.25);
const dynamoLocal = await startDynamoDbLocal({});
const { dynamo, db } = dynamoClients({ endpoint: dynamoLocal.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

async function floor(items: Record<string, unknown>[], tableName: string) {
  const batches: Array<Record<string, unknown>[]> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

try {
  const floorNames = tableNames('floor_');
  const seedNames = tableNames('seed_');
  await ensureTables(dynamo, floorNames);
  await ensureTables(dynamo, seedNames);

  const items = demoCityItems(generateDemoCity({ scale }), 'bench-key');
  let start = performance.now();
  await floor(items, floorNames.care);
  const floorMs = performance.now() - start;

  start = performance.now();
  await seedDemoCity(db, seedNames.care, { scale, piiHashKey: 'bench-key' });
  const seedMs = performance.now() - start;

  const results = {
    when: new Date().toISOString(),
    scale,
    items: items.length,
    floorBatchWrite: { ms: Math.round(floorMs), itemsPerSecond: Math.round(items.length / (floorMs / 1000)) },
    seedDemoCity: { ms: Math.round(seedMs), itemsPerSecond: Math.round(items.length / (seedMs / 1000)) },
    ratio: +(seedMs / floorMs).toFixed(2),
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/seeding.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`seeding ${items.length} items (scale ${scale}): ${results.seedDemoCity.ms} ms = ${results.ratio}× bare BatchWrite of the same items (${results.floorBatchWrite.ms} ms)`);
} finally {
  dynamo.destroy();
  await dynamoLocal.stop();
}
