import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { findService } from '../../domain/catalog.js';
import { badRequest, conflict, forbidden, gone } from '../../domain/errors.js';
import type { Elder } from '../../domain/registry.js';
import { addMinutes, toCityTime } from '../../domain/time.js';
import {
  type CheckInRequest,
  type CheckOutRequest,
  type IncidentKind,
  checkInRefusal,
  checkOutRefusal,
  checklistFor,
  durationDeviation,
  jobOpenUntil,
  presence,
} from '../../domain/verification.js';
import { MAX_LEAD_DAYS, type Visit } from '../../domain/visit.js';
import type { EvaluationRequest } from '../../domain/evaluation.js';
import { submitEvaluation } from '../shared/evaluations.js';
import { makeEvent } from '../../events/catalog.js';
import { isConditionFailed } from '../shared/errors.js';
import type { HttpEvent } from '../shared/http.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getElder } from '../shared/registry-store.js';
import { outboxPut, statusUpdate, writeTogether } from '../shared/store.js';
import { hashToken } from '../shared/tokens.js';
import { type StoredOffer, historyPut } from '../shared/visit-store.js';
import { type ResolvedLink, resolveLink } from './accept.js';
import type { Lang } from './pages.js';

/**
 * A forwarded SMS must reveal nothing personal. A job is therefore bound to
 * one phone: a random secret in a cookie for the links' path, whose hash the
 * offer keeps. Only that phone sees the address and acts on the job. A phone
 * keeps one secret for all its jobs, so a later SMS with a fresh link (a
 * reminder) opens on it too.
 */
export const DEVICE_COOKIE = 'cd_device';

/** The page language the link asks for: Chinese unless `?lang=en`. */
export const langOf = (event: HttpEvent): Lang => (event.queryStringParameters?.lang === 'en' ? 'en' : 'zh');

export const deviceOf = (event: HttpEvent): string | undefined =>
  event.cookies?.map((c) => /^cd_device=([A-Za-z0-9_-]{22})$/.exec(c.trim())?.[1]).find(Boolean);

/**
 * The phone's cookie, which lives as long as any job could: the furthest a
 * visit can be booked, plus its evaluation week. `path`: `/j/` for the job
 * links; the "my jobs" pages keep a copy under `/me/`, so that one phone
 * opening several jobs from them keeps one secret.
 */
export function deviceCookie(p: Platform, secret: string, path: '/j/' | '/me/' = '/j/'): string {
  const until = addMinutes(p.clock.now(), (MAX_LEAD_DAYS + 8) * 24 * 60);
  const secure = p.config.publicBaseUrl.startsWith('https:') ? '; Secure' : '';
  return `${DEVICE_COOKIE}=${secret}; Path=${path}; Expires=${until.toUTCString()}; HttpOnly; SameSite=Lax${secure}`;
}

export interface Job extends ResolvedLink {
  /** The elder, only for the bound phone. */
  elder?: Elder;
  /** Whether this request comes from the phone the job is bound to. */
  onBoundDevice: boolean;
  /** A secret to set as the cookie when this request just bound the job to its phone. */
  newDeviceSecret?: string;
}

/**
 * An accepted job as its link shows it. A job assigned by hand has no bound
 * phone yet: the first phone that opens the link becomes it (the SMS went
 * to the caregiver's number on file). Only a page view may mint the phone a
 * new secret (its answer sets the cookie); an action binds only a secret the
 * phone already holds, or the job would be bound to a secret nobody has.
 */
export async function openJob(p: Platform, link: ResolvedLink, deviceSecret: string | undefined, mayMintSecret: boolean): Promise<Job> {
  const { offer, visit } = link;
  const until = jobOpenUntil(visit);
  if (!until || p.clock.now() > until) throw gone('LINK_EXPIRED', 'this visit’s day is over');
  let onBoundDevice = !!deviceSecret && offer.deviceHash === hashToken(deviceSecret);
  let newDeviceSecret: string | undefined;
  if (!offer.deviceHash && (deviceSecret || mayMintSecret)) {
    const secret = deviceSecret ?? p.newToken();
    onBoundDevice = await bindDevice(p, offer, secret);
    if (onBoundDevice && !deviceSecret) newDeviceSecret = secret;
  }
  // Once the visit is done the caregiver no longer needs the address.
  const elder = onBoundDevice && visit.status !== 'COMPLETED' ? await getElder(p, visit.elderId) : undefined;
  return { ...link, onBoundDevice, ...(elder ? { elder } : {}), ...(newDeviceSecret ? { newDeviceSecret } : {}) };
}

/** Binds the job to a phone, once; false when another phone got there first. */
async function bindDevice(p: Platform, offer: StoredOffer, secret: string): Promise<boolean> {
  try {
    await p.db.send(
      new UpdateCommand({
        TableName: p.config.tableName,
        Key: keys.offer(offer.visitId, offer.caregiverId),
        UpdateExpression: 'SET deviceHash = :hash',
        ConditionExpression: '#status = :accepted AND attribute_not_exists(deviceHash)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':hash': hashToken(secret), ':accepted': 'ACCEPTED' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** The job of this link, for an action: accepted, still this caregiver's, on the bound phone. */
async function jobForAction(p: Platform, token: string | undefined, deviceSecret: string | undefined): Promise<Job> {
  const link = await resolveLink(p, token);
  if (link.offer.status !== 'ACCEPTED' || link.visit.assignment?.caregiverId !== link.offer.caregiverId) {
    throw conflict('NOT_ASSIGNED', 'this visit is not assigned to you');
  }
  const job = await openJob(p, link, deviceSecret, false);
  if (!job.onBoundDevice) throw forbidden('OTHER_DEVICE', 'open this link on the phone you accepted the job with');
  return job;
}

/** The elder's home, which presence is checked against; only an open job has it. */
function homeOf(job: Job): Elder {
  if (!job.elder) throw conflict('NOT_ASSIGNED', 'this visit is not open');
  return job.elder;
}

/** The caregiver rates the household after check-out, on the bound phone, once. */
export async function evaluateHousehold(p: Platform, token: string | undefined, deviceSecret: string | undefined, request: EvaluationRequest) {
  const { offer, visit } = await jobForAction(p, token, deviceSecret);
  return submitEvaluation(p, { party: 'caregiver', id: offer.caregiverId }, visit.id, request, visit);
}

/** The visit's state changes and its event, in one transaction conditional on the state as read. */
async function commit(p: Platform, visit: Visit, offer: StoredOffer, change: { from: 'ASSIGNED' | 'IN_PROGRESS'; to: 'IN_PROGRESS' | 'COMPLETED'; verification: NonNullable<Visit['verification']>; note: string }) {
  const { caregiverId, enterpriseId } = offer;
  const now = p.clock.now();
  const at = toCityTime(now);
  const type = change.to === 'IN_PROGRESS' ? 'VisitCheckedIn' : 'VisitCompleted';
  const event = makeEvent(type, { visitId: visit.id, centerId: visit.centerId, caregiverId, enterpriseId, at }, { id: p.newId(), occurredAt: at });
  const written = await writeTogether(p, [
    statusUpdate(p, keys.visit(visit.id), {
      from: change.from,
      to: change.to,
      set: { verification: change.verification },
      and: { expression: 'assignment.caregiverId = :caregiver', values: { ':caregiver': caregiverId } },
    }),
    historyPut(p, visit.id, { at, event: type, status: change.to, actor: `caregiver:${caregiverId}`, note: change.note }, event.id, now),
    outboxPut(p, event),
  ]);
  // Another check-in (a double tap, a second phone) or a cancellation got there first.
  if (!written) throw conflict(change.to === 'IN_PROGRESS' ? 'ALREADY_CHECKED_IN' : 'ALREADY_CHECKED_OUT', 'this visit changed meanwhile; reload the page');
}

/**
 * The caregiver reports from the job that nobody answered the door, or an
 * emergency. The visit records it and the centre and the family are
 * alerted (VisitIncident → notify); each kind at most once per visit.
 */
export async function reportIncident(p: Platform, token: string | undefined, deviceSecret: string | undefined, request: { kind: IncidentKind; note?: string | undefined }) {
  const { offer, visit } = await jobForAction(p, token, deviceSecret);
  if (visit.status !== 'ASSIGNED' && visit.status !== 'IN_PROGRESS') throw checkOutRefusal(visit) ?? conflict('NOT_ASSIGNED', 'this visit is not open');
  const now = p.clock.now();
  const at = toCityTime(now);
  const incident = { kind: request.kind, at, by: `caregiver:${offer.caregiverId}`, ...(request.note ? { note: request.note } : {}) };
  const event = makeEvent('VisitIncident', { visitId: visit.id, centerId: visit.centerId, caregiverId: offer.caregiverId, kind: request.kind }, { id: p.newId(), occurredAt: at });
  const written = await writeTogether(p, [
    {
      Update: {
        TableName: p.config.tableName,
        Key: keys.visit(visit.id),
        UpdateExpression: 'SET incidents = list_append(if_not_exists(incidents, :none), :incident), #reported = :at',
        ConditionExpression: '#status IN (:assigned, :inProgress) AND assignment.caregiverId = :caregiver AND attribute_not_exists(#reported)',
        ExpressionAttributeNames: { '#status': 'status', '#reported': `reported_${request.kind}` },
        ExpressionAttributeValues: { ':none': [], ':incident': [incident], ':at': at, ':assigned': 'ASSIGNED', ':inProgress': 'IN_PROGRESS', ':caregiver': offer.caregiverId },
      },
    },
    historyPut(p, visit.id, { at, event: 'VisitIncident', status: visit.status, actor: `caregiver:${offer.caregiverId}`, note: `${request.kind}${request.note ? `: ${request.note}` : ''}` }, event.id, now),
    outboxPut(p, event),
  ]);
  if (!written) throw conflict('ALREADY_REPORTED', 'this was already reported, or the visit changed meanwhile');
  return { visitId: visit.id, incident };
}

const describePresence = (r: { method: string; distanceM?: number | undefined; flagged: boolean }) =>
  r.method === 'doorCode' ? 'by door code' : `by GPS, ${r.distanceM} m from the home${r.flagged ? ', outside the geofence: to review' : ''}`;

/** ASSIGNED → IN_PROGRESS, with where and when; at most once. */
export async function checkIn(p: Platform, token: string | undefined, deviceSecret: string | undefined, request: CheckInRequest) {
  const job = await jobForAction(p, token, deviceSecret);
  const { offer, visit } = job;
  const refusal = checkInRefusal(visit, p.clock.now(), p.config.verification);
  if (refusal) throw refusal;
  const record = presence(request, homeOf(job), toCityTime(p.clock.now()), p.config.verification);
  await commit(p, visit, offer, { from: 'ASSIGNED', to: 'IN_PROGRESS', verification: { checkIn: record }, note: `checked in ${describePresence(record)}` });
  return { visitId: visit.id, status: 'IN_PROGRESS' as const, checkIn: record };
}

/** IN_PROGRESS → COMPLETED, with the care note, the checklist and, when the time was far off plan, why; at most once. */
export async function checkOut(p: Platform, token: string | undefined, deviceSecret: string | undefined, request: CheckOutRequest) {
  const job = await jobForAction(p, token, deviceSecret);
  const { offer, visit } = job;
  const refusal = checkOutRefusal(visit);
  if (refusal) throw refusal;
  const elder = homeOf(job);
  const known = new Set(checklistFor(visit.serviceCode).map((item) => item.code));
  const unknown = request.checklist.find((code) => !known.has(code));
  if (unknown) throw badRequest('INVALID_FIELD', `checklist: "${unknown}" is not on the ${findService(visit.serviceCode)?.nameEn ?? visit.serviceCode} checklist`, 'checklist');
  const at = toCityTime(p.clock.now());
  const checkInRecord = visit.verification?.checkIn;
  if (!checkInRecord) throw conflict('NOT_CHECKED_IN', 'check in before you check out');
  const { deviationMin, reasonNeeded } = durationDeviation(checkInRecord.at, at, visit.durationMin, p.config.verification);
  if (reasonNeeded && !request.deviationReason) {
    throw badRequest('DEVIATION_REASON_REQUIRED', `deviationReason: the visit took ${Math.abs(deviationMin)} minutes ${deviationMin > 0 ? 'more' : 'less'} than planned; say why`, 'deviationReason');
  }
  const record = presence(request, elder, at, p.config.verification);
  const checkOutRecord = {
    ...record,
    note: request.note,
    checklist: request.checklist,
    deviationMin,
    ...(request.deviationReason ? { deviationReason: request.deviationReason } : {}),
  };
  await commit(p, visit, offer, { from: 'IN_PROGRESS', to: 'COMPLETED', verification: { checkIn: checkInRecord, checkOut: checkOutRecord }, note: `checked out ${describePresence(record)}` });
  return { visitId: visit.id, status: 'COMPLETED' as const, checkOut: checkOutRecord };
}
