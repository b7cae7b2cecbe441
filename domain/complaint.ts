import * as z from 'zod';
import { conflict, gone, type Refusal } from './errors.js';
import { addMinutes } from './time.js';
import type { Visit, VisitStatus } from './visit.js';

/**
 * A care centre's complaint about a visit goes to the bureau's review queue;
 * the bureau upholds or dismisses it with a reason, and only an upheld one
 * counts against the caregiver's and the company's credit.
 */
export const ComplaintCategory = z.enum(['late', 'absent', 'quality', 'attitude', 'safety', 'charges', 'other']);
export type ComplaintCategory = z.infer<typeof ComplaintCategory>;

export const ComplaintStatus = z.enum(['pending', 'upheld', 'dismissed']);
export const ComplaintOutcome = z.enum(['upheld', 'dismissed']);
export type ComplaintOutcome = z.infer<typeof ComplaintOutcome>;

export const FileComplaintRequest = z.strictObject({
  category: ComplaintCategory,
  description: z.string().trim().min(5).max(2000),
});

export const DecideComplaintRequest = z.strictObject({
  outcome: ComplaintOutcome,
  reason: z.string().trim().min(2).max(1000),
});

export const ComplaintSchema = z.object({
  id: z.string(),
  visitId: z.string(),
  centerId: z.string(),
  caregiverId: z.string(),
  enterpriseId: z.string(),
  category: ComplaintCategory,
  description: z.string(),
  status: ComplaintStatus,
  filedAt: z.iso.datetime({ offset: true }),
  decision: z.object({ outcome: ComplaintOutcome, reason: z.string(), by: z.string(), at: z.iso.datetime({ offset: true }) }).optional(),
});
export type Complaint = z.infer<typeof ComplaintSchema>;

/** Complaints may be filed for a month after the visit's window. */
export const COMPLAINT_WINDOW_DAYS = 30;

/** Visits that took place: the caregiver checked in. */
const SERVED: readonly VisitStatus[] = ['IN_PROGRESS', 'COMPLETED'];

/** Why a centre may not complain about this visit now. */
export function complaintRefusal(visit: Pick<Visit, 'status' | 'assignment' | 'latestStart'>, now: Date): Refusal | undefined {
  if (!visit.assignment || !SERVED.includes(visit.status)) {
    return conflict('NO_CAREGIVER', 'a complaint is about a visit that took place: the caregiver checked in', 'status');
  }
  if (now > addMinutes(new Date(visit.latestStart), COMPLAINT_WINDOW_DAYS * 24 * 60)) {
    return gone('COMPLAINT_WINDOW_CLOSED', `complaints can be filed for ${COMPLAINT_WINDOW_DAYS} days after a visit`);
  }
  return undefined;
}
