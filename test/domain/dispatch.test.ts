import { describe, expect, it } from 'vitest';
import { describeExclusions, selectCandidates, waveSize } from '../../domain/dispatch.js';
import { circleRadiusKm, distanceKm, travelMinutes } from '../../domain/geo.js';
import type { Caregiver, Enterprise } from '../../domain/registry.js';
import { aCaregiver, anEnterprise } from '../support/fixtures.js';

const elderLocation = { lat: 39.673, lon: 106.812 };
const licensed: Enterprise = anEnterprise({ services: ['bathing', 'cleaning'] });
const caregiver = (id: string, dLat: number, certificates: Caregiver['certificates'] = [{ type: 'elderCare', number: 'x', validUntil: '2029-01-01' }]): Caregiver =>
  aCaregiver({ id, location: { lat: elderLocation.lat + dLat, lon: elderLocation.lon }, certificates });
const visit = { serviceCode: 'bathing' as const, latestStart: '2026-11-30T10:00:00+08:00' };

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
    const { ranked } = selectCandidates({ visit, elderLocation, pool, alreadyOffered: new Set() });
    expect(ranked.map((c) => c.caregiverId)).toEqual(['cg-c', 'cg-a', 'cg-b']);
  });

  it('counts why each caregiver was left out', () => {
    const pool = [
      { caregiver: caregiver('far', 0.05), enterprise: licensed },
      { caregiver: caregiver('nocert', 0.001, [{ type: 'domestic', number: 'x', validUntil: '2029-01-01' }]), enterprise: licensed },
      { caregiver: caregiver('expired', 0.001, [{ type: 'elderCare', number: 'x', validUntil: '2026-11-29' }]), enterprise: licensed },
      { caregiver: caregiver('suspended', 0.001), enterprise: { ...licensed, status: 'suspended' as const } },
      { caregiver: caregiver('lapsed', 0.001), enterprise: { ...licensed, licenceValidUntil: '2026-11-01' } },
      { caregiver: caregiver('noservice', 0.001), enterprise: { ...licensed, services: ['cleaning' as const] } },
      { caregiver: { ...caregiver('inactive', 0.001), status: 'inactive' as const }, enterprise: licensed },
      { caregiver: caregiver('asked', 0.001), enterprise: licensed },
      { caregiver: caregiver('orphan', 0.001), enterprise: undefined },
    ];
    const { ranked, excluded } = selectCandidates({ visit, elderLocation, pool, alreadyOffered: new Set(['asked']) });
    expect(ranked).toEqual([]);
    expect(excluded).toEqual({
      outsideCircle: 1, noQualifyingCertificate: 2, enterpriseNotLicensed: 2, licenceExpired: 1, serviceNotOffered: 1, caregiverInactive: 1, alreadyOffered: 1,
    });
    expect(describeExclusions(excluded)).toContain('1 outside the 15-minute circle');
    expect(describeExclusions({})).toBe('no caregiver registered near the elder');
  });

  it('asks any active caregiver for services that need no certificate', () => {
    const pool = [{ caregiver: caregiver('plain', 0.001, []), enterprise: licensed }];
    expect(selectCandidates({ visit: { ...visit, serviceCode: 'cleaning' }, elderLocation, pool, alreadyOffered: new Set() }).ranked).toHaveLength(1);
  });

  it('offers urgent visits to more caregivers at once', () => {
    expect(waveSize('urgent')).toBeGreaterThan(waveSize('routine'));
  });
});
