import * as z from 'zod';
import { CertificateType } from './catalog.js';
import { checkCreditCode } from './codes.js';
import { CreditCountsSchema, CreditHistoryEntry, type CreditRecord, CreditTier, positiveRate } from './credit.js';
import { NationalFindings } from './national-credit.js';
import { type Caregiver, CaregiverStatus, type Enterprise, EnterpriseStatus, PublicCode, maskName } from './registry.js';

/**
 * The national home-service credit exchange (docs/decisions/0014): what this
 * platform sends the national system about companies and caregivers, what it
 * takes back, and how a record finds its subject. One schema per record
 * shape serves the export, the import and the README's field list.
 *
 * Personal data is minimised (PIPL art. 6): no phone, no resident ID (not
 * even masked), no home location, and a caregiver's name only masked.
 */

export const FORMAT_VERSION = 1;

export const EXCHANGE_LIMITS = {
  /** Records per import, and per export page: a page is always importable in one request. */
  records: 1000,
  /** Bytes per import, and per export page; under Lambda's 6 MB payload limit. */
  bytes: 5 * 1024 * 1024,
  /** Newest credit history entries per subject in the JSON Lines export. */
  historyEntries: 100,
} as const;

const FormatVersion = z.literal(FORMAT_VERSION, { error: `unsupported format version; this platform reads formatVersion ${FORMAT_VERSION}` });
const IsoDate = z.iso.date();
const At = z.iso.datetime({ offset: true });

/** GB 32100-2015, check character included; upper case as the registry keeps it. */
const CreditCode = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((value, ctx) => {
    const check = checkCreditCode(value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
  });
const LicenceNumber = z.string().trim().min(1).max(40);
const ServiceCardNumber = z.string().trim().min(1).max(40);

export const ExchangeCredit = CreditCountsSchema.pick({ completed: true, noShows: true, upheldComplaints: true }).extend({
  score: z.number().min(0).max(100),
  tier: CreditTier,
  /** Share of household-side ratings of 4 or 5 stars; null with none. */
  positiveRate: z.number().min(0).max(1).nullable(),
  ratingCount: z.number().int().min(0),
  updatedAt: At,
});
export type ExchangeCredit = z.infer<typeof ExchangeCredit>;

/** The archive's history entry without references to visits and complaints (see exchangeHistory). */
export const ExchangeHistoryEntry = CreditHistoryEntry.omit({ visitId: true, complaintId: true });

export const ExchangeEnterprise = z.object({
  recordType: z.literal('enterprise'),
  formatVersion: FormatVersion,
  creditCode: CreditCode,
  licenceNumber: LicenceNumber,
  licenceValidUntil: IsoDate,
  name: z.string().trim().min(1).max(200),
  status: EnterpriseStatus,
  publicCode: PublicCode,
  /** Null while our archive holds no evidence about the company. */
  credit: ExchangeCredit.nullable(),
  /** Newest first; JSON Lines only. */
  history: z.array(ExchangeHistoryEntry).max(EXCHANGE_LIMITS.historyEntries),
});
export type ExchangeEnterprise = z.infer<typeof ExchangeEnterprise>;

export const ExchangeCertificate = z.object({
  type: CertificateType,
  level: z.number().int().min(1).max(5).optional(),
  number: z.string().trim().min(1).max(40),
  validUntil: IsoDate,
});

export const ExchangeCaregiver = z.object({
  recordType: z.literal('caregiver'),
  formatVersion: FormatVersion,
  publicCode: PublicCode,
  serviceCardNumber: ServiceCardNumber,
  /** 张*华: the schema refuses a name that is not masked. */
  maskedName: z.string().min(1).max(50).regex(/\*/, 'must be masked (张*华), never a full name'),
  employerCreditCode: CreditCode,
  employerLicenceNumber: LicenceNumber,
  status: CaregiverStatus,
  certificates: z.array(ExchangeCertificate).max(20),
  credit: ExchangeCredit.nullable(),
  history: z.array(ExchangeHistoryEntry).max(EXCHANGE_LIMITS.historyEntries),
});
export type ExchangeCaregiver = z.infer<typeof ExchangeCaregiver>;

/**
 * What the national system sends back about one company or caregiver. Only
 * the identifiers that the matching rules use are read (`matchSubject`).
 */
export const NationalCreditRecord = z
  .object({
    recordType: z.enum(['enterprise', 'caregiver']),
    formatVersion: FormatVersion,
    publicCode: PublicCode.optional(),
    serviceCardNumber: ServiceCardNumber.optional(),
    creditCode: CreditCode.optional(),
    licenceNumber: LicenceNumber.optional(),
  })
  .extend(NationalFindings.shape);
export type NationalCreditRecord = z.infer<typeof NationalCreditRecord>;

/** One line of an import: a national record, or one of our own export records (round trip). */
export type ImportRecord =
  | { kind: 'national'; record: NationalCreditRecord }
  | { kind: 'own'; record: ExchangeEnterprise | ExchangeCaregiver };

export interface RecordIssue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Reads one record. A record with `nationalGrade` is a national record; one
 * with `credit` (which every export record has, null or not) is one of ours;
 * anything else is missing its `nationalGrade`.
 */
export function readImportRecord(value: unknown): { ok: true; value: ImportRecord } | { ok: false; issues: RecordIssue[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, issues: [{ path: [], message: 'expected a JSON object' }] };
  const fail = (error: z.ZodError) => ({ ok: false as const, issues: error.issues.map((i) => ({ path: i.path, message: i.message })) });
  if ('nationalGrade' in value) {
    const parsed = NationalCreditRecord.safeParse(value);
    return parsed.success ? { ok: true, value: { kind: 'national', record: parsed.data } } : fail(parsed.error);
  }
  if (!('credit' in value)) {
    return { ok: false, issues: [{ path: ['nationalGrade'], message: 'required: a national record carries nationalGrade (our own export records carry credit)' }] };
  }
  const recordType = (value as { recordType?: unknown }).recordType;
  const schema = recordType === 'enterprise' ? ExchangeEnterprise : recordType === 'caregiver' ? ExchangeCaregiver : undefined;
  if (!schema) return { ok: false, issues: [{ path: ['recordType'], message: 'must be enterprise or caregiver' }] };
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: { kind: 'own', record: parsed.data } } : fail(parsed.error);
}

// ------------------------------------------------------------------ building

/** Our archive's figures for a subject. */
export type CreditSnapshot = Pick<CreditRecord, 'score' | 'tier' | 'counts' | 'updatedAt'>;

export function exchangeCredit(credit: CreditSnapshot | undefined): ExchangeCredit | null {
  if (!credit) return null;
  const { counts } = credit;
  return {
    score: credit.score,
    tier: credit.tier,
    positiveRate: positiveRate(counts),
    ratingCount: counts.ratings,
    completed: counts.completed,
    noShows: counts.noShows,
    upheldComplaints: counts.upheldComplaints,
    updatedAt: credit.updatedAt,
  };
}

/** Only what moved the score and when: visit and complaint ids stay home, as the national system has no use for references to elders' visits. */
const exchangeHistory = (history: readonly CreditHistoryEntry[]) =>
  history.slice(0, EXCHANGE_LIMITS.historyEntries).map((h) => ({ at: h.at, delta: h.delta, score: h.score, cause: h.cause }));

export function toExchangeEnterprise(enterprise: Enterprise, credit: CreditSnapshot | undefined, history: readonly CreditHistoryEntry[]): ExchangeEnterprise {
  return {
    recordType: 'enterprise',
    formatVersion: FORMAT_VERSION,
    creditCode: enterprise.creditCode,
    licenceNumber: enterprise.licenceNumber,
    licenceValidUntil: enterprise.licenceValidUntil,
    name: enterprise.name,
    status: enterprise.status,
    publicCode: enterprise.code,
    credit: exchangeCredit(credit),
    history: exchangeHistory(history),
  };
}

export function toExchangeCaregiver(
  caregiver: Caregiver,
  employer: Pick<Enterprise, 'creditCode' | 'licenceNumber'>,
  credit: CreditSnapshot | undefined,
  history: readonly CreditHistoryEntry[],
): ExchangeCaregiver {
  return {
    recordType: 'caregiver',
    formatVersion: FORMAT_VERSION,
    publicCode: caregiver.code,
    serviceCardNumber: caregiver.serviceCardNumber,
    maskedName: maskName(caregiver.name),
    employerCreditCode: employer.creditCode,
    employerLicenceNumber: employer.licenceNumber,
    status: caregiver.status,
    // Issuer and validFrom are not part of the national card record.
    certificates: caregiver.certificates.map((c) => ({ type: c.type, ...(c.level !== undefined ? { level: c.level } : {}), number: c.number, validUntil: c.validUntil })),
    credit: exchangeCredit(credit),
    history: exchangeHistory(history),
  };
}

// ------------------------------------------------------------------ matching

/** The identifiers a record offers for matching. */
export interface SubjectIdentity {
  recordType: 'enterprise' | 'caregiver';
  publicCode?: string | undefined;
  serviceCardNumber?: string | undefined;
  creditCode?: string | undefined;
  licenceNumber?: string | undefined;
}

export function identityOf(input: ImportRecord): SubjectIdentity {
  const r = input.record;
  if (input.kind === 'national') return { recordType: r.recordType, publicCode: input.record.publicCode, serviceCardNumber: input.record.serviceCardNumber, creditCode: input.record.creditCode, licenceNumber: input.record.licenceNumber };
  return r.recordType === 'enterprise'
    ? { recordType: 'enterprise', publicCode: r.publicCode, creditCode: r.creditCode, licenceNumber: r.licenceNumber }
    : { recordType: 'caregiver', publicCode: r.publicCode, serviceCardNumber: r.serviceCardNumber };
}

export type CompanyRef = Pick<Enterprise, 'id' | 'code' | 'creditCode' | 'licenceNumber'>;
export type CaregiverRef = Pick<Caregiver, 'id' | 'code' | 'serviceCardNumber'>;

/** What matching may ask of the registry; the caller reads only what the file needs. */
export interface RegistryLookup {
  companiesWithLicence(licenceNumber: string): readonly CompanyRef[];
  byPublicCode(code: string): { kind: 'enterprise'; id: string } | { kind: 'caregiver'; caregiver: CaregiverRef } | undefined;
  caregiversWithCard(serviceCardNumber: string): readonly CaregiverRef[];
}

export type MatchResult = { ok: true; subject: 'enterprise' | 'caregiver'; id: string } | { ok: false; field: string; message: string };

const miss = (field: string, message: string): MatchResult => ({ ok: false, field, message: `${field}: ${message}` });

/**
 * Finds the subject of a record, or says which field fails:
 * - a company by `licenceNumber` (required); `creditCode` and `publicCode`,
 *   when given, must be that company's;
 * - a caregiver by `publicCode` or `serviceCardNumber` (at least one); when
 *   both are given they must be the same caregiver's.
 * Other identifiers on a record are not used.
 */
export function matchSubject(identity: SubjectIdentity, registry: RegistryLookup): MatchResult {
  if (identity.recordType === 'enterprise') {
    if (!identity.licenceNumber) return miss('licenceNumber', 'required to match a company');
    const holders = registry.companiesWithLicence(identity.licenceNumber);
    if (holders.length === 0) return miss('licenceNumber', `no company holds licence ${identity.licenceNumber}`);
    const agreeing = identity.creditCode ? holders.filter((c) => c.creditCode === identity.creditCode) : holders;
    if (agreeing.length === 0) return miss('creditCode', `does not agree with the company holding licence ${identity.licenceNumber}`);
    if (agreeing.length > 1) return miss('licenceNumber', `${agreeing.length} companies hold licence ${identity.licenceNumber}; give creditCode`);
    const company = agreeing[0]!;
    if (identity.publicCode && identity.publicCode !== company.code) return miss('publicCode', `does not agree with the company holding licence ${identity.licenceNumber}`);
    return { ok: true, subject: 'enterprise', id: company.id };
  }
  if (identity.publicCode) {
    const owner = registry.byPublicCode(identity.publicCode);
    if (!owner) return miss('publicCode', `no caregiver has public code ${identity.publicCode}`);
    if (owner.kind === 'enterprise') return miss('publicCode', `${identity.publicCode} is a company's code, not a caregiver's`);
    if (identity.serviceCardNumber && identity.serviceCardNumber !== owner.caregiver.serviceCardNumber) {
      return miss('serviceCardNumber', `does not agree with the caregiver of public code ${identity.publicCode}`);
    }
    return { ok: true, subject: 'caregiver', id: owner.caregiver.id };
  }
  if (!identity.serviceCardNumber) return miss('publicCode', 'give publicCode or serviceCardNumber to match a caregiver');
  const holders = registry.caregiversWithCard(identity.serviceCardNumber);
  if (holders.length === 0) return miss('serviceCardNumber', `no caregiver holds service card ${identity.serviceCardNumber}`);
  if (holders.length > 1) return miss('serviceCardNumber', `${holders.length} caregivers hold service card ${identity.serviceCardNumber}; give publicCode`);
  return { ok: true, subject: 'caregiver', id: holders[0]!.id };
}

/** JSON with keys sorted: two records are the same when these strings are. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// ----------------------------------------------------------------------- CSV

/**
 * CSV is one row per subject, without history (JSON Lines carries it).
 * List fields (certificates, sanctions) are a JSON array in one cell; an
 * empty credit block means `credit: null`.
 */
const CREDIT_COLUMNS = {
  creditScore: 'score',
  creditTier: 'tier',
  creditPositiveRate: 'positiveRate',
  creditRatingCount: 'ratingCount',
  creditCompleted: 'completed',
  creditNoShows: 'noShows',
  creditUpheldComplaints: 'upheldComplaints',
  creditUpdatedAt: 'updatedAt',
} as const satisfies Record<string, keyof ExchangeCredit>;
type CreditColumn = keyof typeof CREDIT_COLUMNS;
const creditColumnNames = Object.keys(CREDIT_COLUMNS) as CreditColumn[];

export const ENTERPRISE_CSV_COLUMNS = ['recordType', 'formatVersion', 'creditCode', 'licenceNumber', 'licenceValidUntil', 'name', 'status', 'publicCode', ...creditColumnNames] as const;
export const CAREGIVER_CSV_COLUMNS = [
  'recordType', 'formatVersion', 'publicCode', 'serviceCardNumber', 'maskedName', 'employerCreditCode', 'employerLicenceNumber', 'status', 'certificates', ...creditColumnNames,
] as const;
export const NATIONAL_CSV_COLUMNS = ['recordType', 'formatVersion', 'publicCode', 'serviceCardNumber', 'creditCode', 'licenceNumber', 'nationalGrade', 'sanctions', 'updatedAt'] as const;

export type CsvLayout = 'enterprise' | 'caregiver' | 'national';
export const CSV_COLUMNS: Record<CsvLayout, readonly string[]> = { enterprise: ENTERPRISE_CSV_COLUMNS, caregiver: CAREGIVER_CSV_COLUMNS, national: NATIONAL_CSV_COLUMNS };
const JSON_COLUMNS = new Set(['certificates', 'sanctions']);
const NUMBER_COLUMNS = new Set(['formatVersion', 'creditScore', 'creditPositiveRate', 'creditRatingCount', 'creditCompleted', 'creditNoShows', 'creditUpheldComplaints']);
/** Columns a national file may leave out: the identifiers a row does not use, and an empty list of sanctions. */
const OPTIONAL_NATIONAL_COLUMNS = new Set(['publicCode', 'serviceCardNumber', 'creditCode', 'licenceNumber', 'sanctions']);

/** Which layout a file's header is, and the columns it must have. */
export function csvLayoutOf(header: readonly string[]): { layout: CsvLayout; required: readonly string[] } {
  const layout: CsvLayout = header.includes('nationalGrade') ? 'national' : header.includes('employerCreditCode') ? 'caregiver' : header.includes('creditScore') ? 'enterprise' : 'national';
  const columns = CSV_COLUMNS[layout];
  return { layout, required: layout === 'national' ? columns.filter((c) => !OPTIONAL_NATIONAL_COLUMNS.has(c)) : columns };
}

/** The record's cells, in the layout's column order, guarded against formulas. */
export function toCsvCells(record: ExchangeEnterprise | ExchangeCaregiver | NationalCreditRecord): string[] {
  const layout: CsvLayout = 'nationalGrade' in record ? 'national' : record.recordType;
  const fields = record as Record<string, unknown>;
  const credit = 'credit' in record ? record.credit : null;
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  return CSV_COLUMNS[layout].map((column) => {
    if (column in CREDIT_COLUMNS) return guardCell(text(credit?.[CREDIT_COLUMNS[column as CreditColumn]]));
    const value = fields[column];
    return guardCell(JSON_COLUMNS.has(column) ? JSON.stringify(value ?? []) : text(value));
  });
}

/**
 * The object a row's cells stand for, ready for the layout's schema (which
 * names any fault). The inverse of `toCsvCells` but for history, which is [].
 */
export function fromCsvCells(layout: CsvLayout, cells: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const cell = (column: string) => unguardCell((cells[column] ?? '').trim());
  const valueOf = (column: string): unknown => {
    const text = cell(column);
    if (JSON_COLUMNS.has(column)) {
      if (text === '') return [];
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text; // the schema says it is not a list
      }
    }
    if (NUMBER_COLUMNS.has(column)) return text === '' ? undefined : Number(text);
    return text === '' ? undefined : text;
  };
  const record: Record<string, unknown> = {};
  for (const column of CSV_COLUMNS[layout]) {
    if (column in CREDIT_COLUMNS) continue;
    const value = valueOf(column);
    if (value !== undefined) record[column] = value;
  }
  if (layout !== 'national') {
    const anyCredit = creditColumnNames.some((c) => cell(c) !== '');
    record.credit = anyCredit
      ? Object.fromEntries(
          creditColumnNames.map((c) => [CREDIT_COLUMNS[c], c === 'creditPositiveRate' && cell(c) === '' ? null : valueOf(c)]),
        )
      : null;
    record.history = [];
  }
  return record;
}

/** The CSV column a schema issue's path comes from. */
export function csvColumnOf(path: readonly PropertyKey[]): string {
  const [first, second] = path;
  if (first === 'credit') {
    const column = creditColumnNames.find((c) => CREDIT_COLUMNS[c] === second);
    return column ?? 'creditScore';
  }
  return typeof first === 'string' ? first : 'row';
}

/**
 * A cell Excel would run as a formula (=, +, -, @, tab, CR) gets a leading
 * apostrophe; so does one that starts with an apostrophe, which keeps the
 * guard reversible (`unguardCell`).
 */
const GUARDED = /^[=+\-@\t\r']/;
export const guardCell = (value: string) => (GUARDED.test(value) ? `'${value}` : value);
export const unguardCell = (cell: string) => (/^'[=+\-@\t\r']/.test(cell) ? cell.slice(1) : cell);

/** RFC 4180: quoted when it holds a comma, a quote, a line break or edge spaces. */
export const csvField = (value: string) => (/[",\r\n]/.test(value) || value.trim() !== value ? `"${value.replaceAll('"', '""')}"` : value);

export const csvLine = (cells: readonly string[]) => `${cells.map(csvField).join(',')}\r\n`;

/** UTF-8 with a BOM, so that Excel shows the Chinese names. */
export const CSV_BOM = '\uFEFF';
