import * as z from 'zod';
import { POSITIVE_STARS } from './evaluation.js';
import { NationalCreditView } from './national-credit.js';
import type { Caregiver, Enterprise } from './registry.js';
import { addMinutes, cityDate } from './time.js';

/**
 * The credit score of a caregiver or a company: 0–100 from five documented
 * components, so every point can be explained (docs/decisions/0013).
 *
 *   rating        40  Bayesian-smoothed mean of the household-side stars:
 *                     (PRIOR_WEIGHT × PRIOR_MEAN + Σ stars) / (PRIOR_WEIGHT + n),
 *                     mapped from 1–5 stars onto 0–40. A newcomer sits at the
 *                     prior; a few ratings move it a little, many move it a lot.
 *   reliability   30  completed / (completed + NO_SHOW_WEIGHT × no-shows), with
 *                     RELIABILITY_PRIOR clean visits assumed, so one no-show
 *                     costs a newcomer much and a veteran little.
 *   complaints    15  minus a third for each upheld complaint per hundred
 *                     completed visits (at least one hundred): a caregiver
 *                     loses 5 points per complaint, a large company less.
 *   credentials   10  caregiver: a valid certificate; company: a valid licence.
 *   training       5  caregiver: training hours in the last year, full at 24 h;
 *                     company: its licence again (companies are not trained).
 *
 * Tiers: A ≥ 90, B ≥ 75, C ≥ 60, D below. A company in tier D is flagged for
 * the bureau; nothing is suspended automatically.
 */
export const CREDIT_POLICY = {
  priorMean: 4,
  priorWeight: 5,
  reliabilityPrior: 5,
  noShowWeight: 5,
  complaintsPerHundredToZero: 3,
  trainingHoursForFull: 24,
  max: { rating: 40, reliability: 30, complaints: 15, credentials: 10, training: 5 },
  tiers: [
    { tier: 'A', min: 90 },
    { tier: 'B', min: 75 },
    { tier: 'C', min: 60 },
    { tier: 'D', min: 0 },
  ],
  /** A company scoring below this is flagged for the bureau's attention. */
  flagBelow: 60,
} as const;

export const CreditTier = z.enum(['A', 'B', 'C', 'D']);
export type CreditTier = z.infer<typeof CreditTier>;
export const CreditSubject = z.enum(['caregiver', 'enterprise']);
export type CreditSubject = z.infer<typeof CreditSubject>;

/** What the score is computed from: counts kept from events, one per cause. */
export const CreditCountsSchema = z.object({
  /** Household-side ratings (the centre's and the follow-up calls'). */
  ratings: z.number().int().min(0),
  starsSum: z.number().int().min(0),
  positive: z.number().int().min(0),
  completed: z.number().int().min(0),
  noShows: z.number().int().min(0),
  upheldComplaints: z.number().int().min(0),
});
export type CreditCounts = z.infer<typeof CreditCountsSchema>;
export const NO_COUNTS: CreditCounts = { ratings: 0, starsSum: 0, positive: 0, completed: 0, noShows: 0, upheldComplaints: 0 };

/** The registry's part, read when the score is recomputed. */
export const StandingSchema = z.object({
  credentialsValid: z.boolean(),
  trainingHours: z.number().min(0),
});
export type Standing = z.infer<typeof StandingSchema>;

const Component = z.object({ points: z.number(), max: z.number() });
export const CreditComponentsSchema = z.object({
  rating: Component.extend({ smoothedStars: z.number() }),
  reliability: Component,
  complaints: Component,
  credentials: Component,
  training: Component,
});

export interface CreditScore {
  score: number;
  tier: CreditTier;
  components: z.infer<typeof CreditComponentsSchema>;
}

/** The registry's part of the score as of `today`: a company's licence; a caregiver's certificates and training in the last year. */
export function standingOf(
  input: { subject: 'caregiver'; record: Caregiver | undefined } | { subject: 'enterprise'; record: Enterprise | undefined },
  today: string,
): Standing {
  if (!input.record) return { credentialsValid: false, trainingHours: 0 };
  if (input.subject === 'enterprise') {
    return { credentialsValid: input.record.status === 'licensed' && input.record.licenceValidUntil >= today, trainingHours: 0 };
  }
  const caregiver = input.record;
  const yearAgo = cityDate(addMinutes(new Date(`${today}T12:00:00+08:00`), -365 * 24 * 60));
  return {
    credentialsValid: caregiver.certificates.some((c) => (!c.validFrom || c.validFrom <= today) && c.validUntil >= today),
    trainingHours: (caregiver.training ?? []).filter((t) => t.completedOn > yearAgo && t.completedOn <= today).reduce((sum, t) => sum + t.hours, 0),
  };
}

/** The city date after `date`. Dates are ISO `YYYY-MM-DD`. */
const dayAfter = (date: string, days = 1) => cityDate(addMinutes(new Date(`${date}T12:00:00+08:00`), days * 24 * 60));

/**
 * The first city date after `today` on which `standingOf` will read
 * differently with the registry as it is: a certificate or licence starting
 * or lapsing, a course dropping out of the last year. The ledger wakes the
 * subject then (StandingDue), so an expiry moves the score on its day.
 */
export function nextStandingChange(
  input: { subject: 'caregiver'; record: Caregiver | undefined } | { subject: 'enterprise'; record: Enterprise | undefined },
  today: string,
): string | undefined {
  if (!input.record) return undefined;
  const dates =
    input.subject === 'enterprise'
      ? [dayAfter(input.record.licenceValidUntil)]
      : [
          ...input.record.certificates.flatMap((c) => [c.validFrom, dayAfter(c.validUntil)]),
          ...(input.record.training ?? []).flatMap((t) => [t.completedOn, dayAfter(t.completedOn, 365)]),
        ];
  return dates.filter((d): d is string => !!d && d > today).sort()[0];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export const smoothedStars = (counts: Pick<CreditCounts, 'ratings' | 'starsSum'>, policy = CREDIT_POLICY) =>
  (policy.priorWeight * policy.priorMean + counts.starsSum) / (policy.priorWeight + counts.ratings);

export const tierOf = (score: number, policy = CREDIT_POLICY): CreditTier => policy.tiers.find((t) => score >= t.min)!.tier;

export function creditScore(subject: CreditSubject, counts: CreditCounts, standing: Standing, policy = CREDIT_POLICY): CreditScore {
  const { max } = policy;
  const stars = smoothedStars(counts, policy);
  const reliable = (counts.completed + policy.reliabilityPrior) / (counts.completed + policy.reliabilityPrior + policy.noShowWeight * counts.noShows);
  const perHundred = counts.upheldComplaints / Math.max(1, counts.completed / 100);
  const credentials = standing.credentialsValid ? max.credentials : 0;
  const training = subject === 'enterprise' ? (standing.credentialsValid ? max.training : 0) : max.training * Math.min(1, standing.trainingHours / policy.trainingHoursForFull);
  const components = {
    rating: { points: round1((max.rating * (stars - 1)) / 4), max: max.rating, smoothedStars: Math.round(stars * 100) / 100 },
    reliability: { points: round1(max.reliability * reliable), max: max.reliability },
    complaints: { points: round1(max.complaints * Math.max(0, 1 - perHundred / policy.complaintsPerHundredToZero)), max: max.complaints },
    credentials: { points: credentials, max: max.credentials },
    training: { points: round1(training), max: max.training },
  };
  const score = round1(Object.values(components).reduce((sum, c) => sum + c.points, 0));
  return { score, tier: tierOf(score, policy), components };
}

/**
 * What moved a score: one cause per kind of event; `standing` when the score
 * had moved since the last event without one (certificates, training or the
 * licence changed, or the formula did).
 */
export const CreditCause = z.enum(['rating', 'ratingChanged', 'visitCompleted', 'noShow', 'complaintUpheld', 'standing']);
export type CreditCause = z.infer<typeof CreditCause>;

/** What a subject's archive keeps: the counts and standing the score was computed from, and a version that orders its history. */
export const CreditRecordSchema = z.object({
  subject: CreditSubject,
  id: z.string(),
  counts: CreditCountsSchema,
  standing: StandingSchema,
  score: z.number(),
  tier: CreditTier,
  components: CreditComponentsSchema,
  version: z.number().int().min(1),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type CreditRecord = z.infer<typeof CreditRecordSchema>;

/** The scopes the household-side rating counters are kept for. */
export const RatingScope = z.enum(['city', 'street', 'enterprise', 'caregiver']);
export type RatingScope = z.infer<typeof RatingScope>;

/** How an event changes the counts. A changed rating takes its old stars out and puts the new in. */
export function applyToCounts(
  counts: CreditCounts,
  change:
    | { cause: 'rating'; stars: number }
    | { cause: 'ratingChanged'; stars: number; previousStars: number }
    | { cause: 'visitCompleted' | 'noShow' | 'complaintUpheld' | 'standing' },
): CreditCounts {
  const positive = (stars: number) => (stars >= POSITIVE_STARS ? 1 : 0);
  switch (change.cause) {
    case 'rating':
      return { ...counts, ratings: counts.ratings + 1, starsSum: counts.starsSum + change.stars, positive: counts.positive + positive(change.stars) };
    case 'ratingChanged':
      return {
        ...counts,
        starsSum: counts.starsSum + change.stars - change.previousStars,
        positive: counts.positive + positive(change.stars) - positive(change.previousStars),
      };
    case 'visitCompleted':
      return { ...counts, completed: counts.completed + 1 };
    case 'noShow':
      return { ...counts, noShows: counts.noShows + 1 };
    case 'complaintUpheld':
      return { ...counts, upheldComplaints: counts.upheldComplaints + 1 };
    case 'standing':
      return counts;
  }
}

export type CountChange = Parameters<typeof applyToCounts>[1];

/**
 * One event applied to one subject's archive: the next record, and the
 * history entries that explain the move, oldest first. When the score had
 * already moved without an event (its standing or the formula changed), a
 * `standing` entry records that first, so that every entry's score is the
 * previous one plus its delta.
 */
export function ledgerStep(
  input: { subject: CreditSubject; id: string; stored: CreditRecord | undefined; standing: Standing; change: CountChange; at: string; refs?: { visitId?: string; complaintId?: string } },
  policy = CREDIT_POLICY,
): { record: CreditRecord; entries: CreditHistoryEntry[] } {
  const { subject, stored, standing, at } = input;
  const counts = stored?.counts ?? NO_COUNTS;
  const rescored = creditScore(subject, counts, standing, policy);
  const entries: CreditHistoryEntry[] = [];
  if (stored && (rescored.score !== stored.score || input.change.cause === 'standing')) {
    entries.push({ at, delta: round1(rescored.score - stored.score), score: rescored.score, cause: 'standing' });
  }
  if (input.change.cause === 'standing') {
    // Only the registry's part moved: one entry says so.
    return {
      record: { subject, id: input.id, counts, standing, score: rescored.score, tier: rescored.tier, components: rescored.components, version: (stored?.version ?? 0) + 1, updatedAt: at },
      entries,
    };
  }
  const next = applyToCounts(counts, input.change);
  const after = creditScore(subject, next, standing, policy);
  entries.push({ at, delta: round1(after.score - rescored.score), score: after.score, cause: input.change.cause, ...input.refs });
  return {
    record: { subject, id: input.id, counts: next, standing, score: after.score, tier: after.tier, components: after.components, version: (stored?.version ?? 0) + 1, updatedAt: at },
    entries,
  };
}

/** Share of positive ratings, or null with none to count. */
export const positiveRate = (c: Pick<CreditCounts, 'ratings' | 'positive'>) => (c.ratings === 0 ? null : Math.round((c.positive / c.ratings) * 10_000) / 10_000);

export const CreditHistoryEntry = z.object({
  at: z.iso.datetime({ offset: true }),
  delta: z.number(),
  score: z.number(),
  cause: CreditCause,
  visitId: z.string().optional(),
  complaintId: z.string().optional(),
});
export type CreditHistoryEntry = z.infer<typeof CreditHistoryEntry>;

/** The part of a caregiver's credit kept on its registry item, for dispatch ranking and the verify page. */
export const CreditSummarySchema = z.object({
  score: z.number(),
  tier: CreditTier,
  smoothedStars: z.number(),
  ratings: z.number().int(),
  positive: z.number().int(),
});
export type CreditSummary = z.infer<typeof CreditSummarySchema>;

export const CreditView = z.object({
  subject: CreditSubject,
  id: z.string(),
  score: z.number(),
  tier: CreditTier,
  positiveRate: z.number().nullable(),
  ratingCount: z.number().int(),
  counts: CreditCountsSchema,
  components: CreditComponentsSchema,
  /** A company below the threshold: the bureau looks into it (never an automatic suspension). */
  flagged: z.boolean(),
  /** Newest first. */
  history: z.array(CreditHistoryEntry),
  /** The national credit system's latest record, shown beside the score; it never changes the score (docs/decisions/0014). */
  national: NationalCreditView.optional(),
});
export type CreditView = z.infer<typeof CreditView>;

/** GET /bureau/stats: city dates, inclusive; one scope at most (the whole city by default). */
export const STATS_MAX_DAYS = 366;
export const RatingStatsQuery = z
  .object({
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    streetId: z.string().min(1).max(64).optional(),
    enterpriseId: z.string().min(1).max(64).optional(),
    caregiverId: z.string().min(1).max(64).optional(),
  })
  .refine((q) => [q.streetId, q.enterpriseId, q.caregiverId].filter(Boolean).length <= 1, { message: 'give at most one of streetId, enterpriseId, caregiverId', path: ['streetId'] })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });

export const RatingStats = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  scope: z.object({ kind: RatingScope, id: z.string() }),
  ratingCount: z.number().int(),
  positiveCount: z.number().int(),
  /** Share of household-side ratings of 4 or 5 stars (好评率); null with no ratings. */
  positiveRate: z.number().nullable(),
  averageStars: z.number().nullable(),
});

/** The bureau's ranking of companies by credit, for "recommended outstanding units" (推荐先进承办单位). */
export const RecommendationRule = {
  tier: 'A',
  minRatings: 20,
  minPositiveRate: 0.95,
  maxUpheldComplaints: 0,
} as const;

/** GET /bureau/rankings/enterprises: how many, and only the flagged ones (lowest first). */
export const RankingQuery = z.object({ limit: z.coerce.number<string>().int().min(1).max(200).default(50), flagged: z.enum(['true', 'false']).default('false') });

export const RankedEnterprise = z.object({
  enterpriseId: z.string(),
  name: z.string(),
  code: z.string(),
  status: z.string(),
  score: z.number(),
  tier: CreditTier,
  positiveRate: z.number().nullable(),
  ratingCount: z.number().int(),
  completed: z.number().int(),
  upheldComplaints: z.number().int(),
  recommended: z.boolean(),
  flagged: z.boolean(),
  /** Why it is recommended, flagged, or neither: each rule with its figure. */
  reasons: z.array(z.object({ code: z.string(), met: z.boolean(), zh: z.string(), en: z.string() })),
});
export type RankedEnterprise = z.infer<typeof RankedEnterprise>;

/** Whether a company qualifies as recommended, rule by rule, in words the bureau can publish. */
export function recommendation(input: { score: number; tier: CreditTier; counts: CreditCounts; licensed: boolean }, rule = RecommendationRule) {
  const rate = positiveRate(input.counts);
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const reasons = [
    { code: 'tier', met: input.tier === rule.tier, zh: `信用等级 ${input.tier}（${input.score} 分），须为 ${rule.tier}`, en: `credit tier ${input.tier} (${input.score}), needs ${rule.tier}` },
    { code: 'ratings', met: input.counts.ratings >= rule.minRatings, zh: `评价 ${input.counts.ratings} 条，须不少于 ${rule.minRatings} 条`, en: `${input.counts.ratings} ratings, needs ${rule.minRatings}` },
    {
      code: 'positiveRate',
      met: rate !== null && rate >= rule.minPositiveRate,
      zh: `好评率 ${rate === null ? '—' : pct(rate)}，须不低于 ${pct(rule.minPositiveRate)}`,
      en: `positive rate ${rate === null ? '—' : pct(rate)}, needs ${pct(rule.minPositiveRate)}`,
    },
    {
      code: 'complaints',
      met: input.counts.upheldComplaints <= rule.maxUpheldComplaints,
      zh: `成立投诉 ${input.counts.upheldComplaints} 件，须为 ${rule.maxUpheldComplaints} 件`,
      en: `${input.counts.upheldComplaints} upheld complaints, needs ${rule.maxUpheldComplaints}`,
    },
    { code: 'licence', met: input.licensed, zh: input.licensed ? '许可有效' : '许可无效', en: input.licensed ? 'licence valid' : 'licence not valid' },
  ];
  return { recommended: reasons.every((r) => r.met), flagged: input.score < CREDIT_POLICY.flagBelow, reasons };
}
