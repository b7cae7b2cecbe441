import * as z from 'zod';
import { ServiceCode, findService, type Service } from './catalog.js';
import { Refusal, badRequest, notFound } from './errors.js';
import { Id, type Elder } from './registry.js';
import { ScoreSchema } from './ranking.js';
import { RecurrenceSchema } from './recurrence.js';
import { IncidentSchema, VerificationSchema } from './verification.js';
import { EvaluationSchema } from './evaluation.js';
import { addMinutes, cityDate, toCityTime } from './time.js';

export const VisitStatus = z.enum(['REQUESTED', 'OFFERED', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'UNFILLED', 'CANCELLED']);
export type VisitStatus = z.infer<typeof VisitStatus>;

export const OfferStatus = z.enum(['PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'REVOKED']);
export type OfferStatus = z.infer<typeof OfferStatus>;

export const Urgency = z.enum(['routine', 'urgent']);

/**
 * The escalation ladder, once waves have run out: the nearby companies'
 * dispatchers are told, one deadline later the street's hub centre, one
 * deadline after that the visit is UNFILLED. The visit stays OFFERED on the
 * way, so either can assign it by hand.
 */
export const EscalationStep = z.enum(['dispatchers', 'hub']);
export type EscalationStep = z.infer<typeof EscalationStep>;

/** The rung after `current`; undefined once the ladder is climbed. */
export function nextEscalationStep(current: EscalationStep | undefined): EscalationStep | undefined {
  if (current === undefined) return 'dispatchers';
  return current === 'dispatchers' ? 'hub' : undefined;
}
export type Urgency = z.infer<typeof Urgency>;

const OffsetDateTime = z.iso.datetime({ offset: true });

export const CreateVisitRequest = z.strictObject({
  elderId: Id,
  serviceCode: ServiceCode,
  earliestStart: OffsetDateTime,
  latestStart: OffsetDateTime,
  durationMin: z.number().int().min(15).max(720).optional(),
  urgency: Urgency.optional(),
  notes: z.string().max(500).optional(),
  /** Repeat weekly (e.g. meals Monday to Friday): instances are created a horizon ahead. */
  recurrence: RecurrenceSchema.optional(),
});
export type CreateVisitRequest = z.infer<typeof CreateVisitRequest>;

export const CreatedVisit = z.object({
  id: Id,
  status: VisitStatus,
  seriesId: Id.optional(),
  /** For a recurring request: the instances created so far (more follow as the horizon moves). */
  instances: z.array(z.object({ id: Id, earliestStart: z.iso.datetime({ offset: true }) })).optional(),
});

export const AssignmentSchema = z.object({
  caregiverId: Id,
  enterpriseId: Id,
  acceptedAt: OffsetDateTime,
  /** Set when a hub centre or a company's dispatcher assigned the visit by hand. */
  assignedBy: z.string().optional(),
});
export type Assignment = z.infer<typeof AssignmentSchema>;

export const VisitSchema = z.object({
  id: Id,
  centerId: Id,
  elderId: Id,
  serviceCode: ServiceCode,
  earliestStart: OffsetDateTime,
  latestStart: OffsetDateTime,
  durationMin: z.number().int(),
  urgency: Urgency,
  notes: z.string().optional(),
  status: VisitStatus,
  wave: z.number().int().min(0),
  createdAt: OffsetDateTime,
  assignment: AssignmentSchema.nullable(),
  unfilledReason: z.string().optional(),
  cancelReason: z.string().optional(),
  /** A rescheduled visit points back to the one it replaces. */
  rescheduledFrom: Id.optional(),
  /** Asked first when dispatched (the caregiver of the visit this one replaces). */
  preferredCaregiverId: Id.optional(),
  /** The weekly series this visit belongs to. */
  seriesId: Id.optional(),
  /** 2 once dispatch has widened to the second ring (offers beyond the 15-minute circle). */
  ring: z.union([z.literal(1), z.literal(2)]).optional(),
  /** How far up the escalation ladder the visit has come (absent while waves still find candidates). */
  escalation: EscalationStep.optional(),
  /** Check-in and check-out, as electronic visit verification records them. */
  verification: VerificationSchema.optional(),
  /** What the caregiver reported from the job: nobody home, an emergency. */
  incidents: z.array(IncidentSchema).optional(),
  /** The last wave whose open offers were expired (dispatch bookkeeping). */
  expiredWave: z.number().int().optional(),
});
export type Visit = z.infer<typeof VisitSchema>;

export const OfferSchema = z.object({
  caregiverId: Id,
  enterpriseId: Id,
  status: OfferStatus,
  wave: z.number().int().min(1),
  travelMinutes: z.number(),
  sentAt: OffsetDateTime,
  expiresAt: OffsetDateTime,
  /** Offered from the second ring: the caregiver lives beyond the 15-minute circle. */
  outsideCircle: z.boolean().optional(),
  /** Place in its wave's ranking, 1 = best. */
  rank: z.number().int().min(1).optional(),
  /** Why this caregiver was asked: the ranking's breakdown (shown to the bureau). */
  score: ScoreSchema.optional(),
  /** Revoked because the caregiver accepted and then did not check in in time. */
  noShow: z.boolean().optional(),
});
export type Offer = z.infer<typeof OfferSchema>;

export const HistoryEntrySchema = z.object({
  at: OffsetDateTime,
  event: z.string(),
  status: VisitStatus.optional(),
  actor: z.string(),
  note: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** A visit as lists show it: without offers and history. */
export const VisitSummary = VisitSchema.omit({ expiredWave: true });

/** A visit on a hub centre's or company's desk (GET /desk): still open, and the rung on which they were asked. */
export const DeskVisit = VisitSummary.extend({ askedAs: EscalationStep });

/** GET /visits: by status and by the city dates of the visits' start (inclusive). */
export const ListVisitsQuery = z
  .object({ status: VisitStatus.optional(), from: z.iso.date().optional(), to: z.iso.date().optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });

export const VisitView = VisitSummary.extend({
  offers: z.array(OfferSchema),
  history: z.array(HistoryEntrySchema),
  /** Each party's rating once the visit is completed. */
  evaluations: z.array(EvaluationSchema),
});
export type VisitView = z.infer<typeof VisitView>;

export const CancelVisitRequest = z.strictObject({ reason: z.string().trim().min(2).max(500) });
export const AssignVisitRequest = z.strictObject({ caregiverId: Id, reason: z.string().trim().min(2).max(500) });
export const ReopenVisitRequest = z.strictObject({ reason: z.string().trim().min(2).max(500) });
export const RescheduleVisitRequest = z.strictObject({
  earliestStart: OffsetDateTime,
  latestStart: OffsetDateTime,
  reason: z.string().trim().min(2).max(500),
});
export const DeclineOfferRequest = z.object({ reason: z.string().trim().max(200).optional() });

/** A visit can be cancelled until the caregiver has checked in. */
export const CANCELLABLE: readonly VisitStatus[] = ['REQUESTED', 'OFFERED', 'ASSIGNED', 'UNFILLED'];

/** The furthest ahead a visit may be requested. */
export const MAX_LEAD_DAYS = 90;
/** The longest weekly series, from its first visit. */
export const MAX_SERIES_DAYS = 366;
/** The widest start window a centre may give. */
export const MAX_WINDOW_HOURS = 24;

/**
 * Checks a centre's request against the elder and the clock and returns the
 * visit to store. Every refusal names the field that caused it.
 */
export function planVisit(input: {
  request: CreateVisitRequest;
  centerId: string;
  elder: Elder;
  id: string;
  now: Date;
}): Visit {
  const { request, centerId, elder, id, now } = input;
  // Another centre's elder is as unknown as a missing one: ids do not leak.
  if (elder.centerId !== centerId) throw notFound('ELDER_NOT_FOUND', `no elder ${request.elderId} at your centre`, 'elderId');
  if (elder.status !== 'active') {
    throw new Refusal(422, 'ELDER_NOT_ACTIVE', `elder ${request.elderId} is ${elder.status}`, 'elderId');
  }
  const service: Service | undefined = findService(request.serviceCode);
  if (!service) throw badRequest('UNKNOWN_SERVICE', `unknown service ${request.serviceCode}`, 'serviceCode');
  const earliest = new Date(request.earliestStart);
  const latest = new Date(request.latestStart);
  if (latest < earliest) {
    throw badRequest('WINDOW_REVERSED', 'latestStart is before earliestStart', 'latestStart');
  }
  if (latest <= now) {
    throw badRequest('WINDOW_IN_PAST', 'the start window has already passed', 'latestStart');
  }
  if (latest.getTime() - earliest.getTime() > MAX_WINDOW_HOURS * 3600_000) {
    throw badRequest('WINDOW_TOO_WIDE', `the start window is wider than ${MAX_WINDOW_HOURS} hours`, 'latestStart');
  }
  if (earliest > addMinutes(now, MAX_LEAD_DAYS * 24 * 60)) {
    throw badRequest('WINDOW_TOO_FAR', `visits can be requested at most ${MAX_LEAD_DAYS} days ahead`, 'earliestStart');
  }
  if (request.recurrence) {
    const first = cityDate(earliest);
    if (request.recurrence.until < first) throw badRequest('INVALID_FIELD', 'recurrence.until: the series ends before it starts', 'recurrence.until');
    if (request.recurrence.until > cityDate(addMinutes(earliest, MAX_SERIES_DAYS * 24 * 60))) {
      throw badRequest('INVALID_FIELD', `recurrence.until: a series runs at most ${MAX_SERIES_DAYS} days`, 'recurrence.until');
    }
    if (cityDate(latest) !== first) throw badRequest('INVALID_FIELD', 'latestStart: a recurring visit’s window must lie within one day', 'latestStart');
  }
  return {
    id,
    centerId,
    elderId: elder.id,
    serviceCode: service.code,
    earliestStart: toCityTime(earliest),
    latestStart: toCityTime(latest),
    durationMin: request.durationMin ?? service.defaultDurationMin,
    urgency: request.urgency ?? (service.urgent ? 'urgent' : 'routine'),
    ...(request.notes ? { notes: request.notes } : {}),
    status: 'REQUESTED',
    wave: 0,
    createdAt: toCityTime(now),
    assignment: null,
  };
}
