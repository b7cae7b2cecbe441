import '../shared/aws/platform.js';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type AnyEvent, safeParseEvent } from '../../events/catalog.js';
import { OUTBOX_ENTITY } from '../../events/rules.js';
import { logger } from '../shared/http.js';
import { platform } from '../shared/platform.js';

/**
 * Outbox relay: publishes the events that state changes wrote to the table.
 * Records arrive in table order; on the first failure the rest of the batch
 * is reported back, so the stream retries from there and order is kept
 * (consumers are idempotent, so a re-publish is harmless).
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const pending: Array<{ sequenceNumber: string; event: AnyEvent }> = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (record.eventName !== 'INSERT' || !image || !sequenceNumber) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.entity !== OUTBOX_ENTITY) continue;
    const parsed = safeParseEvent(item.event);
    if (!parsed.success) {
      // A malformed outbox item can never be published; retrying would block the shard.
      logger.error('dropping malformed outbox item', { pk: String(item.PK), issues: parsed.error.issues.length });
      continue;
    }
    pending.push({ sequenceNumber, event: parsed.data });
  }
  if (pending.length === 0) return { batchItemFailures: [] };

  const { failedIds } = await platform().publisher.publish(pending.map((p) => p.event));
  const firstFailure = pending.find((p) => failedIds.includes(p.event.id));
  if (firstFailure) {
    logger.warn('some events were not accepted by the bus; retrying from the first', { failed: failedIds.length });
    return { batchItemFailures: [{ itemIdentifier: firstFailure.sequenceNumber }] };
  }
  return { batchItemFailures: [] };
}
