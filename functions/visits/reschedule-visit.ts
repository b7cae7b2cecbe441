import type * as z from 'zod';
import { conflict, notFound } from '../../domain/errors.js';
import { type RescheduleVisitRequest, planVisit } from '../../domain/visit.js';
import type { Platform } from '../shared/platform.js';
import { getElder, getStreet } from '../shared/registry-store.js';
import { readVisit, requestedVisitItems } from '../shared/visit-store.js';
import { writeTogether } from '../shared/store.js';
import { assertCancellable, cancellationItems } from './cancel-visit.js';

/**
 * A new window for a visit: the old visit is cancelled and a new one
 * requested in one transaction, so there is never none and never two. The
 * caregiver who had it is asked first, and told by SMS that the old time is
 * off; offers and links of the old visit end as on any cancellation.
 */
export async function rescheduleVisit(
  p: Platform,
  callerCenterId: string,
  id: string,
  request: z.infer<typeof RescheduleVisitRequest>,
  options: { hubMayAct?: boolean } = {},
) {
  const record = await readVisit(p, id);
  const old = record?.visit;
  const elder = old ? await getElder(p, old.elderId) : undefined;
  // The owning centre, or, where allowed, the hub centre of the elder's street.
  const hub = options.hubMayAct && elder ? (await getStreet(p, elder.streetId))?.hubCenterId : undefined;
  if (!old || !elder || (old.centerId !== callerCenterId && hub !== callerCenterId)) throw notFound('VISIT_NOT_FOUND', `no visit ${id}`, 'id');
  assertCancellable(old, old.centerId, id);
  const now = p.clock.now();
  const planned = planVisit({
    request: {
      elderId: old.elderId,
      serviceCode: old.serviceCode,
      earliestStart: request.earliestStart,
      latestStart: request.latestStart,
      durationMin: old.durationMin,
      urgency: old.urgency,
      ...(old.notes ? { notes: old.notes } : {}),
    },
    centerId: old.centerId,
    elder,
    id: p.newId(),
    now,
  });
  const visit = { ...planned, rescheduledFrom: old.id, ...(old.assignment ? { preferredCaregiverId: old.assignment.caregiverId } : {}) };
  const reason = `rescheduled to ${visit.earliestStart}: ${request.reason}`;
  const actor = `center:${callerCenterId}`;
  const written = await writeTogether(p, [
    ...cancellationItems(p, old, { reason, actor, note: `${reason} (new visit ${visit.id})` }, now),
    ...requestedVisitItems(p, visit, actor, now, `rescheduled from ${old.id}`),
  ]);
  if (!written) throw conflict('CONCURRENT_CHANGE', 'the visit changed meanwhile; reload and try again', 'status');
  return { id: visit.id, status: visit.status };
}

/** An UNFILLED visit dispatched again in its own window (new caregivers may have joined, others freed up). */
export async function reopenVisit(p: Platform, callerCenterId: string, id: string, reason: string) {
  const record = await readVisit(p, id);
  if (record && record.visit.status !== 'UNFILLED') throw conflict('INVALID_TRANSITION', `only an UNFILLED visit can be re-opened; this one is ${record.visit.status}`, 'status');
  const visit = record?.visit;
  return rescheduleVisit(
    p,
    callerCenterId,
    id,
    { earliestStart: visit?.earliestStart ?? '', latestStart: visit?.latestStart ?? '', reason: `re-opened: ${reason}` },
    { hubMayAct: true },
  );
}
