import { describe, expect, it } from 'vitest';
import { checkCreditCode, checkResidentId, creditCodeCheckChar, maskResidentId, residentIdCheckChar } from '../../domain/codes.js';
import { toWgs84 } from '../../domain/crs.js';
import { distanceKm } from '../../domain/geo.js';

describe('GB 32100-2015 unified social credit code', () => {
  // Published example codes with correct check characters.
  it.each(['91350100M000100Y43', '91110000600037341L'])('accepts %s', (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true, value: code });
  });

  it('normalises case and spaces', () => {
    expect(checkCreditCode(' 91350100m000100y43 ')).toEqual({ ok: true, value: '91350100M000100Y43' });
  });

  it.each([
    ['91350100M000100Y44', /check character/],
    ['91350100M000100Y4', /18 characters/],
    ['9135010OM000100Y43', /characters/],
    ['91ABCDEFM000100Y43', /characters/],
  ])('refuses %s', (code, reason) => {
    const result = checkCreditCode(code);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('computes the check character', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });
});

describe('GB 11643-1999 resident ID number', () => {
  const today = '2026-11-29';
  it('accepts a valid number and reads birth date and gender', () => {
    // 11010519491231002X: the standard's own example (female).
    expect(checkResidentId('11010519491231002x', today)).toEqual({ ok: true, value: { value: '11010519491231002X', birthDate: '1949-12-31', gender: 'female' } });
    const male = `15030219800101001${residentIdCheckChar('15030219800101001')}`;
    expect(checkResidentId(male, today)).toMatchObject({ ok: true, value: { gender: 'male', birthDate: '1980-01-01' } });
  });

  it.each([
    ['110105194912310021', /check digit/],
    ['11010519491331002X', /birth date/],
    ['11010520991231002X', /birth date/],
    ['1101051949123100', /17 digits/],
    ['01010519491231002X', /17 digits/],
  ])('refuses %s', (id, reason) => {
    const result = checkResidentId(id, today);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('masks all but the province and the last two', () => {
    expect(maskResidentId('11010519491231002X')).toBe('11**************2X');
  });
});

describe('coordinate systems', () => {
  const wgs = { lat: 39.673, lon: 106.812 };
  it('leaves WGS-84 alone and moves GCJ-02 / BD-09 back by hundreds of metres', () => {
    expect(toWgs84(wgs)).toEqual(wgs);
    const fromGcj = toWgs84(wgs, 'gcj02');
    const fromBd = toWgs84(wgs, 'bd09');
    expect(distanceKm(wgs, fromGcj)).toBeGreaterThan(0.1);
    expect(distanceKm(wgs, fromGcj)).toBeLessThan(1);
    expect(distanceKm(wgs, fromBd)).toBeGreaterThan(distanceKm(wgs, fromGcj));
  });
});
