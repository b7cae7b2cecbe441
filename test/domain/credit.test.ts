import { describe, expect, it } from 'vitest';
import { CREDIT_POLICY, NO_COUNTS, applyToCounts, creditScore, ledgerStep, nextStandingChange, positiveRate, recommendation, smoothedStars, standingOf } from '../../domain/credit.js';
import { EVALUATION_TAGS, EvaluationRequest, evaluationRefusal, makeEvaluation, reviseEvaluation } from '../../domain/evaluation.js';
import type { Caregiver, Enterprise } from '../../domain/registry.js';

const clean = { credentialsValid: true, trainingHours: 24 };

describe('creditScore', () => {
  it('starts a newcomer at the prior, with a clean record, and explains every point', () => {
    const score = creditScore('caregiver', NO_COUNTS, clean);
    expect(score.components).toEqual({
      rating: { points: 30, max: 40, smoothedStars: 4 },
      reliability: { points: 30, max: 30 },
      complaints: { points: 15, max: 15 },
      credentials: { points: 10, max: 10 },
      training: { points: 5, max: 5 },
    });
    expect(score.score).toBe(90);
    expect(score.tier).toBe('A');
    expect(Object.values(CREDIT_POLICY.max).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('smooths ratings: one five-star rating moves a newcomer a little, many move them a lot', () => {
    expect(smoothedStars({ ratings: 1, starsSum: 5 })).toBeCloseTo((5 * 4 + 5) / 6, 6);
    expect(smoothedStars({ ratings: 100, starsSum: 500 })).toBeGreaterThan(4.9);
    const oneBad = creditScore('caregiver', { ...NO_COUNTS, ratings: 1, starsSum: 1 }, clean);
    const manyBad = creditScore('caregiver', { ...NO_COUNTS, ratings: 50, starsSum: 50 }, clean);
    expect(oneBad.components.rating.points).toBeGreaterThan(20);
    expect(manyBad.components.rating.points).toBeLessThan(5);
  });

  it('weighs a no-show and an upheld complaint by the record around them', () => {
    const newcomer = creditScore('caregiver', { ...NO_COUNTS, noShows: 1 }, clean).components.reliability.points;
    const veteran = creditScore('caregiver', { ...NO_COUNTS, completed: 200, noShows: 1 }, clean).components.reliability.points;
    expect(newcomer).toBe(15);
    expect(veteran).toBeGreaterThan(29);
    expect(creditScore('caregiver', { ...NO_COUNTS, upheldComplaints: 1 }, clean).components.complaints.points).toBe(10);
    expect(creditScore('enterprise', { ...NO_COUNTS, completed: 1000, upheldComplaints: 1 }, clean).components.complaints.points).toBe(14.5);
    expect(creditScore('caregiver', { ...NO_COUNTS, upheldComplaints: 5 }, clean).components.complaints.points).toBe(0);
  });

  it('counts credentials and a year of training; a company’s licence stands for both', () => {
    expect(creditScore('caregiver', NO_COUNTS, { credentialsValid: false, trainingHours: 12 }).score).toBe(30 + 30 + 15 + 0 + 2.5);
    expect(creditScore('enterprise', NO_COUNTS, { credentialsValid: false, trainingHours: 0 }).score).toBe(75);
  });

  it('applies each cause to the counts, and a changed rating swaps its stars', () => {
    const rated = applyToCounts(NO_COUNTS, { cause: 'rating', stars: 5 });
    expect(rated).toMatchObject({ ratings: 1, starsSum: 5, positive: 1 });
    expect(applyToCounts(rated, { cause: 'ratingChanged', stars: 2, previousStars: 5 })).toMatchObject({ ratings: 1, starsSum: 2, positive: 0 });
    expect(applyToCounts(rated, { cause: 'noShow' }).noShows).toBe(1);
    expect(positiveRate({ ratings: 0, positive: 0 })).toBeNull();
    expect(positiveRate({ ratings: 20, positive: 19 })).toBe(0.95);
  });
});

describe('standingOf', () => {
  it('reads valid certificates and the last year of training on the day', () => {
    const caregiver = {
      certificates: [{ type: 'elderCare', number: 'X', validUntil: '2026-12-31' }],
      training: [
        { course: '失能照护', hours: 16, completedOn: '2026-03-01' },
        { course: '急救', hours: 8, completedOn: '2025-06-01' },
      ],
    } as unknown as Caregiver;
    expect(standingOf({ subject: 'caregiver', record: caregiver }, '2026-11-30')).toEqual({ credentialsValid: true, trainingHours: 16 });
    expect(standingOf({ subject: 'caregiver', record: caregiver }, '2027-01-02')).toEqual({ credentialsValid: false, trainingHours: 16 });
  });
});

describe('nextStandingChange', () => {
  it('finds the next day a certificate starts or lapses, or a course leaves the last year', () => {
    const caregiver = {
      certificates: [
        { type: 'elderCare', number: 'X', validUntil: '2026-12-31' },
        { type: 'nursing', number: 'Y', validFrom: '2026-12-10', validUntil: '2029-01-01' },
      ],
      training: [{ course: '急救', hours: 8, completedOn: '2026-01-05' }],
    } as unknown as Caregiver;
    expect(nextStandingChange({ subject: 'caregiver', record: caregiver }, '2026-11-30')).toBe('2026-12-10');
    expect(nextStandingChange({ subject: 'caregiver', record: caregiver }, '2026-12-10')).toBe('2027-01-01');
    expect(nextStandingChange({ subject: 'caregiver', record: caregiver }, '2027-01-01')).toBe('2027-01-05');
    const company = { status: 'licensed', licenceValidUntil: '2027-06-30' } as unknown as Enterprise;
    expect(nextStandingChange({ subject: 'enterprise', record: company }, '2026-11-30')).toBe('2027-07-01');
    expect(nextStandingChange({ subject: 'enterprise', record: undefined }, '2026-11-30')).toBeUndefined();
  });
});

describe('recommendation', () => {
  it('recommends only when every rule holds, and says which do not', () => {
    const counts = { ...NO_COUNTS, ratings: 40, positive: 39, starsSum: 195, completed: 60 };
    expect(recommendation({ score: 95, tier: 'A', counts, licensed: true }).recommended).toBe(true);
    const verdict = recommendation({ score: 95, tier: 'A', counts: { ...counts, upheldComplaints: 1 }, licensed: true });
    expect(verdict.recommended).toBe(false);
    expect(verdict.reasons.filter((r) => !r.met).map((r) => r.code)).toEqual(['complaints']);
    expect(recommendation({ score: 55, tier: 'D', counts, licensed: true }).flagged).toBe(true);
  });
});

describe('evaluations', () => {
  const completed = { status: 'COMPLETED' as const, verification: { checkOut: { at: '2026-12-01T11:00:00+08:00', method: 'gps' as const, flagged: false, note: 'ok', checklist: [], deviationMin: 0 } } };

  it('open at check-out and close a week later', () => {
    expect(evaluationRefusal({ status: 'IN_PROGRESS', verification: {} }, new Date('2026-12-01T10:00:00+08:00'))?.code).toBe('VISIT_NOT_COMPLETED');
    expect(evaluationRefusal(completed, new Date('2026-12-08T10:59:00+08:00'))).toBeUndefined();
    expect(evaluationRefusal(completed, new Date('2026-12-08T11:01:00+08:00'))?.code).toBe('EVALUATION_CLOSED');
  });

  it('take tags about what the party rates, and company stars only from the centre', () => {
    const request = EvaluationRequest.parse({ stars: '4', tags: 'welcoming' });
    expect(request).toEqual({ stars: 4, tags: ['welcoming'] });
    expect(makeEvaluation({ visitId: 'v', party: 'caregiver', by: 'caregiver:c', request, at: '2026-12-01T12:00:00+08:00' })).toMatchObject({ about: 'household', revision: 1 });
    expect(() => makeEvaluation({ visitId: 'v', party: 'center', by: 'center:x', request, at: '2026-12-01T12:00:00+08:00' })).toThrow(/not a tag about the caregiver/);
    expect(() => makeEvaluation({ visitId: 'v', party: 'enterprise', by: 'enterprise:e', request: { stars: 4, tags: [], enterpriseStars: 5 }, at: '2026-12-01T12:00:00+08:00' })).toThrow(/only the care centre/);
    expect(new Set(EVALUATION_TAGS.map((t) => t.code)).size).toBe(EVALUATION_TAGS.length);
  });

  it('may be changed by their party for 24 hours', () => {
    const first = makeEvaluation({ visitId: 'v', party: 'center', by: 'center:x', request: { stars: 5, tags: [] }, at: '2026-12-01T12:00:00+08:00' });
    const changed = reviseEvaluation(first, { stars: 3, tags: ['late'] }, new Date('2026-12-02T11:59:00+08:00'), '2026-12-02T11:59:00+08:00');
    expect(changed).toMatchObject({ stars: 3, revision: 2, submittedAt: first.submittedAt, updatedAt: '2026-12-02T11:59:00+08:00' });
    expect(() => reviseEvaluation(first, { stars: 3, tags: [] }, new Date('2026-12-02T12:01:00+08:00'), 'x')).toThrow(/24 hours/);
    expect(() => reviseEvaluation(undefined, { stars: 3, tags: [] }, new Date(), 'x')).toThrow(/not rated/);
  });
});

describe('ledgerStep', () => {
  it('explains every move: a standing entry first when the score had moved without an event, then the event’s', () => {
    const first = ledgerStep({ subject: 'caregiver', id: 'c', stored: undefined, standing: clean, change: { cause: 'visitCompleted' }, at: '2026-12-01T11:00:00+08:00', refs: { visitId: 'v1' } });
    expect(first.record).toMatchObject({ version: 1, score: 90, counts: { completed: 1 } });
    expect(first.entries).toEqual([{ at: '2026-12-01T11:00:00+08:00', delta: 0, score: 90, cause: 'visitCompleted', visitId: 'v1' }]);

    // The certificate lapsed before the next event: 10 points go as `standing`, then the no-show's own.
    const lapsed = { credentialsValid: false, trainingHours: 24 };
    const second = ledgerStep({ subject: 'caregiver', id: 'c', stored: first.record, standing: lapsed, change: { cause: 'noShow' }, at: '2026-12-02T09:15:00+08:00' });
    expect(second.entries.map((e) => e.cause)).toEqual(['standing', 'noShow']);
    expect(second.entries[0]!.delta).toBe(-10);
    expect(second.entries[1]!.delta).toBeCloseTo(second.record.score - 80, 6);
    expect(second.entries.at(-1)!.score).toBe(second.record.score);
    expect(second.record.version).toBe(2);
  });
});
