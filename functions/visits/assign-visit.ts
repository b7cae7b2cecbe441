import { describeExclusions, selectCandidates } from '../../domain/dispatch.js';
import { conflict, forbidden, notFound } from '../../domain/errors.js';
import { defaultTravelModel } from '../../domain/geo.js';
import type { Principal } from '../../domain/principal.js';
import { toCityTime } from '../../domain/time.js';
import { makeEvent } from '../../events/catalog.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getCaregiver, getElder, getEnterprise, getStreet } from '../shared/registry-store.js';
import { bookingItem, readSchedules, visitDates } from '../shared/schedule-store.js';
import { outboxPut, statusUpdate, writeTogether } from '../shared/store.js';
import { historyPut, readVisit, servedUpdate, toView, visitItems } from '../shared/visit-store.js';

/** By hand, distance is the person's judgement; every other rule still holds. */
const BY_HAND = { ...defaultTravelModel, circleMinutes: 24 * 60 };

/**
 * The hub centre of the elder's street, or the company's dispatcher for its
 * own caregiver, gives an open or UNFILLED visit to a caregiver directly. The
 * caregiver gets the job's link by SMS (notify, on VisitAssigned).
 */
export async function assignVisit(p: Platform, principal: Principal, id: string, caregiverId: string, reason: string) {
  const record = await readVisit(p, id);
  const visit = record?.visit;
  const elder = visit ? await getElder(p, visit.elderId) : undefined;
  if (!record || !visit || !elder) throw notFound('VISIT_NOT_FOUND', `no visit ${id}`, 'id');
  const caregiver = await getCaregiver(p, caregiverId);
  if (principal.role === 'center') {
    const hub = (await getStreet(p, elder.streetId))?.hubCenterId;
    if (principal.orgId !== hub && principal.orgId !== visit.centerId) throw notFound('VISIT_NOT_FOUND', `no visit ${id}`, 'id');
  } else if (principal.role === 'enterprise' && caregiver?.enterpriseId !== principal.orgId) {
    throw forbidden('NOT_YOUR_CAREGIVER', 'a company assigns only its own caregivers', 'caregiverId');
  }
  if (!caregiver) throw notFound('CAREGIVER_NOT_FOUND', `no caregiver ${caregiverId}`, 'caregiverId');
  if (visit.status !== 'OFFERED' && visit.status !== 'UNFILLED') {
    throw conflict('INVALID_TRANSITION', `a ${visit.status} visit cannot be assigned by hand`, 'status');
  }
  const enterprise = await getEnterprise(p, caregiver.enterpriseId);
  const selection = selectCandidates({
    visit,
    elder,
    pool: [{ caregiver, enterprise }],
    schedules: await readSchedules(p, [caregiver.id], visitDates(visit)),
    alreadyOffered: new Set(),
    model: BY_HAND,
  });
  const candidate = selection.ranked[0];
  if (!candidate || !enterprise) throw conflict('NOT_ELIGIBLE', `caregiverId: ${describeExclusions(selection.excluded, BY_HAND).replace(/^1 /, '')}`, 'caregiverId');

  const now = p.clock.now();
  const at = toCityTime(now);
  const actor = `${principal.role}:${principal.orgId}`;
  const existing = record.offers.find((o) => o.caregiverId === caregiver.id);
  const event = makeEvent('VisitAssigned', { visitId: id, centerId: visit.centerId, caregiverId: caregiver.id, enterpriseId: enterprise.id, acceptedAt: at }, { id: p.newId(), occurredAt: at });
  const written = await writeTogether(p, [
    statusUpdate(p, keys.visit(id), {
      from: visit.status,
      to: 'ASSIGNED',
      set: { assignment: { caregiverId: caregiver.id, enterpriseId: enterprise.id, acceptedAt: at, assignedBy: actor } },
      and: { expression: 'wave = :wave', values: { ':wave': visit.wave } },
    }),
    {
      // The caregiver's offer for this visit, accepted: a fresh one, or one that expired or was declined before.
      Put: {
        TableName: p.config.tableName,
        Item: visitItems.offer({
          visitId: id,
          caregiverId: caregiver.id,
          enterpriseId: enterprise.id,
          status: 'ACCEPTED',
          wave: Math.max(1, visit.wave),
          travelMinutes: candidate.travelMinutes,
          sentAt: existing?.sentAt ?? at,
          expiresAt: visit.latestStart,
          acceptedAt: at,
        }),
      },
    },
    historyPut(p, id, { at, event: 'VisitAssigned', status: 'ASSIGNED', actor, note: `by hand: ${reason}` }, event.id, now),
    await bookingItem(p, { caregiverId: caregiver.id, maxVisitsPerDay: caregiver.maxVisitsPerDay, visit, location: elder.location }),
    outboxPut(p, event),
    servedUpdate(p, visit.elderId, caregiver.id, id),
  ]);
  if (!written) throw conflict('CONCURRENT_CHANGE', 'the visit or the caregiver’s day changed meanwhile; reload and try again', 'status');
  return toView((await readVisit(p, id))!);
}
