import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { badRequest } from '../../domain/errors.js';
import type { Platform } from './platform.js';

export const PageQuery = z.object({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Opaque to clients: the last key of the page, base64url JSON. */
const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

const badCursor = () => badRequest('INVALID_FIELD', 'cursor: not a cursor this list gave out', 'cursor');

/** The cursor's key, only if it has exactly this list's key attributes and lies in this list's partition. */
function decodeCursor(cursor: string, keyNames: readonly string[], partition: Record<string, unknown>): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw badCursor();
  const record = key as Record<string, unknown>;
  const shape = Object.keys(record).sort().join() === [...keyNames].sort().join();
  const filled = keyNames.every((k) => typeof record[k] === 'string' && (record[k] as string).length > 0);
  const samePartition = Object.entries(partition).every(([k, v]) => record[k] === v);
  if (!shape || !filled || !samePartition) throw badCursor();
  return record;
}

/** One page of a Query, as `{items, nextCursor}`. */
export async function queryPage(
  p: Platform,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'> & { ExpressionAttributeValues: Record<string, unknown> },
  page: z.infer<typeof PageQuery>,
  keyNames: readonly string[],
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  // The partition the query reads: a cursor from any other list is refused.
  const partitionAttribute = keyNames.find((k) => input.KeyConditionExpression?.startsWith(`${k} = `));
  const partition = partitionAttribute ? { [partitionAttribute]: input.ExpressionAttributeValues[':pk'] } : {};
  let result;
  try {
    result = await p.db.send(
      new QueryCommand({
        ...input,
        TableName: p.config.tableName,
        Limit: page.limit,
        ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor, keyNames, partition) } : {}),
      }),
    );
  } catch (error) {
    // A well-formed cursor can still lie outside the key condition (another status): the caller's mistake.
    if (page.cursor && error instanceof Error && error.name === 'ValidationException') throw badCursor();
    throw error;
  }
  return { items: result.Items ?? [], nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : null };
}

export const GSI1_KEYS = ['PK', 'SK', 'GSI1PK', 'GSI1SK'] as const;
