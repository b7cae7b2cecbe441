import * as z from 'zod';

/**
 * What the national home-service credit system says about a subject: its
 * grade and sanctions. Kept beside our own score and never folded into it
 * (docs/decisions/0014). A leaf module, so that domain/credit.ts can show it
 * without importing the exchange format (which imports credit.ts).
 */

/** The national system's grade, e.g. A … D: kept as it is sent, short. */
export const NationalGrade = z.string().trim().min(1).max(8);

export const SanctionSchema = z.object({
  /** e.g. 警告, 罚款, 列入失信名单. */
  kind: z.string().trim().min(1).max(40),
  decidedOn: z.iso.date(),
  authority: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500),
});
export type Sanction = z.infer<typeof SanctionSchema>;

/** The part of a national record that is about the subject rather than who it is. */
export const NationalFindings = z.object({
  nationalGrade: NationalGrade,
  sanctions: z.array(SanctionSchema).max(50),
  /** When the national system last changed the record. */
  updatedAt: z.iso.datetime({ offset: true }),
});

/** The latest national record of a subject, as the credit view shows it. */
export const NationalCreditView = NationalFindings.extend({
  /** When this platform imported it. */
  importedAt: z.iso.datetime({ offset: true }),
});
export type NationalCreditView = z.infer<typeof NationalCreditView>;

/** The stored item (`keys.nationalCredit`): the whole record as imported, and when. */
export const StoredNationalCredit = z.object({
  subject: z.enum(['caregiver', 'enterprise']),
  id: z.string(),
  record: NationalFindings,
  importedAt: z.iso.datetime({ offset: true }),
});
export type StoredNationalCredit = z.infer<typeof StoredNationalCredit>;

export const nationalCreditView = (stored: StoredNationalCredit): NationalCreditView => ({
  nationalGrade: stored.record.nationalGrade,
  sanctions: stored.record.sanctions,
  updatedAt: stored.record.updatedAt,
  importedAt: stored.importedAt,
});
