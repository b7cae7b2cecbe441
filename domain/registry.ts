import * as z from 'zod';
import { CertificateType, ServiceCode } from './catalog.js';
import { maskResidentId } from './codes.js';
import { LocationSchema } from './geo.js';
import { CreditSummarySchema } from './credit.js';

export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _');
/** Public verification code printed on cards and stickers (QR). */
export const PublicCode = z.string().regex(/^[A-Z0-9]{10}$/, 'must be 10 capital letters or digits');

const IsoDate = z.iso.date();
const At = z.iso.datetime({ offset: true });

export const CenterKind = z.enum(['hub', 'daycare', 'station', 'window']);
export const CenterSchema = z.object({
  id: Id,
  name: z.string(),
  kind: CenterKind,
  streetId: Id,
  communityId: Id.optional(),
  location: LocationSchema,
  /** A mobile the centre keeps on duty: told when a visit in its street finds nobody. */
  dutyPhone: z.string().optional(),
  /** Companies the centre works with by agreement: ranked a little higher for its visits. */
  partnerEnterpriseIds: z.array(Id).max(50).optional(),
});
export type Center = z.infer<typeof CenterSchema>;

export const Gender = z.enum(['female', 'male']);
export type Gender = z.infer<typeof Gender>;
/** Languages of care in Wuhai: Mandarin, Mongolian, the local dialect. */
export const Language = z.enum(['mandarin', 'mongolian', 'dialect']);
export type Language = z.infer<typeof Language>;

// ---------------------------------------------------------------- companies

export const EnterpriseStatus = z.enum(['registered', 'licensed', 'suspended', 'revoked']);
export type EnterpriseStatus = z.infer<typeof EnterpriseStatus>;

export const SiteSchema = z.object({ name: z.string().min(1).max(100), location: LocationSchema });

export const EnterpriseSchema = z.object({
  id: Id,
  code: PublicCode,
  name: z.string(),
  creditCode: z.string(),
  licenceNumber: z.string(),
  licenceValidUntil: IsoDate,
  status: EnterpriseStatus,
  services: z.array(ServiceCode),
  sites: z.array(SiteSchema),
  /** The company's dispatcher: told when a visit near its sites finds nobody. */
  dispatcherPhone: z.string().optional(),
  createdAt: At,
});
export type Enterprise = z.infer<typeof EnterpriseSchema>;

export const EnterpriseAction = z.enum(['registered', 'licensed', 'suspended', 'reinstated', 'revoked', 'updated']);
export const EnterpriseAuditSchema = z.object({
  at: At,
  action: EnterpriseAction,
  from: EnterpriseStatus.optional(),
  to: EnterpriseStatus,
  reason: z.string(),
  actor: z.string(),
  /** For updates: each changed field, before and after. */
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })).optional(),
});
export type EnterpriseAudit = z.infer<typeof EnterpriseAuditSchema>;

/** Only a licensed company with a licence valid on the day receives work. */
export const canReceiveWork = (enterprise: Pick<Enterprise, 'status' | 'licenceValidUntil'>, date: string) =>
  enterprise.status === 'licensed' && enterprise.licenceValidUntil >= date;

// --------------------------------------------------------------- caregivers

export const CertificateSchema = z.object({
  type: CertificateType,
  /** 养老护理员 levels: 1 初级 … 5 高级技师. */
  level: z.number().int().min(1).max(5).optional(),
  number: z.string().min(1).max(40),
  issuer: z.string().max(100).optional(),
  validFrom: IsoDate.optional(),
  validUntil: IsoDate,
});
export type Certificate = z.infer<typeof CertificateSchema>;

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
/** A weekly slot, ISO weekday 1 (Monday) to 7 (Sunday), city time. */
export const AvailabilitySlot = z.object({ day: z.number().int().min(1).max(7), from: Time, to: Time }).refine((s) => s.from < s.to, {
  message: 'from must be before to',
  path: ['to'],
});
export type AvailabilitySlot = z.infer<typeof AvailabilitySlot>;

export const defaultAvailability: AvailabilitySlot[] = [1, 2, 3, 4, 5, 6].map((day) => ({ day, from: '08:00', to: '18:00' }));

export const CaregiverStatus = z.enum(['active', 'inactive', 'suspended']);

/** A completed course (continuing training counts in the credit score). */
export const TrainingRecordSchema = z.object({
  course: z.string().trim().min(2).max(100),
  hours: z.number().min(0.5).max(500),
  completedOn: IsoDate,
  provider: z.string().trim().max(100).optional(),
});
export type TrainingRecord = z.infer<typeof TrainingRecordSchema>;

export const CaregiverSchema = z.object({
  id: Id,
  code: PublicCode,
  enterpriseId: Id,
  name: z.string(),
  phone: z.string(),
  /** The resident ID is never stored in full: only masked, and as a keyed hash for duplicates. */
  residentIdMasked: z.string(),
  birthDate: IsoDate,
  gender: Gender,
  languages: z.array(Language),
  serviceCardNumber: z.string(),
  certificates: z.array(CertificateSchema),
  availability: z.array(AvailabilitySlot),
  maxVisitsPerDay: z.number().int().min(1).max(12),
  location: LocationSchema,
  status: CaregiverStatus,
  createdAt: At,
  /** Reliability: visits accepted and then not checked in to in time (counted by dispatch). */
  noShows: z.number().int().min(0).optional(),
  training: z.array(TrainingRecordSchema).optional(),
  /** Kept by the credit archive from events: what dispatch ranking and the verify page read. */
  credit: CreditSummarySchema.optional(),
});
export type Caregiver = z.infer<typeof CaregiverSchema>;

// ------------------------------------------------------------------- elders

/** GB/T 42195-2022 levels of old people's ability: 能力完好 … 完全失能. */
export const CareLevel = z.enum(['intact', 'mild', 'moderate', 'severe', 'complete']);
export const careLevelNames: Record<z.infer<typeof CareLevel>, string> = {
  intact: '能力完好',
  mild: '轻度失能',
  moderate: '中度失能',
  severe: '重度失能',
  complete: '完全失能',
};

export const ContactSchema = z.object({
  name: z.string().min(1).max(50),
  relation: z.string().min(1).max(20),
  phone: z.string(),
  /** Opted in to an SMS when the caregiver checks in and out. */
  visitUpdates: z.boolean().optional(),
});

/** PIPL: health and location data are sensitive; processing them needs recorded consent. */
export const ConsentSchema = z.object({
  givenBy: z.string().min(1).max(50),
  givenAt: At,
  purposes: z.array(z.string().min(1).max(100)).min(1),
});

export const PreferencesSchema = z.object({
  preferredCaregivers: z.array(Id).max(20).default([]),
  blockedCaregivers: z.array(Id).max(50).default([]),
  sameGenderBathing: z.boolean().default(false),
  languages: z.array(Language).default([]),
});

export const ElderStatus = z.enum(['active', 'moved', 'deceased']);

export const ElderSchema = z.object({
  id: Id,
  centerId: Id,
  name: z.string(),
  phone: z.string().optional(),
  residentIdMasked: z.string().optional(),
  gender: Gender.optional(),
  birthDate: IsoDate.optional(),
  address: z.string(),
  location: LocationSchema,
  streetId: Id,
  communityId: Id,
  careLevel: CareLevel,
  guardian: ContactSchema.optional(),
  familyContacts: z.array(ContactSchema),
  status: ElderStatus,
  notes: z.string().optional(),
  preferences: PreferencesSchema,
  consent: ConsentSchema,
  createdAt: At,
  /** The code on the elder's door card: proves a caregiver's presence when GPS fails. Made when the centre first prints the card. */
  doorCode: z.string().optional(),
});
export type Elder = z.infer<typeof ElderSchema>;

// ------------------------------------------------------------------ masking

/** 138****5678: enough to recognise a number, not to dial it. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** 张*华 / 张* : first and last character kept. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** What anyone but the registering centre sees of an elder: no name, phone, ID, address or contacts. */
export const MaskedElderSchema = ElderSchema.pick({ id: true, centerId: true, streetId: true, communityId: true, careLevel: true, status: true }).extend({
  maskedName: z.string(),
  maskedPhone: z.string().optional(),
});
export type MaskedElder = z.infer<typeof MaskedElderSchema>;

export function maskElder(elder: Elder): MaskedElder {
  return {
    id: elder.id,
    centerId: elder.centerId,
    streetId: elder.streetId,
    communityId: elder.communityId,
    careLevel: elder.careLevel,
    status: elder.status,
    maskedName: maskName(elder.name),
    ...(elder.phone ? { maskedPhone: maskPhone(elder.phone) } : {}),
  };
}

export { maskResidentId };
