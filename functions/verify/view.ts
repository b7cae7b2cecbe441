import { certificateNames } from '../../domain/catalog.js';
import { type Caregiver, type Certificate, type Enterprise, canReceiveWork, maskName } from '../../domain/registry.js';
import type { VerifyView } from '../views.js';
import { positiveRate } from '../../domain/credit.js';

export type Validity = 'valid' | 'expired' | 'notYetValid';

/**
 * The one-word verdict of a scan. `valid` is the only good answer; every
 * other value names what a household should worry about.
 */
export type VerifyStatus =
  | 'valid'
  // companies
  | 'notLicensed'
  | 'licenceExpired'
  | 'suspended'
  | 'revoked'
  // caregivers (besides `suspended`)
  | 'inactive'
  | 'noCertificate'
  | 'certificatesExpired'
  | 'enterpriseNotAuthorised';

/** Dates are ISO `YYYY-MM-DD`, so string order is date order. */
export function validityOn(range: { validFrom?: string | undefined; validUntil: string }, today: string): Validity {
  if (range.validFrom && range.validFrom > today) return 'notYetValid';
  return range.validUntil >= today ? 'valid' : 'expired';
}

export function enterpriseStatus(enterprise: Pick<Enterprise, 'status' | 'licenceValidUntil'>, today: string): VerifyStatus {
  if (enterprise.status === 'revoked') return 'revoked';
  if (enterprise.status === 'suspended') return 'suspended';
  if (enterprise.status === 'registered') return 'notLicensed';
  return canReceiveWork(enterprise, today) ? 'valid' : 'licenceExpired';
}

/**
 * The caregiver's own standing first (a suspension outweighs everything),
 * then the employer (no licensed company, no legal work), then the papers.
 */
export function caregiverStatus(caregiver: Caregiver, enterprise: Enterprise | undefined, today: string): VerifyStatus {
  if (caregiver.status === 'suspended') return 'suspended';
  if (caregiver.status === 'inactive') return 'inactive';
  if (!enterprise || !canReceiveWork(enterprise, today)) return 'enterpriseNotAuthorised';
  if (caregiver.certificates.length === 0) return 'noCertificate';
  if (!caregiver.certificates.some((c) => validityOn(c, today) === 'valid')) return 'certificatesExpired';
  return 'valid';
}

type RatingSummary = VerifyView['ratingSummary'];
/** What the archive knows: counts and tier, or nothing yet. */
export const ratingSummary = (credit: { ratings: number; positive: number; tier: RatingSummary['tier'] } | undefined): RatingSummary =>
  credit ? { count: credit.ratings, positiveRate: positiveRate(credit), tier: credit.tier } : { count: 0, positiveRate: null, tier: null };

/** A company's name, licence and status are public record. */
export function enterpriseView(enterprise: Enterprise, today: string, rating: RatingSummary): VerifyView {
  return {
    kind: 'enterprise',
    code: enterprise.code,
    maskedName: enterprise.name,
    status: enterpriseStatus(enterprise, today),
    licence: {
      number: enterprise.licenceNumber,
      validUntil: enterprise.licenceValidUntil,
      // By its dates alone; whether the bureau let it stand is `status`.
      validity: validityOn({ validUntil: enterprise.licenceValidUntil }, today),
    },
    ratingSummary: rating,
  };
}

const certificateView = (certificate: Certificate, today: string) => ({
  type: certificate.type,
  nameZh: certificateNames[certificate.type].zh,
  nameEn: certificateNames[certificate.type].en,
  ...(certificate.level !== undefined ? { level: certificate.level } : {}),
  validUntil: certificate.validUntil,
  validity: validityOn(certificate, today),
});

/**
 * Built field by field, never by spreading the caregiver: the stored record
 * holds a phone, a masked resident ID, a birth date and a home location, and
 * none of them may reach a stranger who scans the card.
 */
export function caregiverView(caregiver: Caregiver, enterprise: Enterprise | undefined, today: string): VerifyView {
  return {
    kind: 'caregiver',
    code: caregiver.code,
    maskedName: maskName(caregiver.name),
    status: caregiverStatus(caregiver, enterprise, today),
    certificates: caregiver.certificates.map((c) => certificateView(c, today)),
    ...(enterprise ? { enterprise: { name: enterprise.name, code: enterprise.code, status: enterprise.status } } : {}),
    ratingSummary: ratingSummary(caregiver.credit),
  };
}
