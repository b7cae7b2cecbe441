import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, notFound } from '../../domain/errors.js';
import { toCityTime } from '../../domain/time.js';
import { CANCELLABLE } from '../../domain/visit.js';
import { makeEvent } from '../../events/catalog.js';
import { isTransactionCancelled } from '../shared/errors.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { outboxPut } from '../shared/store.js';
import { readVisit, toView, visitItems } from '../shared/visit-store.js';

/**
 * The owning centre calls a visit off, with a reason in its history. Open
 * offers are revoked and an assigned caregiver is told, by the consumers of
 * VisitCancelled.
 */
export async function cancelVisit(p: Platform, centerId: string, id: string, reason: string) {
  const record = await readVisit(p, id);
  if (!record || record.visit.centerId !== centerId) throw notFound('VISIT_NOT_FOUND', `no visit ${id}`, 'id');
  const { visit } = record;
  if (!CANCELLABLE.includes(visit.status)) throw conflict('INVALID_TRANSITION', `a ${visit.status} visit cannot be cancelled`, 'status');
  const now = p.clock.now();
  const at = toCityTime(now);
  const event = makeEvent('VisitCancelled', { visitId: id, centerId, reason }, { id: p.newId(), occurredAt: at });
  try {
    await p.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: p.config.tableName,
              Key: keys.visit(id),
              UpdateExpression: 'SET #status = :cancelled, cancelReason = :reason',
              ConditionExpression: '#status = :was',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':reason': reason, ':was': visit.status },
            },
          },
          { Put: { TableName: p.config.tableName, Item: visitItems.history(id, { at, event: 'VisitCancelled', status: 'CANCELLED', actor: `center:${centerId}`, note: reason }, event.id, now) } },
          outboxPut(p, event),
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCancelled(error)) throw conflict('CONCURRENT_CHANGE', 'the visit changed meanwhile; reload and try again', 'status');
    throw error;
  }
  return toView((await readVisit(p, id))!);
}
