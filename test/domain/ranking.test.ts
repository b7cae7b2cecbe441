import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../domain/dispatch.js';
import { RANKING_WEIGHTS, adaptiveWaveSize, rankCandidates } from '../../domain/ranking.js';
import { aCaregiver, anElder } from '../support/fixtures.js';

const candidate = (caregiverId: string, travelMinutes: number): Candidate => ({ caregiverId, enterpriseId: 'ent-a', travelMinutes, earliestFeasibleStart: '2026-11-30T01:00:00.000Z' });
const caregivers = new Map(['near', 'far', 'twin', 'mongol'].map((id) => [id, aCaregiver({ id, languages: id === 'mongol' ? ['mandarin', 'mongolian'] : ['mandarin'] })]));
const rank = (over: Partial<Parameters<typeof rankCandidates>[0]> = {}) =>
  rankCandidates({
    candidates: [candidate('far', 12), candidate('near', 3), candidate('twin', 3), candidate('mongol', 8)],
    caregivers,
    elder: anElder(),
    servedBefore: new Map(),
    schedules: new Map(),
    visitDate: '2026-11-30',
    ...over,
  });

describe('rankCandidates', () => {
  it('weights add up to one, and nearer ranks higher; ties break by id', () => {
    expect(Object.values(RANKING_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(rank().map((c) => c.caregiverId)).toEqual(['near', 'twin', 'mongol', 'far']);
  });

  it('explains itself: each offer carries its components and total', () => {
    const [first] = rank();
    expect(first!.score.components).toEqual({ travel: 0.8, continuity: 0, preferred: 0, language: 0.5, rating: 0.75, fairness: 1, partner: 0 });
    expect(first!.score.total).toBeCloseTo(0.3 * 0.8 + 0.1 * 0.5 + 0.1 * 0.75 + 0.1, 3);
  });

  it('lifts the caregiver who served the elder before, the preferred one, and one who speaks the elder’s language', () => {
    expect(rank({ servedBefore: new Map([['far', 4]]) })[0]!.caregiverId).toBe('far');
    const preferring = anElder({ preferences: { preferredCaregivers: ['mongol'], blockedCaregivers: [], sameGenderBathing: false, languages: ['mongolian'] } });
    expect(rank({ elder: preferring })[0]!.caregiverId).toBe('mongol');
  });

  it('lifts a well-rated caregiver over an equal one, and holds back a poorly rated one; the unrated sit at the prior', () => {
    const rated = (smoothedStars: number) => ({ score: 90, tier: 'A' as const, smoothedStars, ratings: 30, positive: 28 });
    const withRatings = new Map(caregivers);
    withRatings.set('twin', aCaregiver({ id: 'twin', credit: rated(4.8) }));
    expect(rank({ caregivers: withRatings }).map((c) => c.caregiverId).slice(0, 2)).toEqual(['twin', 'near']);
    withRatings.set('twin', aCaregiver({ id: 'twin', credit: rated(2.5) }));
    const ranked = rank({ caregivers: withRatings });
    expect(ranked.map((c) => c.caregiverId).slice(0, 2)).toEqual(['near', 'twin']);
    expect(ranked.find((c) => c.caregiverId === 'twin')!.score.components.rating).toBe(0.375);
  });

  it('prefers the centre’s partner companies, all else equal', () => {
    const ranked = rankCandidates({
      candidates: [candidate('near', 3), { ...candidate('twin', 3), enterpriseId: 'ent-partner' }],
      caregivers, elder: anElder(), servedBefore: new Map(), schedules: new Map(), visitDate: '2026-11-30', partners: new Set(['ent-partner']),
    });
    expect(ranked.map((c) => c.caregiverId)).toEqual(['twin', 'near']);
  });

  it('spreads work: a caregiver with visits that day yields to an equal one without', () => {
    const busyDay = { date: '2026-11-30', visits: [1, 2, 3].map((n) => ({ visitId: `v${n}`, start: '2026-11-30T00:00:00.000Z', end: '2026-11-30T00:30:00.000Z', location: { lat: 39.67, lon: 106.81 } })) };
    expect(rank({ schedules: new Map([['near', busyDay]]) }).map((c) => c.caregiverId).slice(0, 2)).toEqual(['twin', 'near']);
  });
});

describe('adaptiveWaveSize', () => {
  const withScore = (id: string, travel: number, fairness = 1) => ({
    ...candidate(id, 15 * (1 - travel)),
    score: { total: 0, components: { travel, continuity: 0, preferred: 0, language: 0.5, rating: 0.5, fairness, partner: 0 } },
  });
  it('asks one at a time while the window allows many waves, more as it closes, and more still when urgent', () => {
    const likely = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => withScore(id, 0.95));
    const doubtful = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => withScore(id, 0.05, 0.1));
    expect(adaptiveWaveSize(likely, 'routine', 80)).toBe(1);
    expect(adaptiveWaveSize(doubtful, 'routine', 80)).toBe(1);
    expect(adaptiveWaveSize(likely, 'routine', 3)).toBe(1);
    expect(adaptiveWaveSize(doubtful, 'routine', 3)).toBe(4);
    expect(adaptiveWaveSize(likely, 'routine', 1)).toBe(3);
    expect(adaptiveWaveSize(likely, 'urgent', 80)).toBe(3);
    expect(adaptiveWaveSize(doubtful, 'urgent', 80)).toBe(6);
    expect(adaptiveWaveSize(likely.slice(0, 1), 'routine', 1)).toBe(1);
    expect(adaptiveWaveSize([], 'urgent')).toBe(0);
  });
});
