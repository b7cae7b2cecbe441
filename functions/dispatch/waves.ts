import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describeExclusions, secondRing, selectCandidates } from '../../domain/dispatch.js';
import { defaultTravelModel } from '../../domain/geo.js';
import type { Elder } from '../../domain/registry.js';
import { adaptiveWaveSize, rankCandidates } from '../../domain/ranking.js';
import { addSeconds, cityDate, toCityTime } from '../../domain/time.js';
import { noShowAt } from '../../domain/verification.js';
import { type EscalationStep, nextEscalationStep, type OfferStatus, type VisitStatus } from '../../domain/visit.js';
import { makeEvent } from '../../events/catalog.js';
import { isConditionFailed } from '../shared/errors.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { caregiversNear, getCenter, getElder, readServedBefore } from '../shared/registry-store.js';
import { outboxPut, statusUpdate, type TransactItem, writeTogether } from '../shared/store.js';
import { readSchedules, unbook, visitDates } from '../shared/schedule-store.js';
import { historyPut, readVisit, type VisitRecord, visitItems } from '../shared/visit-store.js';
import { getSeries, rememberSeriesCaregiver } from '../visits/series.js';

const ACTOR = 'system:dispatch';

/** Name of the one-time schedule that starts a far-ahead visit's dispatch. */
export const dueName = (visitId: string) => `due-${visitId}`;

/** Name of the one-time schedule that ends a wave. */
export const deadlineName = (visitId: string, wave: number) => `wave${wave}-${visitId}`;

/** Moves the visit on only if nobody else has (status and wave as read). */
function visitUpdate(p: Platform, record: VisitRecord, set: string, values: Record<string, unknown>): TransactItem {
  return {
    Update: {
      TableName: p.config.tableName,
      Key: keys.visit(record.visit.id),
      UpdateExpression: `SET ${set}`,
      ConditionExpression: '#status = :expectedStatus AND wave = :expectedWave',
      ExpressionAttributeNames: { '#status': 'status', ...(set.includes('#ring') ? { '#ring': 'ring' } : {}) },
      ExpressionAttributeValues: { ...values, ':expectedStatus': record.visit.status, ':expectedWave': record.visit.wave },
    },
  };
}

/** An offer still PENDING moves to a final status; one that moved meanwhile is left as it is. */
function closeOpenOffer(p: Platform, visitId: string, caregiverId: string, to: Extract<OfferStatus, 'EXPIRED' | 'REVOKED'>) {
  return statusUpdate(p, keys.offer(visitId, caregiverId), { from: 'PENDING' satisfies OfferStatus, to }).Update!;
}

/**
 * Offers the visit to the next best caregivers not yet asked, or marks it
 * UNFILLED with the reasons when nobody is left.
 */
/** Eligible caregivers of one ring, ranked, with why the others were left out. */
async function candidatesIn(p: Platform, record: VisitRecord, elder: Elder, ring: 1 | 2) {
  const { visit } = record;
  const model = ring === 1 ? defaultTravelModel : secondRing();
  const pool = await caregiversNear(p, elder.location, ring);
  const [schedules, servedBefore, center] = await Promise.all([
    readSchedules(p, pool.map((c) => c.caregiver.id), visitDates(visit)),
    readServedBefore(p, elder.id),
    getCenter(p, visit.centerId),
  ]);
  const selection = selectCandidates({ visit, elder, pool, schedules, model, alreadyOffered: new Set(record.offers.map((o) => o.caregiverId)) });
  const ranked = rankCandidates({
    candidates: selection.ranked,
    caregivers: new Map(pool.map((c) => [c.caregiver.id, c.caregiver])),
    elder,
    servedBefore,
    schedules,
    partners: new Set(center?.partnerEnterpriseIds ?? []),
    visitDate: cityDate(new Date(visit.latestStart)),
    model,
  });
  return { ring, model, ranked, excluded: selection.excluded };
}

/**
 * Offers the visit to the next best caregivers not yet asked. When the
 * 15-minute circle has nobody left, dispatch widens to the second ring (twice
 * the travel time; those offers are flagged). When that is empty too, or the
 * start window has closed, the visit is UNFILLED with the reasons.
 */
export async function offerNextWave(p: Platform, record: VisitRecord): Promise<void> {
  const { visit } = record;
  const elder = await getElder(p, visit.elderId);
  if (!elder) throw new Error(`visit ${visit.id} refers to missing elder ${visit.elderId}`);
  // A rescheduled visit goes first to its caregiver; a series' visits to whoever took its first one.
  const preferredForVisit = visit.preferredCaregiverId ?? (visit.seriesId ? (await getSeries(p, visit.seriesId))?.preferredCaregiverId : undefined);
  if (preferredForVisit && !elder.preferences.preferredCaregivers.includes(preferredForVisit)) {
    elder.preferences = { ...elder.preferences, preferredCaregivers: [...elder.preferences.preferredCaregivers, preferredForVisit] };
  }
  let found = await candidatesIn(p, record, elder, visit.ring ?? 1);
  if (found.ranked.length === 0 && found.ring === 1) found = await candidatesIn(p, record, elder, 2);
  const { ranked, ring, model, excluded } = found;
  const now = p.clock.now();
  const at = toCityTime(now);
  const wave = visit.wave + 1;
  const latestStart = new Date(visit.latestStart);
  // Nobody can start a visit whose window has closed: stop asking.
  const windowClosed = now >= latestStart;
  // Waves the window still allows, keeping two deadlines for the escalation ladder.
  const wavesLeft = Math.floor((latestStart.getTime() - now.getTime()) / (p.config.offerTimeoutSeconds[visit.urgency] * 1000)) - 2;
  const chosen = windowClosed ? [] : ranked.slice(0, adaptiveWaveSize(ranked, visit.urgency, wavesLeft));

  if (chosen.length === 0) {
    // Rungs of the ladder take wave numbers too; only waves of offers count here.
    const offerWaves = new Set(record.offers.map((o) => o.wave)).size;
    const noAccept = `nobody accepted in ${offerWaves} wave(s); no one else eligible: ${describeExclusions(excluded, model)}`;
    // Waves ran out with time left: people are asked to step in before the visit is given up.
    const step = !windowClosed && offerWaves > 0 ? nextEscalationStep(visit.escalation) : undefined;
    if (step) return escalate(p, record, step, noAccept);
    const reason = windowClosed
      ? `the start window closed after ${offerWaves} wave(s) without an accept`
      : offerWaves > 0
        ? noAccept
        : `no eligible caregiver: ${describeExclusions(excluded, model)}`;
    const event = makeEvent('VisitUnfilled', { visitId: visit.id, centerId: visit.centerId, reason }, { id: p.newId(), occurredAt: at });
    await writeTogether(p, [
      visitUpdate(p, record, '#status = :status, unfilledReason = :reason', { ':status': 'UNFILLED' satisfies VisitStatus, ':reason': reason }),
      historyPut(p, visit.id, { at, event: 'VisitUnfilled', status: 'UNFILLED', actor: ACTOR, note: reason }, event.id, now),
      outboxPut(p, event),
    ]);
    return;
  }

  const expiresAt = await scheduleDeadline(p, record, wave);
  const offerEvents = chosen.map((candidate) =>
    makeEvent(
      'OfferSent',
      { visitId: visit.id, centerId: visit.centerId, caregiverId: candidate.caregiverId, enterpriseId: candidate.enterpriseId, wave, expiresAt: toCityTime(expiresAt) },
      { id: p.newId(), occurredAt: at },
    ),
  );
  const historyId = p.newId();
  await writeTogether(p, [
    visitUpdate(p, record, '#status = :status, wave = :wave, #ring = :ring', { ':status': 'OFFERED' satisfies VisitStatus, ':wave': wave, ':ring': ring }),
    ...chosen.map((candidate, index): TransactItem => ({
      Put: {
        TableName: p.config.tableName,
        Item: visitItems.offer({
          visitId: visit.id,
          caregiverId: candidate.caregiverId,
          enterpriseId: candidate.enterpriseId,
          status: 'PENDING',
          wave,
          travelMinutes: candidate.travelMinutes,
          rank: index + 1,
          ...(ring === 2 ? { outsideCircle: true } : {}),
          score: candidate.score,
          sentAt: at,
          expiresAt: toCityTime(expiresAt),
        }),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    })),
    historyPut(
      p,
      visit.id,
      { at, event: 'OfferSent', status: 'OFFERED', actor: ACTOR, note: `wave ${wave}: offered to ${chosen.length} caregiver(s)${ring === 2 ? ' beyond the 15-minute circle (second ring)' : ''}` },
      historyId,
      now,
    ),
    ...offerEvents.map((event) => outboxPut(p, event)),
  ]);
}

/**
 * Sets the deadline of the visit's next wave (or ladder rung): the urgency's
 * offer timeout, but never beyond the window in which the visit can start.
 * Scheduled before the step is written: if the write then fails, the deadline
 * finds nothing to do; the other order could lose the deadline.
 */
async function scheduleDeadline(p: Platform, record: VisitRecord, wave: number): Promise<Date> {
  const now = p.clock.now();
  const deadline = addSeconds(now, p.config.offerTimeoutSeconds[record.visit.urgency]);
  const latestStart = new Date(record.visit.latestStart);
  const at = deadline < latestStart ? deadline : latestStart;
  await p.scheduler.schedule({
    name: deadlineName(record.visit.id, wave),
    at,
    event: makeEvent('OfferWaveDeadline', { visitId: record.visit.id, wave }, { id: p.newId(), occurredAt: toCityTime(now) }),
  });
  return at;
}

/**
 * One rung up the ladder. It takes a wave number of its own, so the rung has
 * a deadline like a wave, and a dispatcher's or hub's assignment by hand, or
 * a cancellation, ends it the same way.
 */
async function escalate(p: Platform, record: VisitRecord, step: EscalationStep, reason: string): Promise<void> {
  const { visit } = record;
  const now = p.clock.now();
  const at = toCityTime(now);
  const wave = visit.wave + 1;
  await scheduleDeadline(p, record, wave);
  const event = makeEvent('VisitEscalated', { visitId: visit.id, centerId: visit.centerId, step, reason }, { id: p.newId(), occurredAt: at });
  const told = step === 'dispatchers' ? 'the nearby companies’ dispatchers are asked to assign someone' : 'the street’s hub centre is asked to assign someone';
  await writeTogether(p, [
    visitUpdate(p, record, 'wave = :wave, escalation = :step', { ':wave': wave, ':step': step }),
    historyPut(p, visit.id, { at, event: 'VisitEscalated', status: 'OFFERED', actor: ACTOR, note: `${told}: ${reason}` }, event.id, now),
    outboxPut(p, event),
  ]);
}

/**
 * A new visit: dispatched now, or, when it starts further ahead than the lead
 * time, on the day the lead time is reached (a scheduled DispatchDue).
 */
export async function startDispatch(p: Platform, visitId: string, due = false): Promise<void> {
  const record = await readVisit(p, visitId);
  // A redelivered VisitRequested finds the visit already on its way.
  if (!record || record.visit.status !== 'REQUESTED') return;
  const dueAt = new Date(Date.parse(record.visit.earliestStart) - p.config.dispatchLeadDays * 86_400_000);
  if (!due && dueAt > p.clock.now()) {
    await p.scheduler.schedule({
      name: dueName(visitId),
      at: dueAt,
      event: makeEvent('DispatchDue', { visitId }, { id: p.newId(), occurredAt: toCityTime(p.clock.now()) }),
    });
    return;
  }
  await offerNextWave(p, record);
}

/**
 * A wave ran out of time: its open offers expire, then the next wave goes
 * out. `expiredWave` marks the first step done, so a redelivery (or a retry
 * after a crash between the two steps) skips straight to the second, which
 * is itself conditional on the visit's wave.
 */
export async function onWaveDeadline(p: Platform, visitId: string, wave: number): Promise<void> {
  const record = await readVisit(p, visitId);
  if (!record || record.visit.status !== 'OFFERED' || record.visit.wave !== wave) return;
  const open = record.offers.filter((o) => o.wave === wave && o.status === 'PENDING');
  // A ladder rung has no offers to expire.
  if (record.visit.expiredWave !== wave && open.length > 0) {
    const now = p.clock.now();
    const at = toCityTime(now);
    const events = open.map((o) =>
      makeEvent('OfferExpired', { visitId, centerId: record.visit.centerId, caregiverId: o.caregiverId, wave }, { id: p.newId(), occurredAt: at }),
    );
    const expired = await writeTogether(p, [
      // Holds the visit still: an accept that lands first wins, and this is dropped.
      visitUpdate(p, record, 'expiredWave = :wave', { ':wave': wave }),
      ...open.map((o): TransactItem => ({ Update: closeOpenOffer(p, visitId, o.caregiverId, 'EXPIRED') })),
      historyPut(p, visitId, { at, event: 'OfferExpired', status: 'OFFERED', actor: ACTOR, note: `wave ${wave}: ${open.length} offer(s) expired` }, p.newId(), now),
      ...events.map((event) => outboxPut(p, event)),
    ]);
    if (!expired) return;
  }
  const fresh = await readVisit(p, visitId);
  if (fresh) await offerNextWave(p, fresh);
}

/** Name of the one-time schedule that checks an assigned caregiver has checked in. */
export const noShowName = (visitId: string) => `noshow-${visitId}`;

/** Name of the one-time schedule that reminds the assigned caregiver. */
export const reminderName = (visitId: string) => `reminder-${visitId}`;

/**
 * After an accept: the other open offers are revoked (their links stop
 * working), the deadline is dropped, and the no-show check is set.
 */
export async function onVisitAssigned(p: Platform, visitId: string, winner: string): Promise<void> {
  const record = await readVisit(p, visitId);
  if (!record) return;
  const due = noShowAt(record.visit, p.config.verification);
  const now = p.clock.now();
  await p.scheduler.schedule({
    name: noShowName(visitId),
    // Assigned by hand after the window opened: the caregiver gets the grace period from now.
    at: due > now ? due : addSeconds(now, p.config.verification.noShowGraceMin * 60),
    event: makeEvent('NoShowDue', { visitId, caregiverId: winner }, { id: p.newId(), occurredAt: toCityTime(now) }),
  });
  // Only a visit accepted well ahead needs reminding.
  const remindAt = addSeconds(new Date(record.visit.earliestStart), -p.config.verification.reminderLeadMin * 60);
  if (remindAt > now) {
    await p.scheduler.schedule({
      name: reminderName(visitId),
      at: remindAt,
      event: makeEvent('ReminderDue', { visitId, caregiverId: winner }, { id: p.newId(), occurredAt: toCityTime(now) }),
    });
  }
  for (const offer of record.offers.filter((o) => o.status === 'PENDING' && o.caregiverId !== winner)) {
    try {
      await p.db.send(new UpdateCommand(closeOpenOffer(p, visitId, offer.caregiverId, 'REVOKED')));
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  await p.scheduler.cancel(deadlineName(visitId, record.visit.wave));
  if (record.visit.seriesId) await rememberSeriesCaregiver(p, record.visit.seriesId, winner);
}

/** A decline: when nobody in the current wave is left to answer, the next wave goes out now, not at the deadline. */
export async function onOfferDeclined(p: Platform, visitId: string): Promise<void> {
  const record = await readVisit(p, visitId);
  if (!record || record.visit.status !== 'OFFERED') return;
  const { wave } = record.visit;
  if (record.offers.some((o) => o.wave === wave && o.status === 'PENDING')) return;
  await offerNextWave(p, record);
  await p.scheduler.cancel(deadlineName(visitId, wave));
}

/** A cancellation: open offers are revoked, the deadline dropped, the caregiver's time freed. */
export async function onVisitCancelled(p: Platform, visitId: string): Promise<void> {
  const record = await readVisit(p, visitId);
  if (!record || record.visit.status !== 'CANCELLED') return;
  for (const offer of record.offers.filter((o) => o.status === 'PENDING')) {
    try {
      await p.db.send(new UpdateCommand(closeOpenOffer(p, visitId, offer.caregiverId, 'REVOKED')));
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  await p.scheduler.cancel(deadlineName(visitId, record.visit.wave));
  await p.scheduler.cancel(dueName(visitId));
  await p.scheduler.cancel(noShowName(visitId));
  await p.scheduler.cancel(reminderName(visitId));
  if (record.visit.assignment) await unbook(p, record.visit.assignment.caregiverId, record.visit);
}

/**
 * The assigned caregiver has not checked in by the window's start plus the
 * grace period: a no-show. Their offer is revoked (the link stops acting),
 * their reliability record counts it, their time is freed, and the visit
 * goes back to OFFERED as urgent: larger, faster waves for what is left of
 * the window. If nothing is left, dispatch marks it UNFILLED and the centre
 * can reschedule it. VisitNoShow tells the centre.
 */
export async function onNoShowDue(p: Platform, visitId: string, caregiverId: string): Promise<void> {
  const record = await readVisit(p, visitId);
  const { visit } = record ?? {};
  if (!record || !visit || visit.status !== 'ASSIGNED' || visit.assignment?.caregiverId !== caregiverId) return;
  // The caregiver came and nobody answered: not a no-show; the centre has been alerted and decides.
  if (visit.incidents?.some((i) => i.kind === 'noAnswer')) return;
  const now = p.clock.now();
  const at = toCityTime(now);
  const event = makeEvent('VisitNoShow', { visitId, centerId: visit.centerId, caregiverId, enterpriseId: visit.assignment.enterpriseId }, { id: p.newId(), occurredAt: at });
  const moved = await writeTogether(p, [
    {
      Update: {
        TableName: p.config.tableName,
        Key: keys.visit(visitId),
        UpdateExpression: 'SET #status = :offered, assignment = :none, urgency = :urgent REMOVE escalation',
        ConditionExpression: '#status = :assigned AND assignment.caregiverId = :caregiver',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':offered': 'OFFERED' satisfies VisitStatus, ':assigned': 'ASSIGNED' satisfies VisitStatus, ':none': null, ':urgent': 'urgent', ':caregiver': caregiverId },
      },
    },
    statusUpdate(p, keys.offer(visitId, caregiverId), { from: 'ACCEPTED' satisfies OfferStatus, to: 'REVOKED' satisfies OfferStatus, set: { noShow: true } }),
    { Update: { TableName: p.config.tableName, Key: keys.caregiver(caregiverId), UpdateExpression: 'ADD noShows :one', ConditionExpression: 'attribute_exists(PK)', ExpressionAttributeValues: { ':one': 1 } } },
    // A visit not made is no familiarity: continuity forgets it.
    { Update: { TableName: p.config.tableName, Key: keys.served(visit.elderId, caregiverId), UpdateExpression: 'ADD visits :minusOne', ExpressionAttributeValues: { ':minusOne': -1 } } },
    historyPut(p, visitId, { at, event: 'VisitNoShow', status: 'OFFERED', actor: ACTOR, note: `caregiver ${caregiverId} did not check in within ${p.config.verification.noShowGraceMin} minutes of the window opening; dispatched again as urgent` }, event.id, now),
    outboxPut(p, event),
  ]);
  if (!moved) return;
  await unbook(p, caregiverId, visit);
  const fresh = await readVisit(p, visitId);
  if (fresh) await offerNextWave(p, fresh);
}
