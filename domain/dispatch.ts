import { findService } from './catalog.js';
import { type Location, type TravelModel, defaultTravelModel, travelMinutes } from './geo.js';
import type { AvailabilitySlot, Caregiver, Elder, Enterprise } from './registry.js';
import { cityDate } from './time.js';
import type { Visit } from './visit.js';

export interface Candidate {
  caregiverId: string;
  enterpriseId: string;
  travelMinutes: number;
  /** The earliest start in the window that the caregiver's week and day allow. */
  earliestFeasibleStart: string;
}

/** A caregiver's accepted visits on one city date: what makes them busy. */
export interface DaySchedule {
  date: string;
  visits: ReadonlyArray<{ visitId: string; start: string; end: string; location: Location }>;
}

/** Why a caregiver near the elder was not offered the visit, in the order the rules apply. */
export const ExclusionReason = {
  alreadyOffered: 'already offered this visit',
  enterpriseNotLicensed: 'employer not licensed',
  licenceExpired: 'employer licence expired',
  serviceNotOffered: 'employer does not offer the service',
  caregiverInactive: 'caregiver not active',
  noQualifyingCertificate: 'without a valid qualifying certificate',
  outsideCircle: 'outside the circle',
  blockedByElder: 'on the elder’s blocked list',
  genderPreference: 'not of the gender the elder asks for in intimate care',
  dailyCapReached: 'at their daily visit limit',
  notAvailable: 'not working in the window',
  scheduleConflict: 'busy with another visit (travel included)',
} as const;
export type ExclusionReason = keyof typeof ExclusionReason;

export interface Selection {
  ranked: Candidate[];
  excluded: Partial<Record<ExclusionReason, number>>;
}

/** Services of intimate care, where an elder may ask for a caregiver of their own gender. */
export const INTIMATE_SERVICES: ReadonlySet<string> = new Set(['bathing', 'personalCare']);

const MINUTE = 60_000;
const at = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
/** ISO weekday (1 Monday … 7 Sunday) of a city date. */
const weekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** Working intervals (epoch ms) of the weekly availability on the given city dates. */
function workingIntervals(availability: readonly AvailabilitySlot[], dates: readonly string[]): Array<[number, number]> {
  return dates.flatMap((date) => availability.filter((s) => s.day === weekday(date)).map((s): [number, number] => [at(date, s.from), at(date, s.to)]));
}

/**
 * The earliest start s in [earliest, latest] with [s, s + duration] inside a
 * working interval and clear of every accepted visit, travel between the two
 * homes included. The feasible starts form intervals whose left ends are
 * among: the window's start, a shift's start, the end of a visit plus travel;
 * so checking those points finds the earliest one exactly.
 */
export function earliestFeasibleStart(input: {
  earliest: number;
  latest: number;
  durationMs: number;
  working: ReadonlyArray<[number, number]>;
  busy: ReadonlyArray<{ start: number; end: number; travelToMs: number; travelFromMs: number }>;
}): { start: number | undefined; withinShift: boolean } {
  const { earliest, latest, durationMs, working, busy } = input;
  const inShift = (s: number) => working.some(([from, to]) => from <= s && s + durationMs <= to);
  const clear = (s: number) => busy.every((b) => s + durationMs + b.travelToMs <= b.start || b.end + b.travelFromMs <= s);
  const points = [earliest, ...working.map(([from]) => from), ...busy.map((b) => b.end + b.travelFromMs)]
    .filter((s) => s >= earliest && s <= latest)
    .sort((a, b) => a - b);
  let withinShift = false;
  for (const s of points) {
    if (!inShift(s)) continue;
    withinShift = true;
    if (clear(s)) return { start: s, withinShift };
  }
  return { start: undefined, withinShift };
}

/**
 * Who may be offered the visit, and why the others may not. Every rule of
 * the dispatch issue is here, pure: the employer is licensed (licence valid
 * on the visit date) and offers the service; the caregiver is active, holds a
 * qualifying certificate valid on the visit date, lives inside the travel
 * circle, is not on the elder's blocked list, matches the elder's wish for a
 * same-gender caregiver in intimate care, is under their daily cap, works in
 * the window and is free then (travel between visits included). Nearest
 * first; ties by id, so the same input always gives the same offers.
 */
export function selectCandidates(input: {
  visit: Pick<Visit, 'serviceCode' | 'earliestStart' | 'latestStart' | 'durationMin'>;
  elder: Pick<Elder, 'location' | 'gender' | 'preferences'>;
  pool: ReadonlyArray<{ caregiver: Caregiver; enterprise: Enterprise | undefined }>;
  /** Accepted visits by caregiver id, for the visit's date(s). */
  schedules?: ReadonlyMap<string, DaySchedule>;
  alreadyOffered: ReadonlySet<string>;
  model?: TravelModel;
}): Selection {
  const model = input.model ?? defaultTravelModel;
  const { visit, elder } = input;
  const service = findService(visit.serviceCode);
  if (!service) throw new Error(`unknown service ${visit.serviceCode}`);
  const earliest = Date.parse(visit.earliestStart);
  const latest = Date.parse(visit.latestStart);
  const visitDate = cityDate(new Date(latest));
  const firstDate = cityDate(new Date(earliest));
  const dates = firstDate === visitDate ? [visitDate] : [firstDate, visitDate];
  const wantsSameGender = INTIMATE_SERVICES.has(service.code) && elder.preferences.sameGenderBathing && elder.gender !== undefined;
  const blocked = new Set(elder.preferences.blockedCaregivers);

  const excluded: Partial<Record<ExclusionReason, number>> = {};
  const exclude = (reason: ExclusionReason) => {
    excluded[reason] = (excluded[reason] ?? 0) + 1;
  };
  const ranked: Candidate[] = [];
  for (const { caregiver, enterprise } of input.pool) {
    if (input.alreadyOffered.has(caregiver.id)) { exclude('alreadyOffered'); continue; }
    if (!enterprise || enterprise.status !== 'licensed') { exclude('enterpriseNotLicensed'); continue; }
    if (enterprise.licenceValidUntil < visitDate) { exclude('licenceExpired'); continue; }
    if (!enterprise.services.includes(service.code)) { exclude('serviceNotOffered'); continue; }
    if (caregiver.status !== 'active') { exclude('caregiverInactive'); continue; }
    const qualified = service.qualifyingCertificates.length === 0 || caregiver.certificates.some(
      (c) => service.qualifyingCertificates.includes(c.type) && c.validUntil >= visitDate && (!c.validFrom || c.validFrom <= visitDate),
    );
    if (!qualified) { exclude('noQualifyingCertificate'); continue; }
    const minutes = travelMinutes(caregiver.location, elder.location, model);
    if (minutes > model.circleMinutes) { exclude('outsideCircle'); continue; }
    if (blocked.has(caregiver.id)) { exclude('blockedByElder'); continue; }
    if (wantsSameGender && caregiver.gender !== elder.gender) { exclude('genderPreference'); continue; }
    const schedule = input.schedules?.get(caregiver.id);
    const todays = (schedule?.visits ?? []).filter((v) => cityDate(new Date(v.start)) === visitDate);
    if (todays.length >= caregiver.maxVisitsPerDay) { exclude('dailyCapReached'); continue; }
    const feasible = earliestFeasibleStart({
      earliest,
      latest,
      durationMs: visit.durationMin * MINUTE,
      working: workingIntervals(caregiver.availability, dates),
      busy: (schedule?.visits ?? []).map((v) => {
        const between = travelMinutes(v.location, elder.location, model) * MINUTE;
        return { start: Date.parse(v.start), end: Date.parse(v.end), travelToMs: between, travelFromMs: between };
      }),
    });
    if (feasible.start === undefined) { exclude(feasible.withinShift ? 'scheduleConflict' : 'notAvailable'); continue; }
    ranked.push({
      caregiverId: caregiver.id,
      enterpriseId: enterprise.id,
      travelMinutes: Math.round(minutes * 10) / 10,
      earliestFeasibleStart: new Date(feasible.start).toISOString(),
    });
  }
  ranked.sort((a, b) => a.travelMinutes - b.travelMinutes || a.caregiverId.localeCompare(b.caregiverId));
  return { ranked, excluded };
}

/** The second ring, tried when the circle has nobody left: twice the travel time, offers flagged. */
export const secondRing = (model: TravelModel = defaultTravelModel): TravelModel => ({ ...model, circleMinutes: model.circleMinutes * 2 });

/** "3 outside the 15-minute circle, 1 without a valid qualifying certificate" */
export function describeExclusions(excluded: Selection['excluded'], model: TravelModel = defaultTravelModel): string {
  const parts = (Object.keys(ExclusionReason) as ExclusionReason[])
    .filter((reason) => (excluded[reason] ?? 0) > 0)
    .map((reason) => `${excluded[reason]} ${reason === 'outsideCircle' ? `outside the ${model.circleMinutes}-minute circle` : ExclusionReason[reason]}`);
  return parts.length ? parts.join(', ') : 'no caregiver registered near the elder';
}
