import * as z from 'zod';
import { CertificateType, ServiceCode } from './catalog.js';
import { LocationSchema } from './geo.js';

export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _');

export const CenterKind = z.enum(['hub', 'daycare', 'station', 'window']);
export const CenterSchema = z.object({
  id: Id,
  name: z.string(),
  kind: CenterKind,
  streetId: Id,
  communityId: Id.optional(),
  location: LocationSchema,
});
export type Center = z.infer<typeof CenterSchema>;

export const ElderSchema = z.object({
  id: Id,
  centerId: Id,
  name: z.string(),
  phone: z.string(),
  address: z.string(),
  location: LocationSchema,
  communityId: Id.optional(),
  status: z.enum(['active', 'moved', 'deceased']),
});
export type Elder = z.infer<typeof ElderSchema>;

export const EnterpriseSchema = z.object({
  id: Id,
  name: z.string(),
  status: z.enum(['registered', 'licensed', 'suspended', 'revoked']),
  licenceNumber: z.string(),
  licenceValidUntil: z.iso.date(),
  services: z.array(ServiceCode),
});
export type Enterprise = z.infer<typeof EnterpriseSchema>;

export const CertificateSchema = z.object({
  type: CertificateType,
  level: z.number().int().min(1).max(5).optional(),
  number: z.string(),
  validUntil: z.iso.date(),
});
export type Certificate = z.infer<typeof CertificateSchema>;

export const CaregiverSchema = z.object({
  id: Id,
  enterpriseId: Id,
  name: z.string(),
  phone: z.string(),
  status: z.enum(['active', 'inactive']),
  location: LocationSchema,
  certificates: z.array(CertificateSchema),
});
export type Caregiver = z.infer<typeof CaregiverSchema>;

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
