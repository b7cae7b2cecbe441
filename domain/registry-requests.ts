import * as z from 'zod';
import { ServiceCode } from './catalog.js';
import { MOBILE_PATTERN, checkCreditCode, checkResidentId, maskResidentId } from './codes.js';
import { LocationInput, fromInput } from './crs.js';
import { inCity } from './city.js';
import { Refusal, badRequest, conflict } from './errors.js';
import type { Location } from './geo.js';
import {
  AvailabilitySlot,
  CareLevel,
  type Caregiver,
  CaregiverStatus,
  CertificateSchema,
  ConsentSchema,
  ContactSchema,
  type Elder,
  ElderStatus,
  type Enterprise,
  type EnterpriseStatus,
  EnterpriseAuditSchema,
  EnterpriseSchema,
  Gender,
  Id,
  Language,
  PreferencesSchema,
  TrainingRecordSchema,
  defaultAvailability,
} from './registry.js';
import { cityDate, toCityTime } from './time.js';

const Mobile = z.string().regex(MOBILE_PATTERN, 'must be an 11-digit mainland mobile number');
const IsoDate = z.iso.date();

// ---------------------------------------------------------------- companies

export const SiteInput = z.strictObject({ name: z.string().trim().min(1).max(100), lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), crs: LocationInput.shape.crs });

export const CreateEnterpriseRequest = z.strictObject({
  name: z.string().trim().min(2).max(100),
  creditCode: z.string().trim().max(18 * 2),
  licenceNumber: z.string().trim().min(1).max(40),
  licenceValidUntil: IsoDate,
  services: z.array(ServiceCode).min(1).max(20),
  sites: z.array(SiteInput).min(1).max(50),
  dispatcherPhone: Mobile.optional(),
});
export type CreateEnterpriseRequest = z.infer<typeof CreateEnterpriseRequest>;

export const UpdateEnterpriseRequest = CreateEnterpriseRequest.omit({ creditCode: true }).partial();
export type UpdateEnterpriseRequest = z.infer<typeof UpdateEnterpriseRequest>;

export const StatusChangeRequest = z.strictObject({ reason: z.string().trim().min(2).max(500) });

export const CreatedEnterprise = EnterpriseSchema.pick({ id: true, code: true, status: true });
export const EnterpriseView = EnterpriseSchema.extend({ history: z.array(EnterpriseAuditSchema) });
export const EnterpriseListItem = EnterpriseSchema.pick({ id: true, code: true, name: true, creditCode: true, status: true, licenceValidUntil: true, services: true });

/** Refuses a location outside the city, naming the field it came from. */
export function assertInCity(location: Location, field: string): Location {
  if (!inCity(location)) throw badRequest('OUTSIDE_CITY', `${field}: this location is not in Wuhai (check lat/lon order and coordinate system)`, field);
  return location;
}

/** Caregivers must be of working age (16, Labour Law of the PRC art. 15). */
export const MIN_CAREGIVER_AGE = 16;

export function planEnterprise(request: CreateEnterpriseRequest, ctx: { id: string; code: string; now: Date }): Enterprise {
  const credit = checkCreditCode(request.creditCode);
  if (!credit.ok) throw badRequest('INVALID_CREDIT_CODE', `creditCode: ${credit.reason}`, 'creditCode');
  request.sites.forEach((s, i) => assertInCity(fromInput(s), `sites.${i}`));
  return {
    id: ctx.id,
    code: ctx.code,
    name: request.name,
    creditCode: credit.value,
    licenceNumber: request.licenceNumber,
    licenceValidUntil: request.licenceValidUntil,
    status: 'registered',
    services: [...new Set(request.services)],
    sites: request.sites.map((s) => ({ name: s.name, location: fromInput(s) })),
    ...(request.dispatcherPhone ? { dispatcherPhone: request.dispatcherPhone } : {}),
    createdAt: toCityTime(ctx.now),
  };
}

export const EnterpriseTransition = z.enum(['licence', 'suspend', 'reinstate', 'revoke']);
export type EnterpriseTransition = z.infer<typeof EnterpriseTransition>;

const transitions: Record<EnterpriseTransition, { from: readonly EnterpriseStatus[]; to: EnterpriseStatus; action: 'licensed' | 'suspended' | 'reinstated' | 'revoked' }> = {
  licence: { from: ['registered'], to: 'licensed', action: 'licensed' },
  suspend: { from: ['licensed'], to: 'suspended', action: 'suspended' },
  reinstate: { from: ['suspended'], to: 'licensed', action: 'reinstated' },
  revoke: { from: ['registered', 'licensed', 'suspended'], to: 'revoked', action: 'revoked' },
};

/** The bureau's decisions on a company; a licence must be valid today to be granted or reinstated. */
export function transitionEnterprise(enterprise: Enterprise, transition: EnterpriseTransition, now: Date) {
  const rule = transitions[transition];
  if (!rule.from.includes(enterprise.status)) {
    throw conflict('INVALID_TRANSITION', `a ${enterprise.status} company cannot be ${rule.action}`, 'status');
  }
  if (rule.to === 'licensed' && enterprise.licenceValidUntil < cityDate(now)) {
    throw new Refusal(422, 'LICENCE_EXPIRED', `the licence expired on ${enterprise.licenceValidUntil}; renew it first`, 'licenceValidUntil');
  }
  return { from: enterprise.status, to: rule.to, action: rule.action };
}

// --------------------------------------------------------------- caregivers

export const CertificateInput = CertificateSchema.strict().refine((c) => !c.validFrom || c.validFrom <= c.validUntil, {
  message: 'validFrom must not be after validUntil',
  path: ['validFrom'],
});

export const CreateCaregiverRequest = z.strictObject({
  enterpriseId: Id,
  name: z.string().trim().min(2).max(50),
  phone: Mobile,
  residentId: z.string().trim().max(18 * 2),
  certificates: z.array(CertificateInput).max(20),
  home: LocationInput.strict(),
  gender: Gender.optional(),
  languages: z.array(Language).min(1).max(3).optional(),
  availability: z.array(AvailabilitySlot).max(21).optional(),
  maxVisitsPerDay: z.number().int().min(1).max(12).optional(),
  serviceCardNumber: z.string().trim().min(1).max(40).optional(),
  training: z.array(TrainingRecordSchema.strict()).max(50).optional(),
});
export type CreateCaregiverRequest = z.infer<typeof CreateCaregiverRequest>;

/** `enterpriseId` moves a caregiver to another employer: the bureau's decision, as the person keeps one card and one code. */
export const UpdateCaregiverRequest = CreateCaregiverRequest.omit({ residentId: true, serviceCardNumber: true })
  .extend({ status: CaregiverStatus })
  .partial();
export type UpdateCaregiverRequest = z.infer<typeof UpdateCaregiverRequest>;

export const CreatedCaregiver = z.object({ id: Id, code: z.string() });
/** What a company's list and the bureau show: no phone, no ID number. */
export const CaregiverListItem = z.object({ id: Id, code: z.string(), maskedName: z.string(), status: CaregiverStatus, certificates: z.array(CertificateSchema) });

export function planCaregiver(
  request: CreateCaregiverRequest,
  ctx: { id: string; code: string; now: Date},
): { caregiver: Caregiver; residentId: string } {
  const today = cityDate(ctx.now);
  const resident = checkResidentId(request.residentId, today);
  if (!resident.ok) throw badRequest('INVALID_RESIDENT_ID', `residentId: ${resident.reason}`, 'residentId');
  const sixteenth = `${Number(resident.value.birthDate.slice(0, 4)) + MIN_CAREGIVER_AGE}${resident.value.birthDate.slice(4)}`;
  if (sixteenth > today) throw badRequest('UNDER_AGE', `residentId: a caregiver must be at least ${MIN_CAREGIVER_AGE} years old`, 'residentId');
  const home = assertInCity(fromInput(request.home), 'home');
  return {
    residentId: resident.value.value,
    caregiver: {
      id: ctx.id,
      code: ctx.code,
      enterpriseId: request.enterpriseId,
      name: request.name,
      phone: request.phone,
      residentIdMasked: maskResidentId(resident.value.value),
      birthDate: resident.value.birthDate,
      gender: request.gender ?? resident.value.gender,
      languages: request.languages ?? ['mandarin'],
      serviceCardNumber: request.serviceCardNumber ?? `WH-${ctx.code}`,
      certificates: request.certificates,
      ...(request.training ? { training: request.training } : {}),
      availability: request.availability ?? defaultAvailability,
      maxVisitsPerDay: request.maxVisitsPerDay ?? 6,
      location: home,
      status: 'active',
      createdAt: toCityTime(ctx.now),
    },
  };
}

// ------------------------------------------------------------------- elders

export const CreateElderRequest = z.strictObject({
  name: z.string().trim().min(2).max(50),
  address: z.string().trim().min(4).max(200),
  location: LocationInput.strict(),
  careLevel: CareLevel,
  consent: ConsentSchema.strict(),
  communityId: Id.optional(),
  phone: Mobile.optional(),
  residentId: z.string().trim().max(18 * 2).optional(),
  gender: Gender.optional(),
  guardian: ContactSchema.extend({ phone: Mobile }).strict().optional(),
  familyContacts: z.array(ContactSchema.extend({ phone: Mobile }).strict()).max(10).optional(),
  notes: z.string().max(1000).optional(),
  preferences: PreferencesSchema.partial().strict().optional(),
});
export type CreateElderRequest = z.infer<typeof CreateElderRequest>;

export const UpdateElderRequest = CreateElderRequest.omit({ residentId: true, consent: true }).extend({ status: ElderStatus }).partial();
export type UpdateElderRequest = z.infer<typeof UpdateElderRequest>;

export const CreatedElder = z.object({ id: Id });

/** What a centre keeps about itself: its duty phone and its partner companies. */
export const UpdateCenterRequest = z.strictObject({
  dutyPhone: Mobile.optional(),
  partnerEnterpriseIds: z.array(Id).max(50).optional(),
});

/** An elder who moves is handed to the centre of their new home, with their record. */
export const TransferElderRequest = z.strictObject({ centerId: Id, reason: z.string().trim().min(2).max(500) });

export function planElder(
  request: CreateElderRequest,
  ctx: { id: string; centerId: string; streetId: string; communityId: string; now: Date},
): { elder: Elder; residentId: string | undefined } {
  let resident: ReturnType<typeof checkResidentId> | undefined;
  if (request.residentId !== undefined) {
    resident = checkResidentId(request.residentId, cityDate(ctx.now));
    if (!resident.ok) throw badRequest('INVALID_RESIDENT_ID', `residentId: ${resident.reason}`, 'residentId');
  }
  const prefs = request.preferences;
  const both = prefs?.preferredCaregivers?.find((id) => prefs.blockedCaregivers?.includes(id));
  if (both) throw badRequest('INVALID_FIELD', `preferences.blockedCaregivers: ${both} is also preferred`, 'preferences.blockedCaregivers');
  if (new Date(request.consent.givenAt) > ctx.now) {
    throw badRequest('INVALID_FIELD', 'consent.givenAt: consent cannot be given in the future', 'consent.givenAt');
  }
  const id = resident?.ok ? resident.value : undefined;
  return {
    residentId: id?.value,
    elder: {
      id: ctx.id,
      centerId: ctx.centerId,
      name: request.name,
      ...(request.phone ? { phone: request.phone } : {}),
      ...(id ? { residentIdMasked: maskResidentId(id.value), birthDate: id.birthDate } : {}),
      ...(request.gender || id ? { gender: request.gender ?? id!.gender } : {}),
      address: request.address,
      location: assertInCity(fromInput(request.location), 'location'),
      streetId: ctx.streetId,
      communityId: ctx.communityId,
      careLevel: request.careLevel,
      ...(request.guardian ? { guardian: request.guardian } : {}),
      familyContacts: request.familyContacts ?? [],
      status: 'active',
      ...(request.notes ? { notes: request.notes } : {}),
      preferences: PreferencesSchema.parse(request.preferences ?? {}),
      consent: { ...request.consent, givenAt: toCityTime(new Date(request.consent.givenAt)) },
      createdAt: toCityTime(ctx.now),
    },
  };
}
