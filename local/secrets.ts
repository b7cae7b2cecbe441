import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A random secret made on first start and kept in the local runtime table —
 * what Secrets Manager holds in AWS. Stable across restarts, so keyed hashes
 * made yesterday still match today.
 */
export async function localSecret(db: DynamoDBDocumentClient, tableName: string, name: string): Promise<string> {
  const key = { PK: 'SECRET', SK: name };
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
  if (typeof Item?.value === 'string') return Item.value;
  const value = randomBytes(32).toString('base64url');
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: { ...key, value }, ConditionExpression: 'attribute_not_exists(PK)' }));
    return value;
  } catch {
    // Another process made it first: use theirs.
    const { Item: theirs } = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return String(theirs?.value);
  }
}
