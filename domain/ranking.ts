import * as z from 'zod';
import type { Candidate, DaySchedule } from './dispatch.js';
import type { TravelModel } from './geo.js';
import { defaultTravelModel } from './geo.js';
import type { Caregiver, Elder } from './registry.js';
import { cityDate } from './time.js';
import { CREDIT_POLICY } from './credit.js';

/**
 * Weights of the explainable score. Travel weighs most (the 15-minute promise),
 * but a familiar face outweighs a few minutes more inside the circle; the
 * elder's own wishes come next; fairness spreads work.
 * Rating is the caregiver's Bayesian-smoothed stars from the credit archive
 * (domain/credit.ts); a caregiver nobody has rated yet sits at the prior, so
 * newcomers are neither favoured nor held back.
 */
export const RANKING_WEIGHTS = {
  travel: 0.3,
  continuity: 0.25,
  preferred: 0.1,
  language: 0.1,
  rating: 0.1,
  fairness: 0.1,
  /** The requesting centre's partner companies (agreements on price and quality). */
  partner: 0.05,
} as const;
export type ScoreComponent = keyof typeof RANKING_WEIGHTS;

export const ScoreSchema = z.object({
  total: z.number(),
  /** Each component in 0…1, before weighting. */
  // Partial: scores stored before a component existed still read.
  components: z.partialRecord(z.enum(Object.keys(RANKING_WEIGHTS) as [ScoreComponent, ...ScoreComponent[]]), z.number()),
});
export type Score = z.infer<typeof ScoreSchema>;

export type RankedCandidate = Candidate & { score: Score };

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Orders eligible candidates by their score, highest first; ties by travel
 * time, then id, so the same input always gives the same order.
 */
export function rankCandidates(input: {
  candidates: readonly Candidate[];
  caregivers: ReadonlyMap<string, Caregiver>;
  elder: Pick<Elder, 'preferences'>;
  /** How many visits each caregiver has served this elder. */
  servedBefore: ReadonlyMap<string, number>;
  /** Companies the requesting centre works with by agreement. */
  partners?: ReadonlySet<string>;
  schedules: ReadonlyMap<string, DaySchedule>;
  visitDate: string;
  model?: TravelModel;
}): RankedCandidate[] {
  const model = input.model ?? defaultTravelModel;
  const preferred = new Set(input.elder.preferences.preferredCaregivers);
  const wanted = input.elder.preferences.languages;
  const ranked = input.candidates.map((candidate): RankedCandidate => {
    const caregiver = input.caregivers.get(candidate.caregiverId);
    const today = (input.schedules.get(candidate.caregiverId)?.visits ?? []).filter((v) => cityDate(new Date(v.start)) === input.visitDate).length;
    const components: Record<ScoreComponent, number> = {
      travel: round(Math.max(0, 1 - candidate.travelMinutes / model.circleMinutes)),
      continuity: (input.servedBefore.get(candidate.caregiverId) ?? 0) > 0 ? 1 : 0,
      preferred: preferred.has(candidate.caregiverId) ? 1 : 0,
      // No wish is no reason to prefer anyone.
      language: wanted.length === 0 ? 0.5 : caregiver?.languages.some((l) => wanted.includes(l)) ? 1 : 0,
      rating: round(((caregiver?.credit?.smoothedStars ?? CREDIT_POLICY.priorMean) - 1) / 4),
      fairness: caregiver ? round(1 - today / caregiver.maxVisitsPerDay) : 0,
      partner: input.partners?.has(candidate.enterpriseId) ? 1 : 0,
    };
    const total = round((Object.keys(RANKING_WEIGHTS) as ScoreComponent[]).reduce((sum, k) => sum + RANKING_WEIGHTS[k] * components[k], 0));
    return { ...candidate, score: { total, components } };
  });
  return ranked.sort(
    (a, b) => b.score.total - a.score.total || a.travelMinutes - b.travelMinutes || a.caregiverId.localeCompare(b.caregiverId),
  );
}

/**
 * How likely a caregiver is to accept, before any history exists: people
 * accept near, light work more readily. The same shape drives the dispatch
 * simulation; measured acceptance rates replace it once evaluations and
 * offer statistics accumulate.
 */
export function acceptanceLikelihood(candidate: RankedCandidate): number {
  const nearness = candidate.score.components.travel ?? 0;
  const lightness = candidate.score.components.fairness ?? 1;
  return 0.3 + 0.3 * nearness + 0.2 * lightness;
}

/**
 * Bounds of a wave: a routine visit may ask one caregiver at a time (fewer
 * SMS, nobody disappointed); an urgent one never waits on a single answer
 * and never floods.
 */
const WAVE_BOUNDS = { routine: { min: 1, max: 4 }, urgent: { min: 3, max: 8 } } as const;
/** A routine visit aims for this chance that someone accepts before its window closes. */
const FILL_TARGET = 0.99;
/** An urgent visit wants its answer now: each wave on its own aims this high. */
const URGENT_WAVE_TARGET = 0.95;

/**
 * Offer to the fewest best candidates whose chance that at least one accepts
 * reaches the wave's target. For a routine visit that target follows from
 * the waves its window still allows: a visit requested the evening before
 * can ask one likely caregiver at a time, the last wave before the window
 * closes asks several. Urgent visits aim high in every wave and start larger.
 */
export function adaptiveWaveSize(ranked: readonly RankedCandidate[], urgency: 'routine' | 'urgent', wavesLeft = 1): number {
  const bounds = WAVE_BOUNDS[urgency];
  const target = urgency === 'urgent' ? URGENT_WAVE_TARGET : 1 - (1 - FILL_TARGET) ** (1 / Math.max(1, wavesLeft));
  let noneAccepts = 1;
  let k = 0;
  for (const candidate of ranked) {
    k++;
    noneAccepts *= 1 - acceptanceLikelihood(candidate);
    if (k >= bounds.min && 1 - noneAccepts >= target) break;
    if (k >= bounds.max) break;
  }
  return Math.min(ranked.length, Math.max(k, Math.min(bounds.min, ranked.length)));
}
