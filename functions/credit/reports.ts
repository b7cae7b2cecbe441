import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { CREDIT_POLICY, CreditRecordSchema, type RankedEnterprise, type RatingStats, type RatingStatsQuery, STATS_MAX_DAYS, recommendation, positiveRate } from '../../domain/credit.js';
import { badRequest } from '../../domain/errors.js';
import { CITY_CODE } from '../../domain/principal.js';
import { EnterpriseSchema, canReceiveWork } from '../../domain/registry.js';
import { addMinutes, cityDate } from '../../domain/time.js';
import { lists, keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { ratingsOver } from '../shared/credit-store.js';
import { batchGet, parseItem } from '../shared/store.js';

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

/**
 * The positive-rating rate (好评率) and average stars of household-side
 * ratings, for the city or one street, company or caregiver, over city dates
 * (the last 30 days by default). Summed from day counters kept by the credit
 * archive, so the figure is reproducible and nothing is scanned.
 */
export async function ratingStats(p: Platform, query: z.infer<typeof RatingStatsQuery>): Promise<z.infer<typeof RatingStats>> {
  const today = cityDate(p.clock.now());
  const to = query.to ?? today;
  const from = query.from ?? cityDate(addMinutes(new Date(`${to}T12:00:00+08:00`), -29 * 24 * 60));
  if (from > to) throw badRequest('INVALID_FIELD', 'from: must not be after to', 'from');
  if (daysBetween(from, to) > STATS_MAX_DAYS) throw badRequest('INVALID_FIELD', `to: at most ${STATS_MAX_DAYS} days at once`, 'to');
  const scope = query.streetId
    ? { kind: 'street' as const, id: query.streetId }
    : query.enterpriseId
      ? { kind: 'enterprise' as const, id: query.enterpriseId }
      : query.caregiverId
        ? { kind: 'caregiver' as const, id: query.caregiverId }
        : { kind: 'city' as const, id: CITY_CODE };
  const totals = await ratingsOver(p, scope.kind, scope.id, from, to);
  return {
    from,
    to,
    scope,
    ratingCount: totals.ratings,
    positiveCount: totals.positive,
    positiveRate: positiveRate(totals),
    averageStars: totals.ratings === 0 ? null : Math.round((totals.starsSum / totals.ratings) * 100) / 100,
  };
}

/**
 * Companies by credit score, highest first, each with whether it qualifies
 * as a recommended outstanding unit (推荐先进承办单位) and why, and whether
 * it is flagged (`flaggedOnly`: just those, lowest first). Read from the ranking index and one BatchGet of the
 * companies; a company the archive has not seen yet has no score to rank.
 */
export async function enterpriseRanking(p: Platform, options: { limit: number; flaggedOnly: boolean }): Promise<RankedEnterprise[]> {
  const pk = lists.creditRanking('enterprise', 0, '').GSI1PK;
  // Flagged ones are the bottom of the same index: lowest first, below the threshold.
  const page = await p.db.send(
    new QueryCommand({
      TableName: p.config.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: options.flaggedOnly ? 'GSI1PK = :pk AND GSI1SK < :threshold' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(options.flaggedOnly ? { ':threshold': lists.creditRanking('enterprise', CREDIT_POLICY.flagBelow, '').GSI1SK } : {}) },
      ScanIndexForward: options.flaggedOnly,
      Limit: options.limit,
    }),
  );
  const credits = (page.Items ?? []).map((item) => parseItem(CreditRecordSchema, item));
  const enterprises = new Map(
    (await batchGet(p, credits.map((c) => keys.enterprise(c.id)))).map((item) => {
      const enterprise = parseItem(EnterpriseSchema, item);
      return [enterprise.id, enterprise] as const;
    }),
  );
  const today = cityDate(p.clock.now());
  return credits.flatMap((credit) => {
    const enterprise = enterprises.get(credit.id);
    if (!enterprise) return [];
    const verdict = recommendation({ score: credit.score, tier: credit.tier, counts: credit.counts, licensed: canReceiveWork(enterprise, today) });
    return [
      {
        enterpriseId: enterprise.id,
        name: enterprise.name,
        code: enterprise.code,
        status: enterprise.status,
        score: credit.score,
        tier: credit.tier,
        positiveRate: positiveRate(credit.counts),
        ratingCount: credit.counts.ratings,
        completed: credit.counts.completed,
        upheldComplaints: credit.counts.upheldComplaints,
        ...verdict,
      },
    ];
  });
}
