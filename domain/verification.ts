import * as z from 'zod';
import type { ServiceCode } from './catalog.js';
import { badRequest, conflict, gone, type Refusal } from './errors.js';
import { distanceKm, type Location } from './geo.js';
import { evaluationClosesAt } from './evaluation.js';
import { addMinutes, cityDate } from './time.js';
import type { Visit } from './visit.js';

/**
 * Electronic visit verification: check-in and check-out record the six
 * elements EVV requires (service, recipient, date, location, provider, start
 * and end time). Location is a phone's fix at those two moments only; the
 * door card's code stands in when GPS fails.
 */
export interface VerificationPolicy {
  /** A fix farther than this from the elder's home (plus its reported accuracy) is flagged for review. */
  geofenceM: number;
  /** Check-in opens this long before the window's first start. */
  checkInLeadMin: number;
  /** A check-out this far off the planned duration needs a reason. */
  durationToleranceMin: number;
  /** Not checked in this long after the window opens: a no-show, and the visit is dispatched again. */
  noShowGraceMin: number;
  /** The assigned caregiver gets a reminder with the job's link this long before the window opens. */
  reminderLeadMin: number;
}

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = { geofenceM: 150, checkInLeadMin: 60, durationToleranceMin: 15, noShowGraceMin: 15, reminderLeadMin: 120 };

/** When an assigned caregiver who has not checked in counts as a no-show. */
export const noShowAt = (visit: Pick<Visit, 'earliestStart'>, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) =>
  addMinutes(new Date(visit.earliestStart), policy.noShowGraceMin);

/** Forms post strings, and an empty field means "not given", not zero. */
const formNumber = (schema: z.ZodNumber) => z.preprocess((v) => (v === '' || v === null ? undefined : typeof v === 'string' ? Number(v) : v), schema.optional());
const formText = (max: number) => z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(max).optional());

/** Door codes are printed on the elder's door card: 8 characters, read without confusion. */
export const DOOR_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{8}$/;

const Presence = {
  lat: formNumber(z.number().min(-90).max(90)),
  lon: formNumber(z.number().min(-180).max(180)),
  /** The fix's reported accuracy radius in metres (the browser's `coords.accuracy`). */
  accuracy: formNumber(z.number().min(0).max(100_000)),
  doorCode: z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() || undefined : v), z.string().regex(DOOR_CODE_PATTERN, 'expected the 8-character code on the door card').optional()),
};

/** Either a GPS fix or the door code: one of them proves presence. */
function presenceGiven(value: { lat?: number | undefined; lon?: number | undefined; doorCode?: string | undefined }, ctx: z.RefinementCtx) {
  if (value.doorCode) return;
  if (value.lat === undefined || value.lon === undefined) {
    ctx.addIssue({ code: 'custom', message: 'send your location (lat, lon, accuracy) or the door card’s code', path: [value.lat === undefined ? 'lat' : 'lon'] });
  }
}

export const CheckInRequest = z.object(Presence).superRefine(presenceGiven);
export type CheckInRequest = z.infer<typeof CheckInRequest>;

export const CheckOutRequest = z
  .object({
    ...Presence,
    note: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(2, 'write a short care note').max(1000)),
    /** Checklist items done, by code (a form sends one field per ticked box). */
    checklist: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(40)).max(20)),
    deviationReason: formText(500),
  })
  .superRefine(presenceGiven);
export type CheckOutRequest = z.infer<typeof CheckOutRequest>;

export const VerificationMethod = z.enum(['gps', 'doorCode']);

/** What a caregiver can report from the job: nobody answered the door (扑空), or an emergency (a fall, sudden illness). */
export const IncidentKind = z.enum(['noAnswer', 'emergency']);
export type IncidentKind = z.infer<typeof IncidentKind>;

export const ReportIncidentRequest = z.object({
  kind: IncidentKind,
  note: formText(500),
});

export const IncidentSchema = z.object({
  kind: IncidentKind,
  at: z.iso.datetime({ offset: true }),
  by: z.string(),
  note: z.string().optional(),
});
export type Incident = z.infer<typeof IncidentSchema>;

export const PresenceRecordSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  method: VerificationMethod,
  /** Distance of the fix from the elder's home; absent for a door code. */
  distanceM: z.number().optional(),
  accuracyM: z.number().optional(),
  /** Too far for the geofence: accepted, but the centre reviews it. */
  flagged: z.boolean(),
});
export type PresenceRecord = z.infer<typeof PresenceRecordSchema>;

export const VerificationSchema = z.object({
  checkIn: PresenceRecordSchema.optional(),
  checkOut: PresenceRecordSchema.extend({
    note: z.string(),
    checklist: z.array(z.string()),
    deviationReason: z.string().optional(),
    /** Minutes the visit ran over (+) or under (−) its planned duration. */
    deviationMin: z.number().int(),
  }).optional(),
});
export type Verification = z.infer<typeof VerificationSchema>;

/**
 * Where the caregiver was, by fix or door code. A fix farther from the
 * elder's home than the geofence, widened by the fix's own accuracy, is
 * accepted and flagged: GPS indoors is poor, and a caregiver at the door
 * must never be turned away by it.
 */
export function presence(
  input: { lat?: number | undefined; lon?: number | undefined; accuracy?: number | undefined; doorCode?: string | undefined },
  home: { location: Location; doorCode?: string | undefined },
  at: string,
  policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY,
): PresenceRecord {
  if (input.doorCode) {
    if (!home.doorCode || input.doorCode !== home.doorCode) throw badRequest('DOOR_CODE_WRONG', 'doorCode: this is not the code on the elder’s door card', 'doorCode');
    return { at, method: 'doorCode', flagged: false };
  }
  const distanceM = Math.round(distanceKm({ lat: input.lat!, lon: input.lon! }, home.location) * 1000);
  const accuracyM = Math.round(input.accuracy ?? 0);
  return { at, method: 'gps', distanceM, accuracyM, flagged: distanceM > policy.geofenceM + accuracyM };
}

/** Why a check-in is refused now: too early, too late, or not this visit's state. */
export function checkInRefusal(visit: Pick<Visit, 'status' | 'earliestStart' | 'latestStart' | 'durationMin'>, now: Date, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY): Refusal | undefined {
  if (visit.status === 'IN_PROGRESS' || visit.status === 'COMPLETED') return conflict('ALREADY_CHECKED_IN', 'you have already checked in to this visit');
  if (visit.status === 'CANCELLED') return gone('VISIT_CANCELLED', 'this visit was cancelled');
  if (visit.status !== 'ASSIGNED') return conflict('NOT_ASSIGNED', 'this visit is not assigned to you');
  if (now < addMinutes(new Date(visit.earliestStart), -policy.checkInLeadMin)) return conflict('TOO_EARLY', `check-in opens ${policy.checkInLeadMin} minutes before the visit`);
  if (now > jobLinkExpiry(visit)) return gone('LINK_EXPIRED', 'this visit’s day is over');
  return undefined;
}

export function checkOutRefusal(visit: Pick<Visit, 'status'>): Refusal | undefined {
  if (visit.status === 'COMPLETED') return conflict('ALREADY_CHECKED_OUT', 'you have already checked out of this visit');
  if (visit.status === 'CANCELLED') return gone('VISIT_CANCELLED', 'this visit was cancelled');
  if (visit.status !== 'IN_PROGRESS') return conflict('NOT_CHECKED_IN', 'check in before you check out');
  return undefined;
}

/** Minutes over (+) or under (−) the planned duration, and whether a reason is owed. */
export function durationDeviation(checkInAt: string, checkOutAt: string, durationMin: number, policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY) {
  const deviationMin = Math.round((Date.parse(checkOutAt) - Date.parse(checkInAt)) / 60_000 - durationMin);
  return { deviationMin, reasonNeeded: Math.abs(deviationMin) > policy.durationToleranceMin };
}

/**
 * An accepted job's link works until the end of the visit's day in city
 * time (a visit running past midnight keeps it until it can end).
 */
export function jobLinkExpiry(visit: Pick<Visit, 'latestStart' | 'durationMin'>): Date {
  const end = addMinutes(new Date(visit.latestStart), visit.durationMin);
  return new Date(Date.parse(`${cityDate(end)}T23:59:59.999+08:00`));
}

/**
 * Until when an accepted job opens (its link, or from "my jobs"): the end of
 * the visit's day, or once completed, its evaluation week; undefined for a
 * completion without a check-out on record, which has nothing left to open.
 */
export function jobOpenUntil(visit: Pick<Visit, 'status' | 'latestStart' | 'durationMin' | 'verification'>): Date | undefined {
  return visit.status === 'COMPLETED' ? evaluationClosesAt(visit) : jobLinkExpiry(visit);
}

/** What a caregiver ticks at check-out, per service; services without their own list use the general one. */
const GENERAL_CHECKLIST = [
  { code: 'greeted', zh: '核对老人身份并问候', en: 'Identified and greeted the elder' },
  { code: 'safety', zh: '检查居家安全隐患', en: 'Checked the home for hazards' },
  { code: 'handover', zh: '向老人或家属交代情况', en: 'Briefed the elder or family' },
];
const SERVICE_CHECKLISTS: Partial<Record<ServiceCode, Array<{ code: string; zh: string; en: string }>>> = {
  meals: [{ code: 'mealServed', zh: '按饮食禁忌送餐/助餐', en: 'Served the meal per diet restrictions' }, { code: 'kitchenClean', zh: '清理餐具与台面', en: 'Cleaned dishes and counters' }],
  bathing: [{ code: 'waterTemp', zh: '测试水温', en: 'Tested the water temperature' }, { code: 'skinCheck', zh: '观察皮肤有无异常', en: 'Checked the skin for problems' }, { code: 'floorDry', zh: '擦干地面防滑', en: 'Dried the floor against slips' }],
  cleaning: [{ code: 'rooms', zh: '清洁约定房间', en: 'Cleaned the agreed rooms' }, { code: 'rubbish', zh: '带走生活垃圾', en: 'Took out the rubbish' }],
  medical: [{ code: 'vitals', zh: '测量血压、脉搏等体征', en: 'Took blood pressure, pulse and other vitals' }, { code: 'medication', zh: '核对用药', en: 'Checked the medication' }],
};

export function checklistFor(serviceCode: ServiceCode) {
  return [...(SERVICE_CHECKLISTS[serviceCode] ?? []), ...GENERAL_CHECKLIST];
}
