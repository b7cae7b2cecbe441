import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SmsContent } from '../../domain/sms.js';
import type { EventPublisher, EventScheduler } from '../../events/ports.js';
import { DEFAULT_VERIFICATION_POLICY, type VerificationPolicy } from '../../domain/verification.js';

export interface Clock {
  now(): Date;
}

/**
 * One SMS: a registered template and its variables (domain/sms.ts), never
 * free text, so no personal data can reach a message. Adapters that send
 * text render it with `renderSms`; a mainland provider gets template id and
 * variables.
 */
export type SmsMessage = SmsContent & {
  /** The recipient's number as stored (11 digits for the mainland) or E.164. */
  to: string;
  /** For the local outbox and delivery logs; never part of the text. */
  visitId?: string;
};

/**
 * Sends one SMS. A message the per-phone cap holds back resolves (it is
 * logged, not retried); a failed send rejects so the event is redelivered.
 */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

export interface PlatformConfig {
  tableName: string;
  idempotencyTable: string;
  /** Base of the caregiver links in SMS: `{publicBaseUrl}/j/{token}`. */
  publicBaseUrl: string;
  /** How long a wave of offers stays open. */
  offerTimeoutSeconds: { routine: number; urgent: number };
  /** Visits further ahead than this wait to be dispatched: nobody plans their week a month out. */
  dispatchLeadDays: number;
  /** How far ahead a weekly series' visits exist (at most 30 days). */
  recurrenceHorizonDays: number;
  /** Check-in and check-out rules: geofence, how early check-in opens, duration tolerance. */
  verification: VerificationPolicy;
}

/**
 * Everything a handler needs from the outside world. In AWS it is built from
 * the environment (aws-platform.ts); the local runtime and the tests install
 * their own with `usePlatform`, swapping endpoints and adapters, never logic.
 */
export interface Platform {
  config: PlatformConfig;
  dynamo: DynamoDBClient;
  db: DynamoDBDocumentClient;
  clock: Clock;
  /** A new unique id for a visit, an event, a history entry. */
  newId(): string;
  /** A new caregiver link token: ≥128 random bits, URL-safe. */
  newToken(): string;
  /** A new public verification code for a card or sticker. */
  newPublicCode(): string;
  /**
   * The keyed hash under which a resident ID number is kept (to find the same
   * person twice, never to recover the number). The key is a secret: Secrets
   * Manager in AWS, the local runtime table locally.
   */
  residentIdHash(residentId: string): Promise<string>;
  publisher: EventPublisher;
  scheduler: EventScheduler;
  sms: SmsSender;
}

let installed: Platform | undefined;
let fromEnvironment: (() => Platform) | undefined;

/** The platform of this process; in Lambda, built from the environment on first use. */
export function platform(): Platform {
  if (!installed) {
    if (!fromEnvironment) throw new Error('no platform installed');
    installed = fromEnvironment();
  }
  return installed;
}

/** Installs a platform; returns the one it replaces, so a second local platform in one process can hand back. */
export function usePlatform(p: Platform | undefined): Platform | undefined {
  const previous = installed;
  installed = p;
  return previous;
}

/** Registered by aws-platform.ts so that Lambda bundles build the AWS adapters lazily. */
export function setPlatformFactory(factory: () => Platform): void {
  fromEnvironment = factory;
}

export function readOfferTimeouts(env: NodeJS.ProcessEnv): PlatformConfig['offerTimeoutSeconds'] {
  const override = Number(env.OFFER_TIMEOUT_SECONDS);
  if (Number.isFinite(override) && override > 0) return { routine: override, urgent: override };
  return { routine: 600, urgent: 180 };
}

/** DISPATCH_LEAD_DAYS overrides the default of 7. */
export function readDispatchLeadDays(env: NodeJS.ProcessEnv): number {
  const days = Number(env.DISPATCH_LEAD_DAYS);
  return Number.isFinite(days) && days > 0 ? days : 7;
}

/** RECURRENCE_HORIZON_DAYS overrides the default of 14. */
export function readRecurrenceHorizonDays(env: NodeJS.ProcessEnv): number {
  const days = Number(env.RECURRENCE_HORIZON_DAYS);
  return Number.isFinite(days) && days > 0 ? Math.min(30, days) : 14;
}

/** GEOFENCE_METERS, CHECK_IN_LEAD_MINUTES, NO_SHOW_GRACE_MINUTES and REMINDER_MINUTES_BEFORE override the defaults (150 m; 60, 15 and 120 minutes). */
export function readVerificationPolicy(env: NodeJS.ProcessEnv): VerificationPolicy {
  const positive = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    ...DEFAULT_VERIFICATION_POLICY,
    geofenceM: positive(env.GEOFENCE_METERS, DEFAULT_VERIFICATION_POLICY.geofenceM),
    checkInLeadMin: positive(env.CHECK_IN_LEAD_MINUTES, DEFAULT_VERIFICATION_POLICY.checkInLeadMin),
    noShowGraceMin: positive(env.NO_SHOW_GRACE_MINUTES, DEFAULT_VERIFICATION_POLICY.noShowGraceMin),
    reminderLeadMin: positive(env.REMINDER_MINUTES_BEFORE, DEFAULT_VERIFICATION_POLICY.reminderLeadMin),
  };
}
