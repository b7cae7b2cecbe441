import '../shared/aws/platform.js';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { findService } from '../../domain/catalog.js';
import { type SmsTemplateId, smsLinkToken, smsVisitParams } from '../../domain/sms.js';
import { distanceKm } from '../../domain/geo.js';
import { parseEvent } from '../../events/catalog.js';
import { logger } from '../shared/http.js';
import { type DeskOwner, keys } from '../shared/keys.js';
import { mintLink } from '../shared/links.js';
import { type Platform, platform } from '../shared/platform.js';
import { caregiversNear, getCaregiver, getCenter, getElder, getStreet } from '../shared/registry-store.js';
import { markOnce, writeTogether } from '../shared/store.js';
import { getOffer, getVisit, readVisit } from '../shared/visit-store.js';
import type { Elder } from '../../domain/registry.js';
import type { IncidentKind } from '../../domain/verification.js';
import { EscalationStep, type Visit } from '../../domain/visit.js';
import { sendMyJobsLink } from './my-jobs-link.js';

/**
 * The SMS that carry a link: an offer waits for an answer; a visit assigned
 * by hand, and the reminder before a visit, are already the caregiver's. Each
 * goes once per offer (its marker). The reminder's link is a second valid
 * link to the job, beside the first (a page left open keeps working); the
 * phone binding stays with the job, so both open the same way.
 */
const LINK_SMS = {
  offer: { offer: 'PENDING', visit: 'OFFERED', marker: 'smsSentAt', hash: 'linkHash' },
  assigned: { offer: 'ACCEPTED', visit: 'ASSIGNED', marker: 'smsSentAt', hash: 'linkHash' },
  reminder: { offer: 'ACCEPTED', visit: 'ASSIGNED', marker: 'reminderSentAt', hash: 'reminderLinkHash' },
} as const;

/**
 * Mints the caregiver's link for one offer and sends it by SMS. The raw token
 * exists only in this function and the SMS; the table keeps its hash. A
 * redelivery before the SMS went out mints a fresh link (the old hash no
 * longer matches the offer, so the old link is dead); after, it does nothing.
 */
export async function sendOfferLink(p: Platform, visitId: string, caregiverId: string, kind: keyof typeof LINK_SMS = 'offer'): Promise<void> {
  const expected = LINK_SMS[kind];
  const offer = await getOffer(p, visitId, caregiverId);
  if (!offer || offer.status !== expected.offer || offer[expected.marker]) return;
  const [visit, caregiver] = await Promise.all([getVisit(p, visitId), getCaregiver(p, caregiverId)]);
  const service = visit && findService(visit.serviceCode);
  if (!visit || !caregiver || !service) throw new Error(`offer ${visitId}/${caregiverId} refers to missing data`);
  if (visit.status !== expected.visit) return; // taken or closed before the SMS went out

  const { token, tokenHash, put } = mintLink(p, { kind: 'job', visitId, caregiverId });
  const previous = offer[expected.hash];
  const now = p.clock.now();
  const written = await writeTogether(p, [
    put,
    {
      Update: {
        TableName: p.config.tableName,
        Key: keys.offer(visitId, caregiverId),
        UpdateExpression: 'SET #hash = :hash',
        // The link as read: of two deliveries at once, only one mints and sends.
        ConditionExpression: `#status = :expected AND attribute_not_exists(#marker) AND ${previous ? '#hash = :previous' : 'attribute_not_exists(#hash)'}`,
        ExpressionAttributeNames: { '#status': 'status', '#marker': expected.marker, '#hash': expected.hash },
        ExpressionAttributeValues: { ':hash': tokenHash, ':expected': expected.offer, ...(previous ? { ':previous': previous } : {}) },
      },
    },
  ]);
  if (!written) return; // accepted, revoked or sent meanwhile
  // The template says what the link is for; the link itself is `{publicBaseUrl}/j/{token}`.
  // A rescheduled visit asks its caregiver first: to them the offer reads as the visit moving to a new time.
  const template = kind === 'offer' && visit.rescheduledFrom && visit.preferredCaregiverId === caregiverId ? 'changed' : kind;
  await p.sms.send({ to: caregiver.phone, visitId, template, params: { ...smsVisitParams(service, visit.earliestStart), token: smsLinkToken(token) } });
  await p.db.send(
    new UpdateCommand({
      TableName: p.config.tableName,
      Key: keys.offer(visitId, caregiverId),
      UpdateExpression: 'SET #marker = :at',
      ExpressionAttributeNames: { '#marker': expected.marker },
      ExpressionAttributeValues: { ':at': now.toISOString() },
    }),
  );
}

/**
 * One notice about a visit, without a link, to each of `phones` once: the
 * marker `once` is set before sending, so a redelivery of the event is a
 * no-op, and a crash between the two loses that SMS rather than sending it
 * twice. Nobody to tell sets no marker.
 */
async function noticeOnce(
  p: Platform,
  visit: Visit,
  once: { key: { PK: string; SK: string }; attribute: string },
  template: Exclude<SmsTemplateId, 'offer' | 'assigned' | 'changed' | 'reminder' | 'myJobs'>,
  phones: ReadonlyArray<string | undefined>,
): Promise<void> {
  const to = [...new Set(phones.filter((phone): phone is string => !!phone))];
  if (to.length === 0 || !(await markOnce(p, once.key, once.attribute))) return;
  const params = smsVisitParams(visit.serviceCode, visit.earliestStart);
  for (const phone of to) await p.sms.send({ to: phone, visitId: visit.id, template, params });
}

/** Tells the assigned caregiver that a visit is off. */
export async function sendCancellation(p: Platform, visitId: string): Promise<void> {
  const visit = await getVisit(p, visitId);
  if (!visit?.assignment) return;
  const caregiver = await getCaregiver(p, visit.assignment.caregiverId);
  await noticeOnce(p, visit, { key: keys.visit(visitId), attribute: 'cancelSmsSentAt' }, 'cancelled', [caregiver?.phone]);
}

/**
 * The visit went to someone else: everyone else who got its offer by SMS and
 * has not answered hears that it is closed (an open link would tell them too,
 * but nobody should keep the evening free for it). Once per offer.
 */
export async function tellOffersTaken(p: Platform, visitId: string, winner: string): Promise<void> {
  const record = await readVisit(p, visitId);
  if (!record) return;
  for (const offer of record.offers) {
    if (offer.caregiverId === winner || !offer.smsSentAt || (offer.status !== 'PENDING' && offer.status !== 'REVOKED') || offer.noShow) continue;
    const caregiver = await getCaregiver(p, offer.caregiverId);
    await noticeOnce(p, record.visit, { key: keys.offer(visitId, offer.caregiverId), attribute: 'takenSmsSentAt' }, 'offerTaken', [caregiver?.phone]);
  }
}

/** The requesting centre hears of a no-show on its duty phone (dispatch is already asking others). Once per caregiver. */
export async function tellNoShow(p: Platform, visitId: string, caregiverId: string): Promise<void> {
  const visit = await getVisit(p, visitId);
  if (!visit) return;
  const centre = await getCenter(p, visit.centerId);
  await noticeOnce(p, visit, { key: keys.offer(visitId, caregiverId), attribute: 'noShowToldAt' }, 'noShow', [centre?.dutyPhone]);
}

/**
 * An incident reported from the job: the requesting centre's duty phone and
 * the elder's guardian and family contacts hear of it at once. Once per kind.
 */
export async function tellIncident(p: Platform, visitId: string, kind: IncidentKind): Promise<void> {
  const visit = await getVisit(p, visitId);
  if (!visit) return;
  const [centre, elder] = await Promise.all([getCenter(p, visit.centerId), getElder(p, visit.elderId)]);
  const phones = [centre?.dutyPhone, elder?.guardian?.phone, ...(elder?.familyContacts ?? []).map((c) => c.phone)];
  await noticeOnce(p, visit, { key: keys.visit(visitId), attribute: `${kind}ToldAt` }, kind, phones);
}

/** Family contacts who opted in hear when the caregiver checks in and when the visit is done. Once per step. */
export async function tellFamily(p: Platform, visitId: string, step: 'checkedIn' | 'checkedOut'): Promise<void> {
  const visit = await getVisit(p, visitId);
  const elder = visit ? await getElder(p, visit.elderId) : undefined;
  if (!visit || !elder) return;
  const phones = [...(elder.guardian ? [elder.guardian] : []), ...elder.familyContacts].filter((c) => c.visitUpdates).map((c) => c.phone);
  await noticeOnce(p, visit, { key: keys.visit(visitId), attribute: `${step}FamilyToldAt` }, step, phones);
}

/** How many nearby companies' dispatchers hear of a visit nobody took: enough to find someone, not a broadcast. */
const DISPATCHERS_TOLD = 5;

/** Who is asked to step in on a rung: their desk (where the visit is listed) and the phone that hears of it. */
interface Helper {
  desk: DeskOwner;
  phone: string;
}

/** Whom each rung of the escalation ladder reaches, and the marker that makes each rung act once. */
const RUNGS = {
  dispatchers: { marker: 'dispatchersToldAt', helpers: nearbyDispatchers },
  hub: { marker: 'hubToldAt', helpers: streetHub },
} as const satisfies Record<EscalationStep, { marker: string; helpers: (p: Platform, visit: Visit, elder: Elder) => Promise<Helper[]> }>;

/** Dispatchers of the nearest licensed companies that offer the service. */
async function nearbyDispatchers(p: Platform, visit: Visit, elder: Elder): Promise<Helper[]> {
  const companies = new Map<string, { phone: string; km: number }>();
  for (const { caregiver, enterprise } of await caregiversNear(p, elder.location, 2)) {
    if (!enterprise?.dispatcherPhone || enterprise.status !== 'licensed' || !enterprise.services.includes(visit.serviceCode)) continue;
    const km = distanceKm(caregiver.location, elder.location);
    const known = companies.get(enterprise.id);
    if (!known || km < known.km) companies.set(enterprise.id, { phone: enterprise.dispatcherPhone, km });
  }
  return [...companies.entries()]
    .sort(([, a], [, b]) => a.km - b.km)
    .slice(0, DISPATCHERS_TOLD)
    .map(([id, { phone }]) => ({ desk: { role: 'enterprise', id }, phone }));
}

/** The hub centre of the elder's street, on its duty phone. */
async function streetHub(p: Platform, _visit: Visit, elder: Elder): Promise<Helper[]> {
  const street = await getStreet(p, elder.streetId);
  const hub = street ? await getCenter(p, street.hubCenterId) : undefined;
  return hub?.dutyPhone ? [{ desk: { role: 'center', id: hub.id }, phone: hub.dutyPhone }] : [];
}

/**
 * People asked to step in for a visit nobody took: one rung of the ladder
 * (VisitEscalated), or every rung not yet reached when the visit ends
 * UNFILLED (at once when nobody was eligible at all). The visit goes on each
 * helper's desk (GET /desk), then they hear of it by SMS, each rung at most
 * once per visit (a marker set before sending), so they can assign it by
 * hand or re-open it.
 */
export async function tellPeople(p: Platform, visitId: string, steps: readonly EscalationStep[]): Promise<void> {
  const visit = await getVisit(p, visitId);
  if (!visit || (visit.status !== 'UNFILLED' && visit.status !== 'OFFERED')) return;
  const elder = await getElder(p, visit.elderId);
  if (!elder) return;
  const startUtc = new Date(visit.earliestStart).toISOString();
  // Desk entries go once the visit's day is well past.
  const ttl = Math.floor(Date.parse(visit.latestStart) / 1000) + 7 * 24 * 3600;
  for (const step of steps) {
    const helpers = await RUNGS[step].helpers(p, visit, elder);
    // Desk entries first: writing one twice is harmless, and a crash before the SMS still leaves the visit listed.
    for (const { desk } of helpers) {
      await p.db.send(new PutCommand({ TableName: p.config.tableName, Item: { ...keys.desk(desk, startUtc, visitId), entity: 'DeskEntry', visitId, step, ttl } }));
    }
    await noticeOnce(p, visit, { key: keys.visit(visitId), attribute: RUNGS[step].marker }, 'unfilled', helpers.map((h) => h.phone));
  }
}

/** Target of the NotifyCaregivers rule (events/rules.ts). */
export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const parsed = parseEvent(event.detail);
  switch (parsed.type) {
    case 'OfferSent':
      return sendOfferLink(platform(), parsed.data.visitId, parsed.data.caregiverId);
    case 'VisitCancelled':
      return sendCancellation(platform(), parsed.data.visitId);
    case 'VisitEscalated':
      return tellPeople(platform(), parsed.data.visitId, [parsed.data.step]);
    case 'VisitUnfilled':
      return tellPeople(platform(), parsed.data.visitId, EscalationStep.options);
    case 'VisitAssigned':
      // Accepted through a link: the caregiver has it. Assigned by hand: they get one now.
      await sendOfferLink(platform(), parsed.data.visitId, parsed.data.caregiverId, 'assigned');
      return tellOffersTaken(platform(), parsed.data.visitId, parsed.data.caregiverId);
    case 'ReminderDue':
      return sendOfferLink(platform(), parsed.data.visitId, parsed.data.caregiverId, 'reminder');
    case 'VisitCheckedIn':
      return tellFamily(platform(), parsed.data.visitId, 'checkedIn');
    case 'VisitCompleted':
      return tellFamily(platform(), parsed.data.visitId, 'checkedOut');
    case 'VisitIncident':
      return tellIncident(platform(), parsed.data.visitId, parsed.data.kind);
    case 'VisitNoShow':
      return tellNoShow(platform(), parsed.data.visitId, parsed.data.caregiverId);
    case 'MyJobsRequested':
      return sendMyJobsLink(platform(), parsed.data.phoneHash, parsed.id);
    default:
      logger.warn('notify ignores event', { type: parsed.type });
  }
}
