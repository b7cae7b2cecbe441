import { describe, expect, it } from 'vitest';
import { describeExclusions, earliestFeasibleStart, selectCandidates } from '../../domain/dispatch.js';
import { circleRadiusKm, distanceKm, travelMinutes } from '../../domain/geo.js';
import type { Caregiver, Enterprise } from '../../domain/registry.js';
import { aCaregiver, anElder, anEnterprise } from '../support/fixtures.js';

const elderLocation = { lat: 39.673, lon: 106.812 };
const elder = anElder({ location: elderLocation, gender: 'female' });
const licensed: Enterprise = anEnterprise({ services: ['bathing', 'cleaning'] });
const caregiver = (id: string, dLat: number, over: Partial<Caregiver> = {}): Caregiver =>
  aCaregiver({ id, location: { lat: elderLocation.lat + dLat, lon: elderLocation.lon }, ...over });
// Monday 30 November 2026, 09:00–10:00 city time, one hour of bathing.
const visit = { serviceCode: 'bathing' as const, earliestStart: '2026-11-30T09:00:00+08:00', latestStart: '2026-11-30T10:00:00+08:00', durationMin: 60 };
const select = (pool: Array<{ caregiver: Caregiver; enterprise: Enterprise | undefined }>, over: Partial<Parameters<typeof selectCandidates>[0]> = {}) =>
  selectCandidates({ visit, elder, pool, alreadyOffered: new Set(), ...over });

describe('travel model', () => {
  it('puts the 15-minute circle at about 2.3 km in a straight line', () => {
    expect(circleRadiusKm()).toBeCloseTo(2.31, 2);
    const edge = { lat: elderLocation.lat + circleRadiusKm() / 111.2, lon: elderLocation.lon };
    expect(travelMinutes(elderLocation, edge)).toBeCloseTo(15, 0);
    expect(distanceKm(elderLocation, elderLocation)).toBe(0);
  });
});

describe('selectCandidates', () => {
  it('ranks qualified caregivers inside the circle nearest first, ties by id', () => {
    const pool = [caregiver('cg-b', 0.005), caregiver('cg-a', 0.005), caregiver('cg-c', 0.001)].map((c) => ({ caregiver: c, enterprise: licensed }));
    const { ranked } = select(pool);
    expect(ranked.map((c) => c.caregiverId)).toEqual(['cg-c', 'cg-a', 'cg-b']);
    expect(ranked[0]!.earliestFeasibleStart).toBe('2026-11-30T01:00:00.000Z');
  });

  it('counts why each caregiver was left out, one rule each', () => {
    const noCert = [{ type: 'domestic' as const, number: 'x', validUntil: '2029-01-01' }];
    const expired = [{ type: 'elderCare' as const, number: 'x', validUntil: '2026-11-29' }];
    const notYet = [{ type: 'elderCare' as const, number: 'x', validFrom: '2026-12-01', validUntil: '2029-01-01' }];
    const pool = [
      { caregiver: caregiver('far', 0.05), enterprise: licensed },
      { caregiver: caregiver('nocert', 0.001, { certificates: noCert }), enterprise: licensed },
      { caregiver: caregiver('expired', 0.001, { certificates: expired }), enterprise: licensed },
      { caregiver: caregiver('notyet', 0.001, { certificates: notYet }), enterprise: licensed },
      { caregiver: caregiver('suspended', 0.001), enterprise: { ...licensed, status: 'suspended' as const } },
      { caregiver: caregiver('lapsed', 0.001), enterprise: { ...licensed, licenceValidUntil: '2026-11-01' } },
      { caregiver: caregiver('noservice', 0.001), enterprise: { ...licensed, services: ['cleaning' as const] } },
      { caregiver: caregiver('inactive', 0.001, { status: 'inactive' }), enterprise: licensed },
      { caregiver: caregiver('asked', 0.001), enterprise: licensed },
      { caregiver: caregiver('orphan', 0.001), enterprise: undefined },
    ];
    const { ranked, excluded } = select(pool, { alreadyOffered: new Set(['asked']) });
    expect(ranked).toEqual([]);
    expect(excluded).toEqual({
      outsideCircle: 1, noQualifyingCertificate: 3, enterpriseNotLicensed: 2, licenceExpired: 1, serviceNotOffered: 1, caregiverInactive: 1, alreadyOffered: 1,
    });
    expect(describeExclusions(excluded)).toContain('1 outside the 15-minute circle');
    expect(describeExclusions({})).toBe('no caregiver registered near the elder');
  });

  it('honours the elder: blocked caregivers, and same-gender intimate care when asked', () => {
    const pool = [caregiver('blocked', 0.001), caregiver('man', 0.001, { gender: 'male' }), caregiver('woman', 0.002)].map((c) => ({ caregiver: c, enterprise: licensed }));
    const asking = { ...elder, preferences: { ...elder.preferences, blockedCaregivers: ['blocked'], sameGenderBathing: true } };
    const bathing = select(pool, { elder: asking });
    expect(bathing.ranked.map((c) => c.caregiverId)).toEqual(['woman']);
    expect(bathing.excluded).toEqual({ blockedByElder: 1, genderPreference: 1 });
    // Cleaning is not intimate care: the man may go.
    const cleaning = select(pool, { elder: asking, visit: { ...visit, serviceCode: 'cleaning' } });
    expect(cleaning.ranked.map((c) => c.caregiverId)).toEqual(['man', 'woman']);
  });

  it('respects working hours, the daily cap and accepted visits with travel between them', () => {
    const nights = caregiver('nights', 0.001, { availability: [{ day: 1, from: '18:00', to: '23:00' }] });
    const sunday = caregiver('sunday', 0.001, { availability: [{ day: 7, from: '08:00', to: '18:00' }] });
    const capped = caregiver('capped', 0.001, { maxVisitsPerDay: 1 });
    const busy = caregiver('busy', 0.001);
    const later = caregiver('later', 0.001);
    const far = { lat: elderLocation.lat + 0.018, lon: elderLocation.lon }; // 2 km: ≈ 13 minutes away
    const schedules = new Map([
      ['capped', { date: '2026-11-30', visits: [{ visitId: 'v0', start: '2026-11-30T06:00:00.000Z', end: '2026-11-30T07:00:00.000Z', location: far }] }],
      // 08:00–11:00: no start in 09:00–10:00 leaves room.
      ['busy', { date: '2026-11-30', visits: [{ visitId: 'v1', start: '2026-11-30T00:00:00.000Z', end: '2026-11-30T03:00:00.000Z', location: far }] }],
      // 07:30–08:50 two kilometres away: free from about 09:03.
      ['later', { date: '2026-11-30', visits: [{ visitId: 'v2', start: '2026-11-29T23:30:00.000Z', end: '2026-11-30T00:50:00.000Z', location: far }] }],
    ]);
    const pool = [nights, sunday, capped, busy, later].map((c) => ({ caregiver: c, enterprise: licensed }));
    const { ranked, excluded } = select(pool, { schedules });
    expect(excluded).toEqual({ notAvailable: 2, dailyCapReached: 1, scheduleConflict: 1 });
    expect(ranked.map((c) => c.caregiverId)).toEqual(['later']);
    const start = Date.parse(ranked[0]!.earliestFeasibleStart);
    expect(start).toBeGreaterThan(Date.parse('2026-11-30T09:00:00+08:00'));
    expect(start).toBeLessThan(Date.parse('2026-11-30T09:10:00+08:00'));
  });

  it('asks any active caregiver for services that need no certificate', () => {
    const pool = [{ caregiver: caregiver('plain', 0.001, { certificates: [] }), enterprise: licensed }];
    expect(select(pool, { visit: { ...visit, serviceCode: 'cleaning' } }).ranked).toHaveLength(1);
  });

});

describe('earliestFeasibleStart', () => {
  const h = (hours: number) => Date.parse('2026-11-30T00:00:00Z') + hours * 3_600_000;
  it('finds the first start inside a shift and clear of visits', () => {
    const working: Array<[number, number]> = [[h(1), h(4)], [h(6), h(9)]];
    expect(earliestFeasibleStart({ earliest: h(0), latest: h(8), durationMs: 3_600_000, working, busy: [] }).start).toBe(h(1));
    const busy = [{ start: h(1), end: h(3.5), travelToMs: 0, travelFromMs: 0 }];
    expect(earliestFeasibleStart({ earliest: h(0), latest: h(8), durationMs: 3_600_000, working, busy }).start).toBe(h(6));
    expect(earliestFeasibleStart({ earliest: h(4.5), latest: h(5.5), durationMs: 3_600_000, working, busy: [] })).toEqual({ start: undefined, withinShift: false });
  });
});

describe('the second ring', () => {
  it('doubles the travel time and names its circle in the reasons', async () => {
    const { secondRing } = await import('../../domain/dispatch.js');
    const { geo } = await import('../../functions/shared/keys.js');
    expect(secondRing().circleMinutes).toBe(30);
    expect(describeExclusions({ outsideCircle: 2 }, secondRing())).toBe('2 outside the 30-minute circle');
    expect(geo.cellsAround(39.673, 106.812)).toHaveLength(9);
    expect(geo.cellsAround(39.673, 106.812, 2)).toHaveLength(25);
    // The 5 × 5 block reaches past the second ring's radius (≈ 4.6 km) on every side.
    expect(circleRadiusKm(secondRing())).toBeLessThan(2 * 3.8);
  });
});
