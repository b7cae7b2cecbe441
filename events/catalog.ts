import * as z from 'zod';
import { ServiceCode } from '../domain/catalog.js';
import { Id } from '../domain/registry.js';
import { ComplaintCategory, ComplaintOutcome } from '../domain/complaint.js';
import { CreditCause, CreditSubject, CreditTier } from '../domain/credit.js';
import { EvaluationParty } from '../domain/evaluation.js';
import { IncidentKind } from '../domain/verification.js';
import { EscalationStep, Urgency } from '../domain/visit.js';

/** EventBridge `source` of every event the platform publishes. */
export const EVENT_SOURCE = 'care-dispatch';

const at = z.iso.datetime({ offset: true });
const stars = z.number().int().min(1).max(5);
const visitRef = { visitId: Id, centerId: Id };

/**
 * Event payloads by detail-type. Each carries ids and facts, never personal
 * data (names, phones, addresses): events are stored in the outbox and cross
 * service boundaries.
 */
export const eventData = {
  VisitRequested: z.object({ ...visitRef, elderId: Id, serviceCode: ServiceCode, earliestStart: at, latestStart: at, urgency: Urgency }),
  OfferSent: z.object({ ...visitRef, caregiverId: Id, enterpriseId: Id, wave: z.number().int(), expiresAt: at }),
  OfferDeclined: z.object({ ...visitRef, caregiverId: Id, reason: z.string().optional() }),
  OfferExpired: z.object({ ...visitRef, caregiverId: Id, wave: z.number().int() }),
  VisitAssigned: z.object({ ...visitRef, caregiverId: Id, enterpriseId: Id, acceptedAt: at }),
  VisitUnfilled: z.object({ ...visitRef, reason: z.string() }),
  /** Waves ran out; people are asked to step in (the dispatchers, then the hub centre). */
  VisitEscalated: z.object({ ...visitRef, step: EscalationStep, reason: z.string() }),
  VisitCancelled: z.object({ ...visitRef, reason: z.string() }),
  // The caregiver's employer rides along: the credit ledger keeps its record too.
  VisitCheckedIn: z.object({ ...visitRef, caregiverId: Id, enterpriseId: Id, at }),
  VisitCompleted: z.object({ ...visitRef, caregiverId: Id, enterpriseId: Id, at }),
  VisitNoShow: z.object({ ...visitRef, caregiverId: Id, enterpriseId: Id }),
  /** The caregiver reported from the job that nobody answered, or an emergency: the centre and the family are alerted. */
  VisitIncident: z.object({ ...visitRef, caregiverId: Id, kind: IncidentKind }),
  /**
   * A party rated a visit, or changed its rating (`revision` > 1). Carries
   * the whole rating and what the counters need; the ledger remembers what
   * each visit's rating counted with, so revisions arriving out of order
   * still count once, the newest last.
   */
  EvaluationSubmitted: z.object({
    ...visitRef,
    party: EvaluationParty,
    caregiverId: Id,
    enterpriseId: Id,
    streetId: Id,
    /** The city date of the visit's check-out: the day its ratings count for. */
    serviceDate: z.iso.date(),
    stars,
    enterpriseStars: stars.optional(),
    revision: z.number().int().min(1),
  }),
  /** A centre complained about a visit; it waits in the bureau's queue. */
  ComplaintFiled: z.object({ ...visitRef, complaintId: Id, caregiverId: Id, enterpriseId: Id, category: ComplaintCategory }),
  /** The bureau upheld or dismissed a complaint; only an upheld one counts against credit. */
  ComplaintDecided: z.object({ ...visitRef, complaintId: Id, caregiverId: Id, enterpriseId: Id, outcome: ComplaintOutcome }),
  /** A caregiver's or company's credit score moved, and why. */
  CreditChanged: z.object({ subject: CreditSubject, id: Id, score: z.number(), tier: CreditTier, delta: z.number(), cause: CreditCause, visitId: Id.optional() }),
  CertificateExpiring: z.object({ caregiverId: Id, enterpriseId: Id, certificateType: z.string(), validUntil: z.iso.date() }),
  /** Internal: a wave's deadline, delivered by the scheduler. */
  OfferWaveDeadline: z.object({ visitId: Id, wave: z.number().int() }),
  /** Internal: a visit requested far ahead is due for dispatch (lead time reached). */
  DispatchDue: z.object({ visitId: Id }),
  /** Internal: time to remind the assigned caregiver of the visit, with the job's link. */
  ReminderDue: z.object({ visitId: Id, caregiverId: Id }),
  /** Internal: the assigned caregiver should have checked in by now. */
  NoShowDue: z.object({ visitId: Id, caregiverId: Id }),
  /** Internal: a certificate, licence or course of this subject starts or lapses today; its credit is computed again. */
  StandingDue: z.object({ subject: CreditSubject, id: Id }),
  /** Internal: a weekly series' horizon has moved; its next visits are due to be made. */
  SeriesDue: z.object({ seriesId: Id }),
  /**
   * Internal: someone asked for the "my jobs" link of a mobile, known or not. Only the
   * number's keyed hash (HMAC, as the phone lookup's key), never the number: notify finds
   * the caregiver, if any, and sends the link to the number on file.
   */
  MyJobsRequested: z.object({ phoneHash: z.string().regex(/^[0-9a-f]{64}$/) }),
} as const;

export type EventType = keyof typeof eventData;
export const eventTypes = Object.keys(eventData) as EventType[];

/** Bumped when a payload changes incompatibly; consumers check it. */
export const EVENT_VERSION = 1;

const envelopeOf = <T extends EventType>(type: T) =>
  z.object({
    id: z.string().min(1),
    type: z.literal(type),
    version: z.literal(EVENT_VERSION),
    source: z.literal(EVENT_SOURCE),
    occurredAt: at,
    data: eventData[type],
  });

/** One envelope schema per event type, and a union of all of them. */
export const eventSchemas = Object.fromEntries(eventTypes.map((type) => [type, envelopeOf(type)])) as {
  [T in EventType]: ReturnType<typeof envelopeOf<T>>;
};
const AnyEventSchema = z.discriminatedUnion('type', eventTypes.map((t) => eventSchemas[t]) as unknown as [
  ReturnType<typeof envelopeOf<EventType>>,
]);

export type EventOf<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];

/** Validates any event envelope; the result narrows by `type`. */
export function safeParseEvent(value: unknown): { success: true; data: AnyEvent } | { success: false; error: z.ZodError } {
  const result = AnyEventSchema.safeParse(value);
  return result.success ? { success: true, data: result.data as AnyEvent } : { success: false, error: result.error };
}

export function parseEvent(value: unknown): AnyEvent {
  return AnyEventSchema.parse(value) as AnyEvent;
}

export function makeEvent<T extends EventType>(
  type: T,
  data: z.infer<(typeof eventData)[T]>,
  meta: { id: string; occurredAt: string },
): EventOf<T> {
  // Validated when made, so an event the relay would refuse is never committed.
  return eventSchemas[type].parse({ id: meta.id, type, version: EVENT_VERSION, source: EVENT_SOURCE, occurredAt: meta.occurredAt, data }) as EventOf<T>;
}

/** JSON Schema of each event envelope, for consumers outside this code base. */
export function eventJsonSchemas(): Record<EventType, unknown> {
  return Object.fromEntries(eventTypes.map((t) => [t, z.toJSONSchema(eventSchemas[t])])) as Record<EventType, unknown>;
}
