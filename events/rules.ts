import { EVENT_SOURCE, type EventType } from './catalog.js';

/**
 * Event routing, declared once: CDK turns each rule into an EventBridge rule
 * on the platform bus, and the local runtime matches the same patterns.
 * `target` names a handler group from functions/groups.ts.
 */
export interface EventRule {
  name: string;
  description: string;
  detailTypes: readonly EventType[];
  target: 'dispatch' | 'notify' | 'ledger';
}

export const eventRules: readonly EventRule[] = [
  {
    name: 'DispatchVisits',
    description: 'Offer requested visits, move on at wave deadlines and declines, tidy up after an accept or a cancellation, dispatch again after a no-show',
    detailTypes: ['VisitRequested', 'DispatchDue', 'SeriesDue', 'OfferWaveDeadline', 'OfferDeclined', 'VisitAssigned', 'VisitCancelled', 'NoShowDue'],
    target: 'dispatch',
  },
  {
    name: 'NotifyCaregivers',
    description: 'SMS: offer and job links to caregivers, reminders before a visit, word of a taken offer or a cancelled visit, an unfilled visit to dispatchers and the hub centre, a no-show to the centre, an incident to the centre and the family, check-in and check-out to families who opted in, the "my jobs" link a caregiver asked for',
    detailTypes: ['OfferSent', 'VisitCancelled', 'VisitAssigned', 'VisitUnfilled', 'VisitEscalated', 'VisitNoShow', 'ReminderDue', 'VisitIncident', 'VisitCheckedIn', 'VisitCompleted', 'MyJobsRequested'],
    target: 'notify',
  },
  {
    name: 'KeepCreditArchive',
    description: 'Credit scores with their history, and the rating counters behind the positive-rating rate: ratings, completed visits, no-shows, upheld complaints, and certificates or licences lapsing',
    detailTypes: ['EvaluationSubmitted', 'VisitCompleted', 'VisitNoShow', 'ComplaintDecided', 'StandingDue'],
    target: 'ledger',
  },
];

/** The EventBridge event pattern of a rule. */
export function eventPattern(rule: EventRule) {
  return { source: [EVENT_SOURCE], 'detail-type': [...rule.detailTypes] };
}

/**
 * The outbox relay reads only new outbox items from the table's stream; the
 * same filter is set on the Lambda event source mapping and in the local
 * stream reader.
 */
export const OUTBOX_ENTITY = 'Outbox';
export const outboxStreamFilter = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: [OUTBOX_ENTITY] } } },
} as const;
