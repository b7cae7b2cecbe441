import { describe, expect, it } from 'vitest';
import { Refusal } from '../../domain/errors.js';
import type { Elder } from '../../domain/registry.js';
import { anElder } from '../support/fixtures.js';
import { planVisit } from '../../domain/visit.js';

const now = new Date('2026-11-29T02:00:00Z'); // 10:00 in the city
const elder: Elder = anElder();
const request = { elderId: 'eld-1', serviceCode: 'bathing' as const, earliestStart: '2026-11-30T09:00:00+08:00', latestStart: '2026-11-30T10:00:00+08:00' };

const refusalOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof Refusal) return { status: error.status, code: error.code, field: error.field };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('planVisit', () => {
  it('plans a visit in city time with the service defaults', () => {
    const visit = planVisit({ request: { ...request, earliestStart: '2026-11-30T01:00:00Z', latestStart: '2026-11-30T02:00:00Z' }, centerId: 'ctr-1', elder, id: 'v1', now });
    expect(visit).toMatchObject({
      id: 'v1', status: 'REQUESTED', wave: 0, durationMin: 60, urgency: 'routine', assignment: null,
      earliestStart: '2026-11-30T09:00:00+08:00', latestStart: '2026-11-30T10:00:00+08:00', createdAt: '2026-11-29T10:00:00+08:00',
    });
  });

  it('makes emergency visits urgent unless told otherwise', () => {
    expect(planVisit({ request: { ...request, serviceCode: 'emergency' }, centerId: 'ctr-1', elder, id: 'v', now }).urgency).toBe('urgent');
  });

  it.each([
    ['an elder of another centre', { centerId: 'ctr-2' }, {}, { status: 404, code: 'ELDER_NOT_FOUND', field: 'elderId' }],
    ['an elder who moved away', { elder: { ...elder, status: 'moved' as const } }, {}, { status: 422, code: 'ELDER_NOT_ACTIVE', field: 'elderId' }],
    ['a window that has passed', {}, { earliestStart: '2026-11-28T09:00:00+08:00', latestStart: '2026-11-28T10:00:00+08:00' }, { status: 400, code: 'WINDOW_IN_PAST', field: 'latestStart' }],
    ['a reversed window', {}, { earliestStart: '2026-11-30T11:00:00+08:00' }, { status: 400, code: 'WINDOW_REVERSED', field: 'latestStart' }],
    ['a window over a day wide', {}, { latestStart: '2026-12-02T10:00:00+08:00' }, { status: 400, code: 'WINDOW_TOO_WIDE', field: 'latestStart' }],
    ['a visit too far ahead', {}, { earliestStart: '2027-06-01T09:00:00+08:00', latestStart: '2027-06-01T10:00:00+08:00' }, { status: 400, code: 'WINDOW_TOO_FAR', field: 'earliestStart' }],
  ])('refuses %s', (_name, ctx, change, expected) => {
    expect(refusalOf(() => planVisit({ request: { ...request, ...change }, centerId: 'ctr-1', elder, id: 'v', now, ...ctx }))).toEqual(expected);
  });
});
