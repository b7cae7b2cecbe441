import * as z from 'zod';
import { ServiceCode } from './catalog.js';
import { MOBILE_PATTERN } from './codes.js';
import { jobOpenUntil } from './verification.js';
import { type Visit, VisitStatus } from './visit.js';

/**
 * "My jobs": a caregiver asks for a personal link, sent by SMS to the number
 * on file, that lists their accepted and upcoming jobs and re-opens each on
 * the phone holding it (docs/decisions/0012). It is also how a caregiver
 * whose phone changed gets back the address of a job bound to the old phone.
 */

/** A my-jobs link works this long after it is sent. */
export const MY_JOBS_LINK_HOURS = 24;
/** At most one my-jobs request per mobile number, known or not, in this many minutes, however often the form is sent. */
export const MY_JOBS_REQUEST_INTERVAL_MIN = 10;

/**
 * A mainland mobile as people type it: spaces and dashes go, and so does a
 * +86, 0086 or 86 in front, leaving the 11 digits the registry stores.
 */
export function normaliseMobile(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const compact = input.replace(/[\s\-()]/g, '');
  return compact.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
}

export const MyJobsRequest = z.object({
  phone: z.preprocess(normaliseMobile, z.string({ error: 'enter your mobile number' }).regex(MOBILE_PATTERN, 'must be an 11-digit mainland mobile number')),
});
export type MyJobsRequest = z.infer<typeof MyJobsRequest>;

/** The same answer whether or not the number is known: the form does not tell who is registered. */
export const MyJobsRequested = z.object({ status: z.literal('sent') });

/** One job on the list: what and when, never where or for whom. */
export const MyJobsItem = z.object({
  visitId: z.string(),
  serviceCode: ServiceCode,
  earliestStart: z.iso.datetime({ offset: true }),
  latestStart: z.iso.datetime({ offset: true }),
  status: VisitStatus,
});
export type MyJobsItem = z.infer<typeof MyJobsItem>;
export const MyJobsList = z.object({ items: z.array(MyJobsItem) });

type ListedVisit = Pick<Visit, 'status' | 'assignment' | 'latestStart' | 'durationMin' | 'verification'>;

/**
 * Whether a visit is on the caregiver's list now, and so may be re-opened
 * from it: still theirs, and either to come or under way (until its job link
 * would expire), or completed within the evaluation week.
 */
export function onMyJobsList(visit: ListedVisit, caregiverId: string, now: Date): boolean {
  if (visit.assignment?.caregiverId !== caregiverId) return false;
  if (visit.status !== 'ASSIGNED' && visit.status !== 'IN_PROGRESS' && visit.status !== 'COMPLETED') return false;
  const until = jobOpenUntil(visit);
  return !!until && now <= until;
}

/** The caregiver's jobs as the list shows them, in start order. */
export function myJobsItems(visits: ReadonlyArray<Visit>, caregiverId: string, now: Date): MyJobsItem[] {
  return visits
    .filter((v) => onMyJobsList(v, caregiverId, now))
    .sort((a, b) => Date.parse(a.earliestStart) - Date.parse(b.earliestStart) || a.id.localeCompare(b.id))
    .map((v) => ({ visitId: v.id, serviceCode: v.serviceCode, earliestStart: v.earliestStart, latestStart: v.latestStart, status: v.status }));
}
