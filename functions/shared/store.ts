import {
  BatchGetCommand,
  TransactWriteCommand,
  type BatchGetCommandOutput,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { OUTBOX_ENTITY } from '../../events/rules.js';
import type { AnyEvent } from '../../events/catalog.js';
import { keys, withoutKeys } from './keys.js';
import type { Platform } from './platform.js';
import { setFields } from './update.js';
import { cancelledOnlyByConflict, isTransactionCancelled } from './errors.js';

/** One item of a TransactWrite, in the document client's plain-JavaScript form. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function parseItem<S extends z.ZodType>(schema: S, item: Record<string, unknown>): z.infer<S> {
  return schema.parse(withoutKeys(item));
}

export async function getItem<S extends z.ZodType>(
  p: Platform,
  schema: S,
  key: { PK: string; SK: string },
  consistent = false,
): Promise<z.infer<S> | undefined> {
  const { Item } = await p.db.send(new GetCommand({ TableName: p.config.tableName, Key: key, ConsistentRead: consistent }));
  return Item ? parseItem(schema, Item) : undefined;
}

/** BatchGet in chunks of 100, retrying unprocessed keys. */
export async function batchGet(p: Platform, keyList: ReadonlyArray<{ PK: string; SK: string }>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keyList.slice(i, i + 100);
    for (let attempt = 0; pending?.length && attempt < 5; attempt++) {
      const result: BatchGetCommandOutput = await p.db.send(new BatchGetCommand({ RequestItems: { [p.config.tableName]: { Keys: pending } } }));
      items.push(...(result.Responses?.[p.config.tableName] ?? []));
      pending = result.UnprocessedKeys?.[p.config.tableName]?.Keys;
      if (pending?.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
    if (pending?.length) throw new Error('BatchGet left keys unprocessed after retries');
  }
  return items;
}

/** All pages of a Query. Callers use it only on partitions that stay small. */
export async function queryAll(p: Platform, input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await p.db.send(new QueryCommand({ ...input, TableName: p.config.tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/**
 * Writes the items in one transaction: true when written, false when one of
 * their conditions did not hold (someone got there first), so the caller can
 * say why in its own words. A transaction that lost only a race with another
 * one in flight (nothing was decided) is tried again.
 */
export async function writeTogether(p: Platform, items: TransactItem[]): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await p.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (!isTransactionCancelled(error)) throw error;
      if ((error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      if (!cancelledOnlyByConflict(error) || attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 25 * attempt));
    }
  }
}

/** Outbox items live a week; the relay has published them long before. */
const OUTBOX_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The outbox half of a state change: written in the same transaction as the
 * change, published by the stream relay. Events are never lost.
 */
export function outboxPut(p: Platform, event: AnyEvent): TransactItem {
  return {
    Put: {
      TableName: p.config.tableName,
      Item: {
        ...keys.outbox(event.id),
        entity: OUTBOX_ENTITY,
        event,
        ttl: Math.floor(p.clock.now().getTime() / 1000) + OUTBOX_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/**
 * The update that moves an item from the status it was read in to the next,
 * setting other fields with it; it fails (and so does its transaction) if
 * someone else moved the item first. `and` adds conditions.
 */
export function statusUpdate(
  p: Platform,
  key: { PK: string; SK: string },
  change: { from: string; to: string; set?: Record<string, unknown>; and?: { expression: string; values: Record<string, unknown> } },
): TransactItem {
  const extra = setFields(change.set ?? {});
  return {
    Update: {
      TableName: p.config.tableName,
      Key: key,
      UpdateExpression: `SET #status = :toStatus${extra.fields.length ? `, ${extra.UpdateExpression.slice('SET '.length)}` : ''}`,
      ConditionExpression: `#status = :fromStatus${change.and ? ` AND ${change.and.expression}` : ''}`,
      ExpressionAttributeNames: { '#status': 'status', ...extra.ExpressionAttributeNames },
      ExpressionAttributeValues: { ':toStatus': change.to, ':fromStatus': change.from, ...extra.ExpressionAttributeValues, ...change.and?.values },
    },
  };
}

/**
 * Writes exactly the fields a PATCH changed; false when nothing changed. The
 * item must still exist, or meet `condition` instead.
 */
export async function patchItem(
  p: Platform,
  key: { PK: string; SK: string },
  changes: Record<string, unknown>,
  condition: { expression: string; values?: Record<string, unknown> } = { expression: 'attribute_exists(PK)' },
): Promise<boolean> {
  const update = setFields(changes);
  if (update.fields.length === 0) return false;
  await p.db.send(
    new UpdateCommand({
      TableName: p.config.tableName,
      Key: key,
      UpdateExpression: update.UpdateExpression,
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: update.ExpressionAttributeNames,
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...condition.values },
    }),
  );
  return true;
}

/**
 * Sets a timestamp marker on an item if it is not set yet: true for the first
 * caller, false for a redelivery. Side effects that must happen at most once
 * (an SMS) go after it.
 */
export async function markOnce(p: Platform, key: { PK: string; SK: string }, attribute: string): Promise<boolean> {
  try {
    await p.db.send(
      new UpdateCommand({
        TableName: p.config.tableName,
        Key: key,
        UpdateExpression: 'SET #marker = :at',
        ConditionExpression: 'attribute_not_exists(#marker)',
        ExpressionAttributeNames: { '#marker': attribute },
        ExpressionAttributeValues: { ':at': p.clock.now().toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
