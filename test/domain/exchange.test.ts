import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  CAREGIVER_CSV_COLUMNS,
  CSV_BOM,
  CSV_COLUMNS,
  type CsvLayout,
  ENTERPRISE_CSV_COLUMNS,
  ExchangeCaregiver,
  ExchangeEnterprise,
  NATIONAL_CSV_COLUMNS,
  NationalCreditRecord,
  type RegistryLookup,
  canonicalJson,
  csvColumnOf,
  csvLayoutOf,
  csvLine,
  fromCsvCells,
  matchSubject,
  readImportRecord,
  toCsvCells,
  toExchangeCaregiver,
  toExchangeEnterprise,
  unguardCell,
} from '../../domain/exchange.js';
import { ExchangeCredit } from '../../domain/exchange.js';
import { aCaregiver, anEnterprise } from '../support/fixtures.js';

const credit = {
  score: 86.4,
  tier: 'B' as const,
  counts: { ratings: 7, starsSum: 31, positive: 6, completed: 12, noShows: 1, upheldComplaints: 0 },
  updatedAt: '2026-11-30T10:00:00+08:00',
};
const history = [
  { at: '2026-11-30T10:00:00+08:00', delta: 0.8, score: 86.4, cause: 'rating' as const, visitId: 'vis-2' },
  { at: '2026-11-29T10:00:00+08:00', delta: -3.2, score: 85.6, cause: 'complaintUpheld' as const, complaintId: 'cmp-1' },
];
const company = toExchangeEnterprise(anEnterprise({ name: '=乌海市"测试",家政' }), credit, history);
const person = toExchangeCaregiver(
  aCaregiver({ certificates: [{ type: 'elderCare', level: 3, number: 'EC-1, "甲"', issuer: '乌海市人社局', validFrom: '2024-01-01', validUntil: '2029-01-01' }] }),
  anEnterprise(),
  undefined,
  [],
);
const national: NationalCreditRecord = {
  recordType: 'caregiver',
  formatVersion: 1,
  publicCode: 'CG00000001',
  nationalGrade: 'A',
  sanctions: [{ kind: '警告', decidedOn: '2026-10-01', authority: '乌海市商务局', description: '-未按时培训' }],
  updatedAt: '2026-11-01T00:00:00Z',
};

/** A record through the CSV text and back, as the import reads it. */
function throughCsv(layout: CsvLayout, cells: string[]) {
  const text = `${CSV_BOM}${csvLine(CSV_COLUMNS[layout])}${csvLine(cells)}`;
  const [row] = parse(text, { bom: true, columns: true, trim: true }) as Array<Record<string, string>>;
  return fromCsvCells(layout, row!);
}

describe('export records', () => {
  it('carry no phone, resident ID, birth date, location or full name, and parse with their schema', () => {
    const text = JSON.stringify(person);
    const c = aCaregiver();
    for (const secret of [c.phone, c.name, c.residentIdMasked, c.birthDate, String(c.location.lat)]) expect(text).not.toContain(secret);
    expect(person.maskedName).toBe('赵*娟');
    expect(ExchangeCaregiver.parse(person)).toEqual(person);
    expect(person.certificates).toEqual([{ type: 'elderCare', level: 3, number: 'EC-1, "甲"', validUntil: '2029-01-01' }]);
    expect(ExchangeCaregiver.safeParse({ ...person, maskedName: '赵丽娟' }).success).toBe(false);
  });

  it('summarise credit and keep history without visit or complaint ids', () => {
    expect(ExchangeEnterprise.parse(company)).toEqual(company);
    expect(company.credit).toEqual({ score: 86.4, tier: 'B', positiveRate: 0.8571, ratingCount: 7, completed: 12, noShows: 1, upheldComplaints: 0, updatedAt: credit.updatedAt });
    expect(company.history).toEqual([
      { at: '2026-11-30T10:00:00+08:00', delta: 0.8, score: 86.4, cause: 'rating' },
      { at: '2026-11-29T10:00:00+08:00', delta: -3.2, score: 85.6, cause: 'complaintUpheld' },
    ]);
    expect(person.credit).toBeNull();
  });
});

describe('CSV mapping', () => {
  it('turns each record into cells and back, all but history', () => {
    expect(ExchangeEnterprise.parse(throughCsv('enterprise', toCsvCells(company)))).toEqual({ ...company, history: [] });
    expect(ExchangeCaregiver.parse(throughCsv('caregiver', toCsvCells(person)))).toEqual(person);
    expect(NationalCreditRecord.parse(throughCsv('national', toCsvCells(national)))).toEqual(national);
    // Without any cell parsing in between, too.
    const cells = (layout: CsvLayout, values: string[]) => Object.fromEntries(CSV_COLUMNS[layout].map((c, i) => [c, values[i]!]));
    expect(ExchangeEnterprise.parse(fromCsvCells('enterprise', cells('enterprise', toCsvCells(company))))).toEqual({ ...company, history: [] });
  });

  it('keeps a null positive rate apart from no credit at all', () => {
    const fresh = toExchangeEnterprise(anEnterprise(), { ...credit, counts: { ...credit.counts, ratings: 0, starsSum: 0, positive: 0 } }, []);
    expect(fresh.credit?.positiveRate).toBeNull();
    expect(ExchangeEnterprise.parse(throughCsv('enterprise', toCsvCells(fresh)))).toEqual(fresh);
    const none = toExchangeEnterprise(anEnterprise(), undefined, []);
    expect(toCsvCells(none).slice(ENTERPRISE_CSV_COLUMNS.indexOf('creditScore'))).toEqual(Array(8).fill(''));
    expect(ExchangeEnterprise.parse(throughCsv('enterprise', toCsvCells(none)))).toEqual(none);
  });

  it('guards cells Excel would run as formulas, reversibly, and quotes per RFC 4180', () => {
    expect(toCsvCells(company)[ENTERPRISE_CSV_COLUMNS.indexOf('name')]).toBe(`'=乌海市"测试",家政`);
    expect(csvLine([`'=乌海市"测试",家政`, 'a b', ' edge', 'x\ny'])).toBe(`"'=乌海市""测试"",家政",a b," edge","x\ny"\r\n`);
    for (const value of ['=1+1', '+86', '-3', '@SUM', '\tx', "'", "'=x", "''", 'plain', "it's"]) {
      const [cell] = toCsvCells({ ...national, nationalGrade: value }).slice(NATIONAL_CSV_COLUMNS.indexOf('nationalGrade'));
      expect(unguardCell(cell!), value).toBe(value);
    }
  });

  it('names the CSV column at fault', () => {
    expect(csvColumnOf(['credit', 'positiveRate'])).toBe('creditPositiveRate');
    expect(csvColumnOf(['certificates', 0, 'validUntil'])).toBe('certificates');
    expect(csvColumnOf(['sanctions', 2, 'decidedOn'])).toBe('sanctions');
    expect(csvColumnOf(['licenceNumber'])).toBe('licenceNumber');
    const read = readImportRecord({ ...fromCsvCells('enterprise', { recordType: 'enterprise', formatVersion: '1', creditScore: 'many' }) });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.issues.map((i) => csvColumnOf(i.path))).toEqual(expect.arrayContaining(['creditCode', 'creditScore', 'creditTier']));
  });

  it('tells the layout from the header and requires its columns', () => {
    expect(csvLayoutOf([...ENTERPRISE_CSV_COLUMNS])).toEqual({ layout: 'enterprise', required: ENTERPRISE_CSV_COLUMNS });
    expect(csvLayoutOf([...CAREGIVER_CSV_COLUMNS]).layout).toBe('caregiver');
    expect(csvLayoutOf(['recordType', 'formatVersion', 'licenceNumber', 'nationalGrade', 'updatedAt'])).toEqual({
      layout: 'national',
      required: ['recordType', 'formatVersion', 'nationalGrade', 'updatedAt'],
    });
    expect(csvLayoutOf(['name']).layout).toBe('national'); // and then nationalGrade is missing
  });
});

describe('reading an import record', () => {
  it('tells national records from our own and names what is wrong', () => {
    expect(readImportRecord(national)).toMatchObject({ ok: true, value: { kind: 'national' } });
    expect(readImportRecord(JSON.parse(JSON.stringify(company)))).toMatchObject({ ok: true, value: { kind: 'own' } });
    const fieldsOf = (value: unknown) => {
      const read = readImportRecord(value);
      return read.ok ? [] : read.issues.map((i) => i.path.map(String).join('.') || 'body');
    };
    expect(fieldsOf([1])).toEqual(['body']);
    expect(fieldsOf({ recordType: 'enterprise', formatVersion: 1, licenceNumber: 'X' })).toEqual(['nationalGrade']);
    expect(fieldsOf({ ...national, formatVersion: 2 })).toEqual(['formatVersion']);
    expect(fieldsOf({ ...national, sanctions: [{ kind: '警告', decidedOn: '昨天', authority: '局', description: '' }] })).toEqual(['sanctions.0.decidedOn']);
    expect(fieldsOf({ ...national, creditCode: '91350100M000100Y44' })).toEqual(['creditCode']);
    expect(fieldsOf({ ...company, recordType: 'robot' })).toEqual(['recordType']);
    // A credit code is read as the registry keeps it: trimmed, upper case.
    const lower = readImportRecord({ ...national, recordType: 'enterprise', creditCode: ' 91350100m000100y43 ' });
    expect(lower.ok && lower.value.record).toMatchObject({ creditCode: '91350100M000100Y43' });
  });
});

describe('matching', () => {
  const registry: RegistryLookup = {
    companiesWithLicence: (n) =>
      ({
        'L-1': [{ id: 'e1', code: 'ENTA000001', creditCode: '91350100M000100Y43', licenceNumber: 'L-1' }],
        'L-2': [
          { id: 'e2', code: 'ENTA000002', creditCode: 'C2', licenceNumber: 'L-2' },
          { id: 'e3', code: 'ENTA000003', creditCode: 'C3', licenceNumber: 'L-2' },
        ],
      })[n] ?? [],
    byPublicCode: (code) =>
      code === 'CG00000001' ? { kind: 'caregiver', caregiver: { id: 'c1', code, serviceCardNumber: 'CARD-1' } } : code === 'ENTA000001' ? { kind: 'enterprise', id: 'e1' } : undefined,
    caregiversWithCard: (n) =>
      ({
        'CARD-1': [{ id: 'c1', code: 'CG00000001', serviceCardNumber: 'CARD-1' }],
        'CARD-9': [
          { id: 'c8', code: 'CG00000008', serviceCardNumber: 'CARD-9' },
          { id: 'c9', code: 'CG00000009', serviceCardNumber: 'CARD-9' },
        ],
      })[n] ?? [],
  };
  const company = (over: object) => matchSubject({ recordType: 'enterprise', ...over }, registry);
  const caregiver = (over: object) => matchSubject({ recordType: 'caregiver', ...over }, registry);

  it('finds a company by licence number, with credit code and public code agreeing when given', () => {
    expect(company({ licenceNumber: 'L-1' })).toEqual({ ok: true, subject: 'enterprise', id: 'e1' });
    expect(company({ licenceNumber: 'L-1', creditCode: '91350100M000100Y43', publicCode: 'ENTA000001' })).toMatchObject({ ok: true, id: 'e1' });
    expect(company({ licenceNumber: 'L-2', creditCode: 'C3' })).toMatchObject({ ok: true, id: 'e3' });
    expect(company({})).toMatchObject({ ok: false, field: 'licenceNumber' });
    expect(company({ licenceNumber: 'L-0' })).toMatchObject({ ok: false, field: 'licenceNumber' });
    expect(company({ licenceNumber: 'L-1', creditCode: 'C2' })).toMatchObject({ ok: false, field: 'creditCode' });
    expect(company({ licenceNumber: 'L-2' })).toMatchObject({ ok: false, field: 'licenceNumber' });
    expect(company({ licenceNumber: 'L-1', publicCode: 'ENTA000009' })).toMatchObject({ ok: false, field: 'publicCode' });
  });

  it('finds a caregiver by public code or service card, both agreeing when both are given', () => {
    expect(caregiver({ publicCode: 'CG00000001' })).toEqual({ ok: true, subject: 'caregiver', id: 'c1' });
    expect(caregiver({ serviceCardNumber: 'CARD-1' })).toMatchObject({ ok: true, id: 'c1' });
    expect(caregiver({ publicCode: 'CG00000001', serviceCardNumber: 'CARD-1' })).toMatchObject({ ok: true, id: 'c1' });
    expect(caregiver({ publicCode: 'CG00000001', serviceCardNumber: 'CARD-9' })).toMatchObject({ ok: false, field: 'serviceCardNumber' });
    expect(caregiver({ publicCode: 'ENTA000001' })).toMatchObject({ ok: false, field: 'publicCode' });
    expect(caregiver({ publicCode: 'CG00000404' })).toMatchObject({ ok: false, field: 'publicCode' });
    expect(caregiver({ serviceCardNumber: 'CARD-0' })).toMatchObject({ ok: false, field: 'serviceCardNumber' });
    expect(caregiver({ serviceCardNumber: 'CARD-9' })).toMatchObject({ ok: false, field: 'serviceCardNumber' });
    expect(caregiver({ creditCode: '91350100M000100Y43' })).toMatchObject({ ok: false, field: 'publicCode' });
  });
});

it('compares records regardless of key order', () => {
  expect(canonicalJson({ b: 1, a: [{ y: 2, x: null }] })).toBe(canonicalJson({ a: [{ x: null, y: 2 }], b: 1 }));
  expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
});

describe('the README documents the format as the code has it', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## National credit exchange'), readme.indexOf('\n## ', readme.indexOf('## National credit exchange') + 1));

  it('gives the CSV header lines exactly', () => {
    const headers = section.split('\n').filter((line) => line.startsWith('recordType,formatVersion,'));
    expect(headers).toEqual([ENTERPRISE_CSV_COLUMNS, CAREGIVER_CSV_COLUMNS, NATIONAL_CSV_COLUMNS].map((columns) => columns.join(',')));
  });

  it('lists every field of every record', () => {
    const documented = (schema: z.ZodObject) => Object.keys(schema.shape).filter((field) => !section.includes(`\`${field}\``));
    expect(documented(ExchangeEnterprise)).toEqual([]);
    expect(documented(ExchangeCaregiver)).toEqual([]);
    expect(documented(NationalCreditRecord)).toEqual([]);
    expect(Object.keys(ExchangeCredit.shape).filter((field) => !section.includes(field))).toEqual([]);
  });
});
