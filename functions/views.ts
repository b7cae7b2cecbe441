import * as z from 'zod';
import { CertificateType } from '../domain/catalog.js';
import { CreditTier } from '../domain/credit.js';
import { CaregiverSchema, EnterpriseStatus, PublicCode } from '../domain/registry.js';

/**
 * A caregiver as the employer and the bureau see it. The full ID number is
 * never stored; the birth date is shown as a year, so that it cannot be put
 * together with the masked number to rebuild the whole.
 */
export const CaregiverView = CaregiverSchema.omit({ birthDate: true }).extend({ birthYear: z.number().int() });
export type CaregiverView = z.infer<typeof CaregiverView>;

export const toCaregiverView = ({ birthDate, ...rest }: z.infer<typeof CaregiverSchema>): CaregiverView => ({ ...rest, birthYear: Number(birthDate.slice(0, 4)) });

/** The answer of a CSV import. Line 1 is the header. */
export const ImportResult = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), field: z.string(), message: z.string() })),
});

const ValidityStatus = z.enum(['valid', 'expired', 'notYetValid']);

/** What anyone who scans a code sees: never a full name of a person, ID number, phone or address. */
export const VerifyView = z.object({
  kind: z.enum(['enterprise', 'caregiver']),
  code: PublicCode,
  maskedName: z.string(),
  status: z.string(),
  /** For a company: its licence. */
  licence: z.object({ number: z.string(), validUntil: z.iso.date(), validity: ValidityStatus }).optional(),
  /** For a caregiver: the certificates, each with its validity today. */
  certificates: z
    .array(z.object({ type: CertificateType, nameZh: z.string(), nameEn: z.string(), level: z.number().int().optional(), validUntil: z.iso.date(), validity: ValidityStatus }))
    .optional(),
  /** For a caregiver: the employer. */
  enterprise: z.object({ name: z.string(), code: PublicCode, status: EnterpriseStatus }).optional(),
  /** From the credit archive: household-side ratings, the positive share, and the credit tier (null before the first rating or visit). */
  ratingSummary: z.object({ count: z.number().int(), positiveRate: z.number().nullable(), tier: CreditTier.nullable() }),
});
export type VerifyView = z.infer<typeof VerifyView>;
