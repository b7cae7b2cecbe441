import * as z from 'zod';
import { type CountChange, type CreditSubject, type RatingScope, type Standing, creditScore, ledgerStep, nextStandingChange, standingOf } from '../../domain/credit.js';
import { POSITIVE_STARS, countsForService } from '../../domain/evaluation.js';
import { CITY_CODE } from '../../domain/principal.js';
import { cityDate, toCityTime } from '../../domain/time.js';
import { createHash } from 'node:crypto';
import { type AnyEvent, type EventOf, makeEvent } from '../../events/catalog.js';
import { isTransactionCancelled } from '../shared/errors.js';
import { keys, lists } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getCaregiver, getEnterprise } from '../shared/registry-store.js';
import { getItem, type TransactItem, outboxPut } from '../shared/store.js';
import { readCredit } from '../shared/credit-store.js';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

/** One subject's share of an event. */
interface SubjectChange {
  subject: CreditSubject;
  id: string;
  change: CountChange;
  refs: { visitId?: string; complaintId?: string };
}

/** Household-side rating counts to move for one day, per scope. */
interface RatingDelta {
  date: string;
  scopes: ReadonlyArray<{ scope: RatingScope; id: string; stars: number; previousStars: number | undefined }>;
}

/** What the ledger needs to write for an event: the subjects' changes, the counters, and its own bookkeeping. */
interface Plan {
  subjects: SubjectChange[];
  ratings?: RatingDelta;
  extra: TransactItem[];
}

/**
 * The stars a visit's rating by one party counted with last, and where: a
 * later revision takes exactly these out again, and an earlier revision that
 * arrives late finds a newer one counted and changes nothing.
 */
const RatingApplied = z.object({
  revision: z.number().int(),
  stars: z.number().int(),
  enterpriseStars: z.number().int(),
  streetId: z.string(),
  serviceDate: z.string(),
});

const positive = (stars: number | undefined) => (stars !== undefined && stars >= POSITIVE_STARS ? 1 : 0);
const ratingChange = (stars: number, previousStars: number | undefined): CountChange =>
  previousStars === undefined ? { cause: 'rating', stars } : { cause: 'ratingChanged', stars, previousStars };

async function ratingPlan(p: Platform, event: EventOf<'EvaluationSubmitted'>): Promise<Plan | undefined> {
  const d = event.data;
  if (!countsForService(d.party)) return undefined;
  const key = keys.ratingApplied(d.visitId, d.party);
  const applied = await getItem(p, RatingApplied, key, true);
  if (applied && applied.revision >= d.revision) return undefined; // this revision, or a newer one, already counts
  // The company is rated with the centre's separate stars when it gave them.
  const enterpriseStars = d.enterpriseStars ?? d.stars;
  const where = applied ? { streetId: applied.streetId, serviceDate: applied.serviceDate } : { streetId: d.streetId, serviceDate: d.serviceDate };
  const refs = { visitId: d.visitId };
  return {
    subjects: [
      { subject: 'caregiver', id: d.caregiverId, change: ratingChange(d.stars, applied?.stars), refs },
      { subject: 'enterprise', id: d.enterpriseId, change: ratingChange(enterpriseStars, applied?.enterpriseStars), refs },
    ],
    ratings: {
      date: where.serviceDate,
      scopes: [
        { scope: 'city', id: CITY_CODE, stars: d.stars, previousStars: applied?.stars },
        { scope: 'street', id: where.streetId, stars: d.stars, previousStars: applied?.stars },
        { scope: 'enterprise', id: d.enterpriseId, stars: enterpriseStars, previousStars: applied?.enterpriseStars },
        { scope: 'caregiver', id: d.caregiverId, stars: d.stars, previousStars: applied?.stars },
      ],
    },
    extra: [
      {
        Put: {
          TableName: p.config.tableName,
          Item: { ...key, entity: 'RatingApplied', revision: d.revision, stars: d.stars, enterpriseStars, ...where },
          ConditionExpression: applied ? 'revision = :read' : 'attribute_not_exists(PK)',
          ...(applied ? { ExpressionAttributeValues: { ':read': applied.revision } } : {}),
        },
      },
    ],
  };
}

/** Both the caregiver and the company answer for what happened on a visit. */
const both = (caregiverId: string, enterpriseId: string, change: CountChange, refs: SubjectChange['refs']): SubjectChange[] => [
  { subject: 'caregiver', id: caregiverId, change, refs },
  { subject: 'enterprise', id: enterpriseId, change, refs },
];

/** What an event means for credit, or undefined when it changes nothing. */
async function planOf(p: Platform, event: AnyEvent): Promise<Plan | undefined> {
  switch (event.type) {
    case 'EvaluationSubmitted':
      return ratingPlan(p, event);
    case 'VisitCompleted':
      return { subjects: both(event.data.caregiverId, event.data.enterpriseId, { cause: 'visitCompleted' }, { visitId: event.data.visitId }), extra: [] };
    case 'VisitNoShow':
      return { subjects: both(event.data.caregiverId, event.data.enterpriseId, { cause: 'noShow' }, { visitId: event.data.visitId }), extra: [] };
    case 'StandingDue':
      return { subjects: [{ subject: event.data.subject, id: event.data.id, change: { cause: 'standing' }, refs: {} }], extra: [] };
    case 'ComplaintDecided': {
      const d = event.data;
      if (d.outcome !== 'upheld') return undefined;
      return { subjects: both(d.caregiverId, d.enterpriseId, { cause: 'complaintUpheld' }, { visitId: d.visitId, complaintId: d.complaintId }), extra: [] };
    }
    default:
      return undefined;
  }
}

/** The registry's part of a subject's score today, and the next day it will read differently. */
async function standingNow(p: Platform, sc: Pick<SubjectChange, 'subject' | 'id'>, today: string): Promise<{ standing: Standing; next: string | undefined }> {
  const input = sc.subject === 'caregiver' ? { subject: 'caregiver' as const, record: await getCaregiver(p, sc.id) } : { subject: 'enterprise' as const, record: await getEnterprise(p, sc.id) };
  return { standing: standingOf(input, today), next: nextStandingChange(input, today) };
}

const sameStanding = (a: Standing, b: Standing) => a.credentialsValid === b.credentialsValid && a.trainingHours === b.trainingHours;

/** Schedule names are short and safe: the subject's kind, a digest of its id, the day. */
const standingDueName = (subject: CreditSubject, id: string, date: string) =>
  `standing-${subject.slice(0, 1)}-${createHash('sha256').update(id).digest('hex').slice(0, 20)}-${date.replaceAll('-', '')}`;

/** Wakes the subject's credit on the day its standing will change (a schedule of that name already there is fine). */
async function scheduleStandingReview(p: Platform, sc: Pick<SubjectChange, 'subject' | 'id'>, next: string | undefined): Promise<void> {
  if (!next) return;
  const at = new Date(`${next}T00:05:00+08:00`);
  const event = makeEvent('StandingDue', { subject: sc.subject, id: sc.id }, { id: `standing-${sc.subject}-${sc.id}-${next}`, occurredAt: toCityTime(at) });
  await p.scheduler.schedule({ name: standingDueName(sc.subject, sc.id, next), at, event });
}

/**
 * A subject's share of the transaction: the next record (conditional on the
 * version read, so history stays in the order applied), its history
 * entries, the caregiver's summary on its own item (read by dispatch and the
 * verify page), and CreditChanged when the score moved.
 */
async function subjectItems(p: Platform, event: AnyEvent, sc: SubjectChange, today: string): Promise<{ items: TransactItem[]; next: string | undefined }> {
  const table = p.config.tableName;
  const [stored, { standing, next: nextChange }] = await Promise.all([readCredit(p, sc.subject, sc.id), standingNow(p, sc, today)]);
  // A review on a day nothing changed after all (the registry moved on): nothing to write.
  if (sc.change.cause === 'standing' && (!stored || (sameStanding(stored.standing, standing) && creditScore(sc.subject, stored.counts, standing).score === stored.score))) {
    return { items: [], next: nextChange };
  }
  const step = ledgerStep({ subject: sc.subject, id: sc.id, stored, standing, change: sc.change, at: event.occurredAt, refs: sc.refs });
  const { record: next } = step;
  const items: TransactItem[] = step.entries.map((entry, n) => ({
    Put: { TableName: table, Item: { ...keys.creditHistory(sc.subject, sc.id, next.version, n), entity: 'CreditHistory', ...entry }, ConditionExpression: 'attribute_not_exists(PK)' },
  }));
  items.push({
    Put: {
      TableName: table,
      Item: { ...keys.credit(sc.subject, sc.id), ...lists.creditRanking(sc.subject, next.score, sc.id), entity: 'Credit', ...next },
      // Another event for this subject applied meanwhile: read again.
      ConditionExpression: stored ? 'version = :version' : 'attribute_not_exists(PK)',
      ...(stored ? { ExpressionAttributeValues: { ':version': stored.version } } : {}),
    },
  });
  if (sc.subject === 'caregiver') {
    items.push({
      Update: {
        TableName: table,
        Key: keys.caregiver(sc.id),
        UpdateExpression: 'SET credit = :credit',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: {
          ':credit': { score: next.score, tier: next.tier, smoothedStars: next.components.rating.smoothedStars, ratings: next.counts.ratings, positive: next.counts.positive },
        },
      },
    });
  }
  const moved = Math.round(step.entries.reduce((sum, e) => sum + e.delta, 0) * 10) / 10;
  if (moved !== 0 || (stored && next.tier !== stored.tier)) {
    const data = { subject: sc.subject, id: sc.id, score: next.score, tier: next.tier, delta: moved, cause: sc.change.cause, ...(sc.refs.visitId ? { visitId: sc.refs.visitId } : {}) };
    items.push(outboxPut(p, makeEvent('CreditChanged', data, { id: `${event.id}-${sc.subject}`, occurredAt: event.occurredAt })));
  }
  return { items, next: nextChange };
}

function ratingItems(p: Platform, ratings: RatingDelta): TransactItem[] {
  return ratings.scopes.map(({ scope, id, stars, previousStars }) => ({
    Update: {
      TableName: p.config.tableName,
      Key: keys.ratingDay(scope, id, ratings.date),
      UpdateExpression: 'ADD ratings :ratings, positive :positive, starsSum :stars SET entity = :entity',
      ExpressionAttributeValues: {
        ':ratings': previousStars === undefined ? 1 : 0,
        ':positive': positive(stars) - positive(previousStars),
        ':stars': stars - (previousStars ?? 0),
        ':entity': 'RatingDay',
      },
    },
  }));
}

/** How long the ledger remembers an event it applied: far longer than any redelivery. */
const APPLIED_RETENTION_SECONDS = 30 * 24 * 3600;
/** Concurrent events for one company meet on its record; each retry reads again. */
const MAX_ATTEMPTS = 8;

/**
 * Applies one event to the credit archive, once: every subject's new record
 * and history, the rating counters and the event's marker go in one
 * transaction. Then each subject's next standing review is scheduled (the
 * day a certificate, licence or course changes its score). A redelivery finds the marker and changes nothing; a rating
 * revision older than the one counted changes nothing; a concurrent event
 * for the same subject fails on the version, and this one is read and tried
 * again.
 */
export async function applyToCredit(p: Platform, event: AnyEvent): Promise<void> {
  const marker = keys.ledgerApplied(event.id);
  const today = cityDate(new Date(event.occurredAt));
  for (let attempt = 1; ; attempt++) {
    const [applied, plan] = await Promise.all([getItem(p, z.object({}), marker, true), planOf(p, event)]);
    if (!plan) return; // nothing to count
    if (applied) {
      // A redelivery: counted before; only the reviews may not have been scheduled.
      await Promise.all(plan.subjects.map(async (sc) => scheduleStandingReview(p, sc, (await standingNow(p, sc, today)).next)));
      return;
    }
    const shares = await Promise.all(plan.subjects.map((sc) => subjectItems(p, event, sc, today)));
    const scheduleNext = () => Promise.all(plan.subjects.map((sc, i) => scheduleStandingReview(p, sc, shares[i]!.next)));
    if (shares.every((share) => share.items.length === 0)) return void (await scheduleNext());
    const items: TransactItem[] = [
      { Put: { TableName: p.config.tableName, Item: { ...marker, entity: 'LedgerApplied', ttl: Math.floor(Date.parse(event.occurredAt) / 1000) + APPLIED_RETENTION_SECONDS }, ConditionExpression: 'attribute_not_exists(PK)' } },
      ...plan.extra,
      ...shares.flatMap((share) => share.items),
      ...(plan.ratings ? ratingItems(p, plan.ratings) : []),
    ];
    try {
      await p.db.send(new TransactWriteCommand({ TransactItems: items }));
      await scheduleNext();
      return;
    } catch (error) {
      if (!isTransactionCancelled(error) || attempt >= MAX_ATTEMPTS) throw error;
      // Whatever failed (the marker, a version, a revision), the next round reads it all again.
      await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 6) * (0.5 + Math.random())));
    }
  }
}
