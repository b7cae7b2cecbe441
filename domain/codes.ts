/**
 * Official identifiers and their check characters. The algorithms are short
 * and normative, and the npm packages that implement them are little used
 * and unmaintained, so they live here with their tests.
 */

/** GB 32100-2015 unified social credit code: 31 characters, without I, O, S, V, Z. */
const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CREDIT_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The 18th character of a credit code, from its first 17. */
export function creditCodeCheckChar(first17: string): string {
  const sum = [...first17].reduce((acc, ch, i) => acc + CREDIT_CHARSET.indexOf(ch) * CREDIT_WEIGHTS[i]!, 0);
  return CREDIT_CHARSET[(31 - (sum % 31)) % 31]!;
}

export type CodeCheck = { ok: true; value: string } | { ok: false; reason: string };

export function checkCreditCode(input: string): CodeCheck {
  const value = input.trim().toUpperCase();
  if (value.length !== 18) return { ok: false, reason: 'a unified social credit code has 18 characters' };
  if (!CREDIT_PATTERN.test(value)) return { ok: false, reason: 'not a unified social credit code (GB 32100-2015 characters)' };
  if (creditCodeCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'the check character does not match (GB 32100-2015)' };
  return { ok: true, value };
}

/** GB 11643-1999 citizen identity number: 17 digits and an ISO 7064 MOD 11-2 check. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function residentIdCheckChar(first17: string): string {
  const sum = [...first17].reduce((acc, ch, i) => acc + Number(ch) * ID_WEIGHTS[i]!, 0);
  return ID_CHECK[sum % 11]!;
}

export interface ResidentId {
  value: string;
  birthDate: string;
  gender: 'female' | 'male';
}

/** Validates a resident ID; `today` (city date) refuses birth dates in the future. */
export function checkResidentId(input: string, today: string): { ok: true; value: ResidentId } | { ok: false; reason: string } {
  const value = input.trim().toUpperCase();
  if (!/^[1-9]\d{16}[\dX]$/.test(value)) return { ok: false, reason: 'a resident ID number has 17 digits and a check digit or X' };
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  const parsed = new Date(`${birthDate}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== birthDate || birthDate < '1900-01-01' || birthDate > today) {
    return { ok: false, reason: 'the birth date in the resident ID number is not a real date' };
  }
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'the check digit does not match (GB 11643-1999)' };
  return { ok: true, value: { value, birthDate, gender: Number(value[16]) % 2 === 1 ? 'male' : 'female' } };
}

/**
 * 15**************12: the province and the last two characters. With the
 * last four and the birth date, the check digit would give the rest away;
 * views that show this mask never show the full birth date.
 */
export const maskResidentId = (id: string) => `${id.slice(0, 2)}${'*'.repeat(14)}${id.slice(-2)}`;

/** Mainland mobile numbers: 11 digits starting 13–19. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
