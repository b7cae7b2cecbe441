import { conflict, notFound } from '../../domain/errors.js';
import { toCityTime } from '../../domain/time.js';
import { CANCELLABLE, type Visit } from '../../domain/visit.js';
import { makeEvent } from '../../events/catalog.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { outboxPut, statusUpdate, type TransactItem, writeTogether } from '../shared/store.js';
import { historyPut, readVisit, toView } from '../shared/visit-store.js';

/**
 * The items that call a visit off, as it was read: its status, the history
 * entry and the VisitCancelled event (whose consumers revoke offers, free the
 * caregiver and tell them).
 */
export function cancellationItems(p: Platform, visit: Visit, input: { reason: string; actor: string; note?: string }, now: Date): TransactItem[] {
  const at = toCityTime(now);
  const event = makeEvent('VisitCancelled', { visitId: visit.id, centerId: visit.centerId, reason: input.reason }, { id: p.newId(), occurredAt: at });
  return [
    statusUpdate(p, keys.visit(visit.id), { from: visit.status, to: 'CANCELLED', set: { cancelReason: input.reason } }),
    historyPut(p, visit.id, { at, event: 'VisitCancelled', status: 'CANCELLED', actor: input.actor, note: input.note ?? input.reason }, event.id, now),
    outboxPut(p, event),
  ];
}

/** Refuses what cannot be cancelled: another centre's visit, or one past check-in. */
export function assertCancellable(visit: Visit | undefined, centerId: string, id: string): asserts visit is Visit {
  if (!visit || visit.centerId !== centerId) throw notFound('VISIT_NOT_FOUND', `no visit ${id}`, 'id');
  if (!CANCELLABLE.includes(visit.status)) throw conflict('INVALID_TRANSITION', `a ${visit.status} visit cannot be changed or cancelled`, 'status');
}

/** The owning centre calls a visit off, with a reason in its history. */
export async function cancelVisit(p: Platform, centerId: string, id: string, reason: string) {
  const visit = (await readVisit(p, id))?.visit;
  assertCancellable(visit, centerId, id);
  const written = await writeTogether(p, cancellationItems(p, visit, { reason, actor: `center:${centerId}` }, p.clock.now()));
  if (!written) throw conflict('CONCURRENT_CHANGE', 'the visit changed meanwhile; reload and try again', 'status');
  return toView((await readVisit(p, id))!);
}
