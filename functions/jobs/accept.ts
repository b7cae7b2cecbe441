import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Refusal} from '../../domain/errors.js';
import { conflict, gone, notFound } from '../../domain/errors.js';
import { toCityTime } from '../../domain/time.js';
import { makeEvent } from '../../events/catalog.js';
import { cancelledOnlyByConflict, isTransactionCancelled } from '../shared/errors.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getItem, outboxPut, statusUpdate } from '../shared/store.js';
import { hashToken, TOKEN_PATTERN } from '../shared/tokens.js';
import { getCaregiver, getElder } from '../shared/registry-store.js';
import { bookingItem } from '../shared/schedule-store.js';
import { type StoredOffer, getOffer, getVisit, historyPut, servedUpdate } from '../shared/visit-store.js';
import type { Visit } from '../../domain/visit.js';

/**
 * A job link's item. Other kinds of link share the key space (a "my jobs"
 * link, kind `mine`), and none of them resolves as a job link: an item that
 * is not a job link reads as no link at all.
 */
const LinkSchema = z.object({ kind: z.literal('job').optional(), visitId: z.string(), caregiverId: z.string() }).nullable().catch(null);

export interface ResolvedLink {
  tokenHash: string;
  offer: StoredOffer;
  visit: Visit;
}

/**
 * The offer and visit a link stands for, or a refusal that reveals nothing:
 * a malformed, unknown or superseded token never reaches anyone's data.
 */
export async function resolveLink(p: Platform, token: string | undefined): Promise<ResolvedLink> {
  if (!token || !TOKEN_PATTERN.test(token)) throw notFound('LINK_INVALID', 'this link is not valid');
  const tokenHash = hashToken(token);
  const link = await getItem(p, LinkSchema, keys.link(tokenHash));
  if (!link) throw notFound('LINK_INVALID', 'this link is not valid');
  const [offer, visit] = await Promise.all([getOffer(p, link.visitId, link.caregiverId), getVisit(p, link.visitId)]);
  if (!offer || !visit) throw notFound('LINK_INVALID', 'this link is not valid');
  if (offer.linkHash !== tokenHash && offer.reminderLinkHash !== tokenHash && offer.myJobsLinkHash !== tokenHash) throw gone('LINK_REPLACED', 'this link was replaced by a newer one');
  return { tokenHash, offer, visit };
}

/** Why an offer can no longer be accepted, as the refusal the caregiver sees. */
export function closedOfferRefusal(offer: StoredOffer, visit: Visit, now: Date): Refusal | undefined {
  if (offer.status === 'ACCEPTED') return conflict('ALREADY_ACCEPTED', 'you have already accepted this visit');
  if (offer.noShow) return conflict('NO_SHOW', 'you did not check in in time, so the visit was given to someone else');
  if (offer.status === 'REVOKED' || (visit.status !== 'OFFERED' && visit.assignment)) {
    return conflict('OFFER_TAKEN', 'another caregiver has taken this visit');
  }
  if (offer.status === 'DECLINED') return conflict('OFFER_DECLINED', 'you declined this offer');
  if (offer.status === 'EXPIRED' || new Date(offer.expiresAt) <= now) return gone('OFFER_EXPIRED', 'this offer has expired');
  if (visit.status !== 'OFFERED') return gone('OFFER_CLOSED', 'this visit is no longer open');
  return undefined;
}

/**
 * First accept wins: the visit moves OFFERED → ASSIGNED and the offer
 * PENDING → ACCEPTED in one conditional transaction with the VisitAssigned
 * event. A second accept, or a losing one, gets a 409.
 */
/** Position of the caregiver's day in the accept transaction. */
const BOOKING_INDEX = 3;

/** `deviceSecret`: the accepting phone's new cookie, to which the job is bound (its hash is kept). */
export async function acceptOffer(p: Platform, token: string | undefined, deviceSecret?: string): Promise<{ visitId: string; status: 'ASSIGNED' }> {
  for (let attempt = 0; ; attempt++) {
    const { tokenHash, offer, visit } = await resolveLink(p, token);
    const now = p.clock.now();
    const refusal = closedOfferRefusal(offer, visit, now);
    if (refusal) throw refusal;
    const at = toCityTime(now);
    const [caregiver, elder] = await Promise.all([getCaregiver(p, offer.caregiverId), getElder(p, visit.elderId)]);
    if (!caregiver || !elder) throw new Error(`offer ${visit.id}/${offer.caregiverId} refers to missing data`);
    const booking = await bookingItem(p, { caregiverId: caregiver.id, maxVisitsPerDay: caregiver.maxVisitsPerDay, visit, location: elder.location });
    const event = makeEvent(
      'VisitAssigned',
      { visitId: visit.id, centerId: visit.centerId, caregiverId: offer.caregiverId, enterpriseId: offer.enterpriseId, acceptedAt: at },
      { id: p.newId(), occurredAt: at },
    );
    try {
      await p.db.send(
        new TransactWriteCommand({
          TransactItems: [
            statusUpdate(p, keys.visit(visit.id), {
              from: 'OFFERED',
              to: 'ASSIGNED',
              set: { assignment: { caregiverId: offer.caregiverId, enterpriseId: offer.enterpriseId, acceptedAt: at } },
            }),
            statusUpdate(p, keys.offer(visit.id, offer.caregiverId), {
              from: 'PENDING',
              to: 'ACCEPTED',
              set: { acceptedAt: at, ...(deviceSecret ? { deviceHash: hashToken(deviceSecret) } : {}) },
              and: { expression: 'linkHash = :hash AND expiresAt > :now', values: { ':hash': tokenHash, ':now': at } },
            }),
            historyPut(p, visit.id, { at, event: 'VisitAssigned', status: 'ASSIGNED', actor: `caregiver:${offer.caregiverId}` }, event.id, now),
            booking,
            outboxPut(p, event),
            servedUpdate(p, visit.elderId, offer.caregiverId, visit.id),
          ],
        }),
      );
      return { visitId: visit.id, status: 'ASSIGNED' };
    } catch (error) {
      if (!isTransactionCancelled(error)) throw error;
      // A pure write conflict says nothing about who won, and a change to the
      // caregiver's day (another accept) needs a fresh look at it: try again.
      const reasons = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      const onlyTheDayChanged = reasons[BOOKING_INDEX] === 'ConditionalCheckFailed' && reasons.every((r, i) => i === BOOKING_INDEX || r === 'None');
      if ((cancelledOnlyByConflict(error) || onlyTheDayChanged) && attempt < 3) continue;
      const { offer: after, visit: visitAfter } = await resolveLink(p, token);
      throw closedOfferRefusal(after, visitAfter, p.clock.now()) ?? conflict('OFFER_TAKEN', 'another caregiver has taken this visit');
    }
  }
}
