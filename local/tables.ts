import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, careTable, idempotencyTable } from '../infra/tables.js';

/** Local-only bookkeeping: scheduled events, the SMS outbox, the clock, stream checkpoints, the dev signing key. */
export const localRuntimeTable: TableDefinition = {
  id: 'LocalRuntime',
  envVar: 'LOCAL_RUNTIME_TABLE',
  partitionKey: 'PK',
  sortKey: 'SK',
  indexes: [],
};

export type TableNames = Record<'care' | 'idempotency' | 'runtime', string>;

export function tableNames(prefix = ''): TableNames {
  return { care: `${prefix}${careTable.id}`, idempotency: `${prefix}${idempotencyTable.id}`, runtime: `${prefix}${localRuntimeTable.id}` };
}

function createInput(definition: TableDefinition, name: string): CreateTableCommandInput {
  const keyAttributes = new Set([definition.partitionKey, definition.sortKey, ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...keyAttributes].filter((a): a is string => Boolean(a)).map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: definition.partitionKey, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(definition.indexes.length
      ? {
          GlobalSecondaryIndexes: definition.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(definition.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } } : {}),
  };
}

/** Creates the tables CDK deploys (same definitions) plus the local runtime's own, if missing. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  const wanted: Array<[TableDefinition, string]> = [[careTable, names.care], [idempotencyTable, names.idempotency], [localRuntimeTable, names.runtime]];
  for (const [definition, name] of wanted) {
    try {
      await client.send(new CreateTableCommand(createInput(definition, name)));
      if (definition.ttlAttribute) {
        await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: definition.ttlAttribute } }));
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      await addMissingIndexes(client, definition, name);
    }
    await waitActive(client, name);
  }
}

async function waitActive(client: DynamoDBClient, name: string) {
  for (let i = 0; i < 600; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${name} did not become active`);
}

/** Data kept in .data from an older version gains the indexes added since, as CDK would add them. */
async function addMissingIndexes(client: DynamoDBClient, definition: TableDefinition, name: string) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  const input = createInput(definition, name);
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await waitActive(client, name);
    await client.send(
      new UpdateTableCommand({ TableName: name, AttributeDefinitions: input.AttributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: index }] }),
    );
  }
}

export async function streamArnOf(client: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream`);
  return Table.LatestStreamArn;
}
