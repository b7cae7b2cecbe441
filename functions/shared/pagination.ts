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

function decodeCursor(cursor: string, keyNames: readonly string[]): Record<string, unknown> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && keyNames.every((k) => typeof (key as Record<string, unknown>)[k] === 'string')) {
      return key as Record<string, unknown>;
    }
  } catch {
    // fall through to the refusal
  }
  throw badRequest('INVALID_FIELD', 'cursor: not a cursor this list gave out', 'cursor');
}

/** One page of a Query, as `{items, nextCursor}`. */
export async function queryPage(
  p: Platform,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  page: z.infer<typeof PageQuery>,
  keyNames: readonly string[],
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const result = await p.db.send(
    new QueryCommand({
      ...input,
      TableName: p.config.tableName,
      Limit: page.limit,
      ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor, keyNames) } : {}),
    }),
  );
  return { items: result.Items ?? [], nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : null };
}

export const GSI1_KEYS = ['PK', 'SK', 'GSI1PK', 'GSI1SK'] as const;
