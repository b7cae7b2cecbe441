import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { toCityTime } from '../../domain/time.js';
import { makeEvent } from '../../events/catalog.js';
import { isTransactionCancelled } from '../shared/errors.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { outboxPut, statusUpdate } from '../shared/store.js';
import { historyPut } from '../shared/visit-store.js';
import { closedOfferRefusal, resolveLink } from './accept.js';

/** The caregiver says no: the offer closes, and dispatch moves on at once when the wave has no one left to answer. */
export async function declineOffer(p: Platform, token: string | undefined, reason: string | undefined): Promise<{ visitId: string; status: 'DECLINED' }> {
  const { tokenHash, offer, visit } = await resolveLink(p, token);
  const now = p.clock.now();
  const refusal = closedOfferRefusal(offer, visit, now);
  if (refusal) throw refusal;
  const at = toCityTime(now);
  const event = makeEvent(
    'OfferDeclined',
    { visitId: visit.id, centerId: visit.centerId, caregiverId: offer.caregiverId, ...(reason ? { reason } : {}) },
    { id: p.newId(), occurredAt: at },
  );
  try {
    await p.db.send(
      new TransactWriteCommand({
        TransactItems: [
          statusUpdate(p, keys.offer(visit.id, offer.caregiverId), {
            from: 'PENDING',
            to: 'DECLINED',
            ...(reason ? { set: { declineReason: reason } } : {}),
            and: { expression: 'linkHash = :hash', values: { ':hash': tokenHash } },
          }),
          historyPut(p, visit.id, { at, event: 'OfferDeclined', status: visit.status, actor: `caregiver:${offer.caregiverId}`, ...(reason ? { note: reason } : {}) }, event.id, now),
          outboxPut(p, event),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCancelled(error)) throw error;
    const { offer: after, visit: visitAfter } = await resolveLink(p, token);
    throw closedOfferRefusal(after, visitAfter, p.clock.now()) ?? error;
  }
  return { visitId: visit.id, status: 'DECLINED' };
}
