import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CreditCounts,
  type CreditSubject,
  type Standing,
  NO_COUNTS,
  applyToCounts,
  creditScore,
  standingOf,
} from '../../domain/credit.js';
import { POSITIVE_STARS, countsForService } from '../../domain/evaluation.js';
import { CITY_CODE } from '../../domain/principal.js';
import { cityDate } from '../../domain/time.js';
import { type AnyEvent, makeEvent } from '../../events/catalog.js';
import { isTransactionCancelled } from '../shared/errors.js';
import { keys, lists } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getCaregiver, getEnterprise } from '../shared/registry-store.js';
import { type TransactItem, outboxPut } from '../shared/store.js';
import { getOffer, getVisit } from '../shared/visit-store.js';
import { type StoredCredit, readCredit } from '../shared/credit-store.js';

type CountChange = Parameters<typeof applyToCounts>[1];

/** One subject's share of an event. */
interface SubjectChange {
  subject: CreditSubject;
  id: string;
  change: CountChange;
  visitId?: string;
  complaintId?: string;
}

/** Household-side rating counts to add for one day, per scope. */
interface RatingDelta {
  date: string;
  scopes: ReadonlyArray<{ scope: 'city' | 'street' | 'enterprise' | 'caregiver'; id: string; stars: number; previousStars?: number | undefined }>;
}

const positive = (stars: number | undefined) => (stars !== undefined && stars >= POSITIVE_STARS ? 1 : 0);

/** A first rating counts one more; a changed one swaps its stars. */
const ratingChange = (stars: number, previousStars: number | undefined): CountChange =>
  previousStars === undefined ? { cause: 'rating', stars } : { cause: 'ratingChanged', stars, previousStars };

/** What an event means for credit: which subjects change how, and which rating counters move. */
async function changesOf(p: Platform, event: AnyEvent): Promise<{ subjects: SubjectChange[]; ratings?: RatingDelta } | undefined> {
  switch (event.type) {
    case 'EvaluationSubmitted': {
      const d = event.data;
      if (!countsForService(d.party)) return undefined;
      const previous = d.revision > 1 ? d.previousStars : undefined;
      const enterpriseStars = d.enterpriseStars ?? d.stars;
      const previousEnterprise = d.revision > 1 ? (d.previousEnterpriseStars ?? d.previousStars) : undefined;
      return {
        subjects: [
          { subject: 'caregiver', id: d.caregiverId, change: ratingChange(d.stars, previous), visitId: d.visitId },
          { subject: 'enterprise', id: d.enterpriseId, change: ratingChange(enterpriseStars, previousEnterprise), visitId: d.visitId },
        ],
        ratings: {
          date: d.serviceDate,
          scopes: [
            { scope: 'city', id: CITY_CODE, stars: d.stars, previousStars: previous },
            { scope: 'street', id: d.streetId, stars: d.stars, previousStars: previous },
            { scope: 'enterprise', id: d.enterpriseId, stars: enterpriseStars, previousStars: previousEnterprise },
            { scope: 'caregiver', id: d.caregiverId, stars: d.stars, previousStars: previous },
          ],
        },
      };
    }
    case 'VisitCompleted': {
      const visit = await getVisit(p, event.data.visitId);
      const enterpriseId = visit?.assignment?.enterpriseId;
      if (!enterpriseId) throw new Error(`completed visit ${event.data.visitId} has no assignment`);
      const visitId = event.data.visitId;
      return {
        subjects: [
          { subject: 'caregiver', id: event.data.caregiverId, change: { cause: 'visitCompleted' }, visitId },
          { subject: 'enterprise', id: enterpriseId, change: { cause: 'visitCompleted' }, visitId },
        ],
      };
    }
    case 'VisitNoShow': {
      const offer = await getOffer(p, event.data.visitId, event.data.caregiverId);
      if (!offer) throw new Error(`no-show on a missing offer ${event.data.visitId}/${event.data.caregiverId}`);
      const visitId = event.data.visitId;
      return {
        subjects: [
          { subject: 'caregiver', id: event.data.caregiverId, change: { cause: 'noShow' }, visitId },
          { subject: 'enterprise', id: offer.enterpriseId, change: { cause: 'noShow' }, visitId },
        ],
      };
    }
    case 'ComplaintDecided': {
      const d = event.data;
      if (d.outcome !== 'upheld') return undefined;
      return {
        subjects: [
          { subject: 'caregiver', id: d.caregiverId, change: { cause: 'complaintUpheld' }, visitId: d.visitId, complaintId: d.complaintId },
          { subject: 'enterprise', id: d.enterpriseId, change: { cause: 'complaintUpheld' }, visitId: d.visitId, complaintId: d.complaintId },
        ],
      };
    }
    default:
      return undefined;
  }
}

const sameStanding = (a: Standing | undefined, b: Standing) => !!a && a.credentialsValid === b.credentialsValid && a.trainingHours === b.trainingHours;

/**
 * A subject's share of the transaction: the new score with its history entry
 * (whose key is the event's, so an event counts once), a `standing` entry
 * first when the registry's part moved since the last event, the summary on
 * the caregiver's own item (read by dispatch and the verify page), and a
 * CreditChanged event when the score moved.
 */
function subjectItems(p: Platform, event: AnyEvent, sc: SubjectChange, stored: StoredCredit | undefined, standing: Standing): TransactItem[] {
  const table = p.config.tableName;
  const counts: CreditCounts = stored?.counts ?? NO_COUNTS;
  const before = stored?.score ?? creditScore(sc.subject, NO_COUNTS, standing).score;
  const afterStanding = creditScore(sc.subject, counts, standing);
  const newCounts = applyToCounts(counts, sc.change);
  const after = creditScore(sc.subject, newCounts, standing);
  const atKey = new Date(event.occurredAt).toISOString();
  const refs = { ...(sc.visitId ? { visitId: sc.visitId } : {}), ...(sc.complaintId ? { complaintId: sc.complaintId } : {}) };
  const items: TransactItem[] = [];
  const round = (x: number) => Math.round(x * 10) / 10;
  if (stored && !sameStanding(stored.standing, standing)) {
    items.push({
      Put: {
        TableName: table,
        Item: { ...keys.creditHistory(sc.subject, sc.id, atKey, `${event.id}#0`), entity: 'CreditHistory', at: event.occurredAt, delta: round(afterStanding.score - before), score: afterStanding.score, cause: 'standing' },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
  }
  const delta = round(after.score - (stored ? afterStanding.score : before));
  items.push({
    Put: {
      TableName: table,
      Item: { ...keys.creditHistory(sc.subject, sc.id, atKey, `${event.id}#1`), entity: 'CreditHistory', at: event.occurredAt, delta, score: after.score, cause: sc.change.cause, ...refs },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  });
  items.push({
    Put: {
      TableName: table,
      Item: {
        ...keys.credit(sc.subject, sc.id),
        ...lists.creditRanking(sc.subject, after.score, sc.id),
        entity: 'Credit',
        subject: sc.subject,
        id: sc.id,
        counts: newCounts,
        standing,
        score: after.score,
        tier: after.tier,
        components: after.components,
        version: (stored?.version ?? 0) + 1,
        updatedAt: event.occurredAt,
      },
      // Optimistic: another event for the same subject applied meanwhile → read again.
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
          ':credit': { score: after.score, tier: after.tier, smoothedStars: after.components.rating.smoothedStars, ratings: newCounts.ratings, positive: newCounts.positive },
        },
      },
    });
  }
  const moved = round(after.score - before);
  if (moved !== 0 || after.tier !== (stored?.tier ?? after.tier)) {
    items.push(
      outboxPut(
        p,
        makeEvent(
          'CreditChanged',
          { subject: sc.subject, id: sc.id, score: after.score, tier: after.tier, delta: moved, cause: sc.change.cause, ...(sc.visitId ? { visitId: sc.visitId } : {}) },
          { id: `${event.id}-${sc.subject}`, occurredAt: event.occurredAt },
        ),
      ),
    );
  }
  return items;
}

function ratingItems(p: Platform, ratings: RatingDelta): TransactItem[] {
  return ratings.scopes.map(({ scope, id, stars, previousStars }) => {
    const first = previousStars === undefined;
    return {
      Update: {
        TableName: p.config.tableName,
        Key: keys.ratingDay(scope, id, ratings.date),
        UpdateExpression: 'ADD ratings :ratings, positive :positive, starsSum :stars SET entity = :entity',
        ExpressionAttributeValues: {
          ':ratings': first ? 1 : 0,
          ':positive': positive(stars) - positive(previousStars),
          ':stars': stars - (previousStars ?? 0),
          ':entity': 'RatingDay',
        },
      },
    };
  });
}

/**
 * Applies one event to the credit archive, once: every subject's new score,
 * its history and the rating counters go in one transaction, guarded by
 * history keys made from the event's id. A redelivered event finds them
 * written and changes nothing; a concurrent event for the same subject makes
 * the transaction fail on the version, and it is read and tried again.
 */
export async function applyToCredit(p: Platform, event: AnyEvent): Promise<void> {
  const changes = await changesOf(p, event);
  if (!changes) return;
  const today = cityDate(new Date(event.occurredAt));
  for (let attempt = 0; ; attempt++) {
    const read = await Promise.all(
      changes.subjects.map((sc) => Promise.all([readCredit(p, sc.subject, sc.id), sc.subject === 'caregiver' ? getCaregiver(p, sc.id) : getEnterprise(p, sc.id)])),
    );
    const items: TransactItem[] = changes.subjects.flatMap((sc, i) => subjectItems(p, event, sc, read[i]![0], standingOf(sc.subject, read[i]![1], today)));
    if (changes.ratings) items.push(...ratingItems(p, changes.ratings));
    try {
      await p.db.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!isTransactionCancelled(error)) throw error;
      const failed = (error.CancellationReasons ?? []).map((r, i) => ({ code: r.Code, item: items[i] }));
      const historyExists = failed.some((f) => f.code === 'ConditionalCheckFailed' && String(f.item?.Put?.Item?.SK ?? '').startsWith('HISTORY#'));
      if (historyExists) return; // applied before: a redelivery
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}
