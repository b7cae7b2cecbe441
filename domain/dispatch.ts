import { findService } from './catalog.js';
import { type Location, type TravelModel, defaultTravelModel, travelMinutes } from './geo.js';
import type { Caregiver, Enterprise } from './registry.js';
import { cityDate } from './time.js';
import type { Urgency, Visit } from './visit.js';

export interface Candidate {
  caregiverId: string;
  enterpriseId: string;
  travelMinutes: number;
}

/** Why a caregiver near the elder was not offered the visit. */
export const ExclusionReason = {
  alreadyOffered: 'already offered this visit',
  enterpriseNotLicensed: 'employer not licensed',
  licenceExpired: 'employer licence expired',
  serviceNotOffered: 'employer does not offer the service',
  caregiverInactive: 'caregiver not active',
  noQualifyingCertificate: 'without a valid qualifying certificate',
  outsideCircle: 'outside the 15-minute circle',
} as const;
export type ExclusionReason = keyof typeof ExclusionReason;

export interface Selection {
  ranked: Candidate[];
  excluded: Partial<Record<ExclusionReason, number>>;
}

/**
 * The first, simple dispatch rule: a caregiver qualifies when the employer is
 * licensed (licence valid on the visit date) and offers the service, the
 * caregiver is active, holds a qualifying certificate valid on the visit date
 * and lives inside the travel circle. Nearest first; ties by id, so the same
 * input always gives the same offers.
 */
export function selectCandidates(input: {
  visit: Pick<Visit, 'serviceCode' | 'latestStart'>;
  elderLocation: Location;
  pool: ReadonlyArray<{ caregiver: Caregiver; enterprise: Enterprise | undefined }>;
  alreadyOffered: ReadonlySet<string>;
  model?: TravelModel;
}): Selection {
  const model = input.model ?? defaultTravelModel;
  const service = findService(input.visit.serviceCode);
  if (!service) throw new Error(`unknown service ${input.visit.serviceCode}`);
  const visitDate = cityDate(new Date(input.visit.latestStart));
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  const exclude = (reason: ExclusionReason) => {
    excluded[reason] = (excluded[reason] ?? 0) + 1;
  };
  const ranked: Candidate[] = [];
  for (const { caregiver, enterprise } of input.pool) {
    if (input.alreadyOffered.has(caregiver.id)) { exclude('alreadyOffered'); continue; }
    if (!enterprise || enterprise.status !== 'licensed') { exclude('enterpriseNotLicensed'); continue; }
    if (enterprise.licenceValidUntil < visitDate) { exclude('licenceExpired'); continue; }
    if (!enterprise.services.includes(service.code)) { exclude('serviceNotOffered'); continue; }
    if (caregiver.status !== 'active') { exclude('caregiverInactive'); continue; }
    const qualified = service.qualifyingCertificates.length === 0 || caregiver.certificates.some(
      (c) => service.qualifyingCertificates.includes(c.type) && c.validUntil >= visitDate,
    );
    if (!qualified) { exclude('noQualifyingCertificate'); continue; }
    const minutes = travelMinutes(caregiver.location, input.elderLocation, model);
    if (minutes > model.circleMinutes) { exclude('outsideCircle'); continue; }
    ranked.push({ caregiverId: caregiver.id, enterpriseId: enterprise.id, travelMinutes: Math.round(minutes * 10) / 10 });
  }
  ranked.sort((a, b) => a.travelMinutes - b.travelMinutes || a.caregiverId.localeCompare(b.caregiverId));
  return { ranked, excluded };
}

/** How many caregivers one wave offers the visit to at once. */
export const waveSize = (urgency: Urgency) => (urgency === 'urgent' ? 5 : 3);

/** "3 outside the 15-minute circle, 1 without a valid qualifying certificate" */
export function describeExclusions(excluded: Selection['excluded']): string {
  const parts = (Object.keys(ExclusionReason) as ExclusionReason[])
    .filter((reason) => (excluded[reason] ?? 0) > 0)
    .map((reason) => `${excluded[reason]} ${ExclusionReason[reason]}`);
  return parts.length ? parts.join(', ') : 'no caregiver registered near the elder';
}
