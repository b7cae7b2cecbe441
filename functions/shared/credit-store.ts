import type * as z from 'zod';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  CREDIT_POLICY,
  CreditHistoryEntry,
  CreditRecordSchema,
  type CreditSubject,
  type CreditView,
  NO_COUNTS,
  type RatingScope,
  type StandingSchema,
  creditScore,
  positiveRate,
} from '../../domain/credit.js';
import { StoredNationalCredit, nationalCreditView } from '../../domain/national-credit.js';
import { keys } from './keys.js';
import type { Platform } from './platform.js';
import { getItem, parseItem, queryAll } from './store.js';

export const readCredit = (p: Platform, subject: CreditSubject, id: string) => getItem(p, CreditRecordSchema, keys.credit(subject, id), true);

/** How many history entries a credit view shows, newest first. */
const HISTORY_SHOWN = 100;

/** A subject's newest credit history entries, newest first. */
export async function creditHistory(p: Platform, subject: CreditSubject, id: string, limit = HISTORY_SHOWN): Promise<CreditHistoryEntry[]> {
  const result = await p.db.send(
    new QueryCommand({
      TableName: p.config.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :history)',
      ExpressionAttributeValues: { ':pk': keys.credit(subject, id).PK, ':history': 'HISTORY#' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => parseItem(CreditHistoryEntry, item));
}

/**
 * The score with its reasons and history. A subject without any event yet
 * shows the score it starts from: the prior rating and clean record, with
 * its credentials as the registry has them now (`standing`).
 */
export async function creditView(p: Platform, subject: CreditSubject, id: string, standing: z.infer<typeof StandingSchema>): Promise<CreditView> {
  const [stored, history, national] = await Promise.all([
    readCredit(p, subject, id),
    creditHistory(p, subject, id),
    // Shown beside the score, never folded into it (docs/decisions/0014).
    getItem(p, StoredNationalCredit, keys.nationalCredit(subject, id)),
  ]);
  const counts = stored?.counts ?? NO_COUNTS;
  const current = stored ?? { ...creditScore(subject, NO_COUNTS, standing) };
  return {
    subject,
    id,
    score: current.score,
    tier: current.tier,
    positiveRate: positiveRate(counts),
    ratingCount: counts.ratings,
    counts,
    components: current.components,
    flagged: subject === 'enterprise' && current.score < CREDIT_POLICY.flagBelow,
    history,
    ...(national ? { national: nationalCreditView(national) } : {}),
  };
}

export interface RatingTotals {
  ratings: number;
  positive: number;
  starsSum: number;
}

/** Household-side ratings of a scope over city dates `from`…`to`: one small Query over its day counters, never a scan. */
export async function ratingsOver(p: Platform, scope: RatingScope, id: string, from: string, to: string): Promise<RatingTotals> {
  const days = await queryAll(p, {
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': keys.ratingDay(scope, id, '').PK, ':from': `DAY#${from}`, ':to': `DAY#${to}` },
  });
  return days.reduce<RatingTotals>(
    (sum, day) => ({ ratings: sum.ratings + Number(day.ratings ?? 0), positive: sum.positive + Number(day.positive ?? 0), starsSum: sum.starsSum + Number(day.starsSum ?? 0) }),
    { ratings: 0, positive: 0, starsSum: 0 },
  );
}
