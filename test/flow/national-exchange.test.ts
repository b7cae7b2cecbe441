import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreditView } from '../../domain/credit.js';
import {
  CSV_COLUMNS,
  type CsvLayout,
  ExchangeCaregiver,
  ExchangeEnterprise,
  type NationalCreditRecord,
  fromCsvCells,
} from '../../domain/exchange.js';
import type { Elder } from '../../domain/registry.js';
import type { VisitView } from '../../domain/visit.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import type { LocalPlatform } from '../../local/platform.js';
import type { CaregiverView } from '../../functions/views.js';
import { completedJob } from '../support/jobs.js';
import { type Api, api, countItems, quiesce, startTestPlatform } from '../support/platform.js';

/**
 * The national credit exchange through HTTP against DynamoDB Local: exports
 * in both formats and kinds, without personal data, paged; the round trip;
 * national records shown beside the score; bad rows and refusals.
 */
let local: LocalPlatform;
let http: Api;
let bureau: string;
/** The caregiver and company of a completed visit: they have a credit record with history. */
let worked: { caregiverId: string; enterpriseId: string };

interface ImportAnswer {
  imported: number;
  skipped: number;
  errors: Array<{ line: number; field: string; message: string }>;
}

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; field?: string } }).error;
const exportFile = (query: string, token = bureau) => http.get(`/exchange/export?${query}`, token);
const upload = (body: string | Uint8Array<ArrayBuffer>, type: string, token = bureau) =>
  fetch(`${http.url}/exchange/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
async function importFile(body: string, type: string): Promise<ImportAnswer> {
  const res = await upload(body, type);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ImportAnswer;
}
const jsonl = (records: readonly unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const credit = async (kind: 'caregivers' | 'enterprises', id: string) => (await (await http.get(`/${kind}/${id}/credit`, bureau)).json()) as CreditView;

/** Every page of an export, following x-next-cursor. */
async function exportAll(kind: string, format: 'jsonl' | 'csv', limit: number): Promise<string[]> {
  const pages: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await exportFile(`kind=${kind}&format=${format}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    pages.push(await bodyOf(res));
    cursor = res.headers.get('x-next-cursor');
  } while (cursor && pages.length < 100);
  return pages;
}
/** The body exactly as sent, BOM included (Response.text() drops it). */
const bodyOf = async (res: Response) => Buffer.from(await res.arrayBuffer()).toString('utf8');
const linesOf = (text: string) => text.split('\n').filter((l) => l.trim());
const csvRows = (text: string) => parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;

let enterpriseLines: string[];
let caregiverLines: string[];
let enterpriseCsv: string;
let caregiverCsv: string;

beforeAll(async () => {
  local = await startTestPlatform({ seedScale: 0.05 });
  http = api(local.url);
  bureau = await http.token('bureau', '150300');
  const center = await http.token('center', DEMO_ANCHOR.hubCenterId);
  const elder = (await (await http.get(`/elders/${DEMO_ANCHOR.elderId}`, center)).json()) as Elder;
  const job = await completedJob(local, http, center, elder, 2);
  const { assignment } = (await (await http.get(`/visits/${job.id}`, bureau)).json()) as VisitView;
  worked = { caregiverId: assignment!.caregiverId, enterpriseId: assignment!.enterpriseId };
  await quiesce(local);
});

afterAll(async () => {
  await local?.stop();
});

describe('export', () => {
  it('answers companies and caregivers in JSON Lines and CSV, as downloads', async () => {
    const e = await exportFile('kind=enterprises&format=jsonl');
    expect(e.status).toBe(200);
    expect(e.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(e.headers.get('content-disposition')).toMatch(/^attachment; filename="wuhai-credit-enterprises-\d{8}\.jsonl"$/);
    expect(e.headers.get('x-next-cursor')).toBeNull();
    enterpriseLines = linesOf(await e.text());

    const c = await exportFile('kind=caregivers&format=jsonl');
    expect(c.status).toBe(200);
    caregiverLines = linesOf(await c.text());

    const ec = await exportFile('kind=enterprises&format=csv');
    expect(ec.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(ec.headers.get('content-disposition')).toMatch(/filename="wuhai-credit-enterprises-\d{8}\.csv"/);
    const bytes = Buffer.from(await ec.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs for Chinese
    enterpriseCsv = bytes.toString('utf8');
    expect(enterpriseCsv.split('\r\n')[0]).toBe(`\uFEFF${CSV_COLUMNS.enterprise.join(',')}`);
    caregiverCsv = await bodyOf(await exportFile('kind=caregivers&format=csv'));
    expect(caregiverCsv.startsWith(`\uFEFF${CSV_COLUMNS.caregiver.join(',')}\r\n`)).toBe(true);

    // Every company of the city, whatever its status, and every caregiver, in both formats.
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await http.get(`/enterprises?limit=100${cursor ? `&cursor=${cursor}` : ''}`, bureau)).json()) as { items: Array<{ code: string; status: string }>; nextCursor: string | null };
      listed.push(...page.items.map((i) => i.code));
      cursor = page.nextCursor;
    } while (cursor);
    const companies = enterpriseLines.map((l) => ExchangeEnterprise.parse(JSON.parse(l)));
    expect(companies.map((c) => c.publicCode).sort()).toEqual(listed.sort());
    expect(new Set(companies.map((c) => c.status)).size).toBeGreaterThan(1);
    expect(csvRows(enterpriseCsv)).toHaveLength(companies.length);
    expect(caregiverLines.length).toBeGreaterThan(10);
    expect(csvRows(caregiverCsv)).toHaveLength(caregiverLines.length);
  });

  it('gives records that parse with their schema, with the archive’s credit and history', async () => {
    const caregivers = caregiverLines.map((l) => ExchangeCaregiver.parse(JSON.parse(l)));
    const companies = enterpriseLines.map((l) => ExchangeEnterprise.parse(JSON.parse(l)));
    const rows = (text: string, layout: CsvLayout) => csvRows(text).map((row) => fromCsvCells(layout, row));
    for (const row of rows(enterpriseCsv, 'enterprise')) ExchangeEnterprise.parse(row);
    for (const row of rows(caregiverCsv, 'caregiver')) ExchangeCaregiver.parse(row);

    const worker = (await (await http.get(`/caregivers/${worked.caregiverId}`, bureau)).json()) as CaregiverView;
    const exported = caregivers.find((c) => c.publicCode === worker.code)!;
    const view = await credit('caregivers', worked.caregiverId);
    expect(exported.credit).toMatchObject({ score: view.score, tier: view.tier, completed: 1 });
    expect(exported.history.length).toBeGreaterThan(0);
    expect(exported.history[0]).toMatchObject({ score: view.history[0]!.score, cause: view.history[0]!.cause });
    const employer = (await (await http.get(`/enterprises/${worked.enterpriseId}`, bureau)).json()) as { code: string; creditCode: string; licenceNumber: string };
    expect(exported).toMatchObject({ employerCreditCode: employer.creditCode, employerLicenceNumber: employer.licenceNumber, serviceCardNumber: worker.serviceCardNumber });
    expect(companies.find((c) => c.publicCode === employer.code)!.credit).toMatchObject({ completed: 1 });
    // A subject the archive has not seen has no credit, not an invented one.
    expect(companies.some((c) => c.credit === null && c.history.length === 0)).toBe(true);
  });

  it('carries no phone number, resident ID, birth date or full name', async () => {
    // Credit codes and visit ids may hold long runs of digits; everything else may not.
    const text = [...enterpriseLines, ...caregiverLines, enterpriseCsv, caregiverCsv]
      .join('\n')
      .replace(/(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Z])/g, '')
      .replace(/"visitId":"[^"]*"/g, '');
    expect(text).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // a mainland mobile
    expect(text).not.toMatch(/\d{2}\*{6,}\d{2}/); // a masked resident ID
    expect(text).not.toMatch(/(?<![\dA-Z])\d{17}[\dX](?![\dA-Z])/); // a resident ID
    const caregiverText = `${caregiverLines.join('\n')}\n${caregiverCsv}`;
    const { items: staff } = (await (await http.get(`/caregivers?enterpriseId=${worked.enterpriseId}&limit=100`, bureau)).json()) as { items: Array<{ id: string }> };
    expect(staff.length).toBeGreaterThan(0);
    for (const { id } of staff) {
      const c = (await (await http.get(`/caregivers/${id}`, bureau)).json()) as CaregiverView;
      for (const secret of [c.phone, c.name, c.residentIdMasked, `${c.location.lat}`, `${c.location.lon}`]) expect(caregiverText, id).not.toContain(secret);
      const line = caregiverLines.find((l) => l.includes(`"publicCode":"${c.code}"`));
      expect(line, c.code).toBeDefined();
      expect(Object.keys(JSON.parse(line!) as object).sort()).toEqual(Object.keys(ExchangeCaregiver.shape).sort());
    }
  });

  it('pages by records and cursor, and the pages add up to the whole', async () => {
    const paged = await exportAll('enterprises', 'jsonl', 10);
    expect(paged.length).toBeGreaterThan(2);
    expect(paged.flatMap(linesOf)).toEqual(enterpriseLines);
    // Seven at a time cuts through companies' staff lists.
    const staff = await exportAll('caregivers', 'jsonl', 7);
    expect(staff.length).toBeGreaterThan(2);
    expect(staff.flatMap(linesOf)).toEqual(caregiverLines);
    const csv = await exportAll('caregivers', 'csv', 7);
    expect(csv.flatMap((p) => csvRows(p))).toEqual(csvRows(caregiverCsv));
    expect(csv.every((p) => p.startsWith(`\uFEFF${CSV_COLUMNS.caregiver.join(',')}\r\n`))).toBe(true);
  });

  it('refuses a bad kind, format, limit or cursor, naming the field, and anyone but the bureau', async () => {
    const cases: Array<[string, string]> = [
      ['format=jsonl', 'kind'],
      ['kind=elders&format=jsonl', 'kind'],
      ['kind=enterprises', 'format'],
      ['kind=enterprises&format=xlsx', 'format'],
      ['kind=enterprises&format=csv&limit=0', 'limit'],
      ['kind=enterprises&format=csv&limit=1001', 'limit'],
      ['kind=enterprises&format=csv&cursor=nonsense', 'cursor'],
    ];
    for (const [query, field] of cases) {
      const res = await exportFile(query);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).field, query).toBe(field);
    }
    // A cursor of the other kind of export is not this one's.
    const cursor = (await exportFile('kind=enterprises&format=jsonl&limit=1')).headers.get('x-next-cursor')!;
    expect(cursor).toBeTruthy();
    expect((await exportFile(`kind=caregivers&format=jsonl&cursor=${cursor}`)).status).toBe(400);

    const center = await http.token('center', DEMO_ANCHOR.hubCenterId);
    expect((await exportFile('kind=enterprises&format=jsonl', center)).status).toBe(403);
    const company = await http.token('enterprise', worked.enterpriseId);
    expect((await exportFile('kind=caregivers&format=csv', company)).status).toBe(403);
  });
});

describe('import', () => {
  it('takes its own exports back: every row matched, nothing written, however often', async () => {
    await quiesce(local);
    const before = await countItems(local);
    for (const [body, type, rows] of [
      [jsonl(enterpriseLines), 'application/x-ndjson', enterpriseLines.length],
      [jsonl(caregiverLines), 'application/x-ndjson', caregiverLines.length],
      [enterpriseCsv, 'text/csv', csvRows(enterpriseCsv).length],
      [caregiverCsv, 'text/csv; charset=utf-8', csvRows(caregiverCsv).length],
    ] as const) {
      for (let round = 0; round < 2; round++) {
        expect(await importFile(body, type)).toEqual({ imported: 0, skipped: rows, errors: [] });
      }
    }
    expect(await countItems(local)).toBe(before);
  });

  it('shows a national record beside the score, without changing it, and keeps only the latest', async () => {
    const company = (await (await http.get(`/enterprises/${worked.enterpriseId}`, bureau)).json()) as { creditCode: string; licenceNumber: string };
    const worker = (await (await http.get(`/caregivers/${worked.caregiverId}`, bureau)).json()) as CaregiverView;
    const [companyBefore, workerBefore] = [await credit('enterprises', worked.enterpriseId), await credit('caregivers', worked.caregiverId)];
    const sanction = { kind: '警告', decidedOn: '2026-10-12', authority: '商务部家政服务信用信息平台', description: '未按规定更新服务人员信息' };
    const records: NationalCreditRecord[] = [
      { recordType: 'enterprise', formatVersion: 1, licenceNumber: company.licenceNumber, creditCode: company.creditCode, nationalGrade: 'B', sanctions: [sanction], updatedAt: '2026-11-01T08:00:00+08:00' },
      { recordType: 'caregiver', formatVersion: 1, publicCode: worker.code, serviceCardNumber: worker.serviceCardNumber, nationalGrade: 'A', sanctions: [], updatedAt: '2026-11-01T08:00:00+08:00' },
    ];
    await quiesce(local);
    const before = await countItems(local);
    expect(await importFile(jsonl(records), 'application/x-ndjson')).toEqual({ imported: 2, skipped: 0, errors: [] });
    const afterFirst = await countItems(local);
    expect(afterFirst).toBe(before + 2);

    const companyView = await credit('enterprises', worked.enterpriseId);
    expect(companyView.national).toMatchObject({ nationalGrade: 'B', sanctions: [sanction], updatedAt: '2026-11-01T08:00:00+08:00' });
    expect(companyView.national!.importedAt).toMatch(/\+08:00$/);
    const workerView = await credit('caregivers', worked.caregiverId);
    expect(workerView.national).toMatchObject({ nationalGrade: 'A', sanctions: [] });
    for (const [view, earlier] of [[companyView, companyBefore], [workerView, workerBefore]] as const) {
      const { national: _national, ...ours } = view;
      expect(ours).toEqual(earlier); // the score, its reasons and history are untouched
    }

    // The same records again, in JSON Lines or as CSV rows with the same content: nothing new.
    expect(await importFile(jsonl(records), 'application/x-ndjson')).toEqual({ imported: 0, skipped: 2, errors: [] });
    const csvOf = (rows: NationalCreditRecord[]) => {
      const cell = (v: unknown) => (v === undefined ? '' : typeof v === 'object' ? `"${JSON.stringify(v).replaceAll('"', '""')}"` : String(v));
      return [CSV_COLUMNS.national.join(','), ...rows.map((r) => CSV_COLUMNS.national.map((c) => cell((r as Record<string, unknown>)[c])).join(','))].join('\r\n');
    };
    expect(await importFile(csvOf(records), 'text/csv')).toEqual({ imported: 0, skipped: 2, errors: [] });
    expect(await countItems(local)).toBe(afterFirst);

    // Older than what is kept: refused on updatedAt. Newer, found by service card alone: replaces it.
    const older = { ...records[1]!, nationalGrade: 'C', updatedAt: '2026-10-01T08:00:00+08:00' };
    const newer = { recordType: 'caregiver' as const, formatVersion: 1 as const, serviceCardNumber: worker.serviceCardNumber, nationalGrade: 'C', sanctions: [sanction], updatedAt: '2026-11-20T08:00:00+08:00' };
    const answer = await importFile(csvOf([older, newer]), 'text/csv');
    expect(answer).toMatchObject({ imported: 1, skipped: 0, errors: [{ line: 2, field: 'updatedAt' }] });
    expect((await credit('caregivers', worked.caregiverId)).national).toMatchObject({ nationalGrade: 'C', sanctions: [sanction], updatedAt: '2026-11-20T08:00:00+08:00' });
    expect(await countItems(local)).toBe(afterFirst);
    expect((await credit('caregivers', worked.caregiverId)).score).toBe(workerBefore.score);
  });

  it('reports rows that match nothing, inconsistently, or are not records, and imports the rest', async () => {
    const companies = enterpriseLines.map((l) => ExchangeEnterprise.parse(JSON.parse(l)));
    const [a, b, c] = companies;
    const caregivers = caregiverLines.map((l) => ExchangeCaregiver.parse(JSON.parse(l)));
    const someone = caregivers.find((x) => x.serviceCardNumber !== caregivers[0]!.serviceCardNumber)!;
    const record = (over: Partial<NationalCreditRecord>): NationalCreditRecord => ({ recordType: 'enterprise', formatVersion: 1, nationalGrade: 'A', sanctions: [], updatedAt: '2026-11-02T08:00:00+08:00', ...over });
    const file = jsonl([
      record({ licenceNumber: 'WH-JZ-1999-9999' }), // 1: no such licence
      record({ licenceNumber: a!.licenceNumber, creditCode: b!.creditCode }), // 2: another company's credit code
      '{"recordType": "enterprise", "nationalGrade": ', // 3: not JSON
      record({ licenceNumber: c!.licenceNumber, creditCode: c!.creditCode }), // 4: fine
      record({ recordType: 'caregiver', publicCode: caregivers[0]!.publicCode, serviceCardNumber: someone.serviceCardNumber }), // 5: two people
      record({ recordType: 'caregiver', publicCode: a!.publicCode }), // 6: a company's code
      record({ licenceNumber: c!.licenceNumber, sanctions: [{ kind: '罚款', decidedOn: '上个月', authority: '局', description: '' }] }), // 7: bad date
      '', // a blank line is no record
      JSON.stringify({ ...record({ licenceNumber: c!.licenceNumber }), formatVersion: 2 }), // 9: another version
      JSON.stringify({ recordType: 'enterprise', formatVersion: 1, licenceNumber: c!.licenceNumber }), // 10: no grade
    ]);
    await quiesce(local);
    const before = await countItems(local);
    const answer = await importFile(file, 'application/x-ndjson; charset=utf-8');
    expect(answer.imported).toBe(1);
    expect(answer.errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'licenceNumber'],
      [2, 'creditCode'],
      [3, 'body'],
      [5, 'serviceCardNumber'],
      [6, 'publicCode'],
      [7, 'sanctions.0.decidedOn'],
      [9, 'formatVersion'],
      [10, 'nationalGrade'],
    ]);
    for (const e of answer.errors) expect(e.message.startsWith(`${e.field}: `), e.message).toBe(true);
    expect(await countItems(local)).toBe(before + 1);
    const enterpriseId = await idOfCompany(c!.publicCode);
    expect((await credit('enterprises', enterpriseId)).national).toMatchObject({ nationalGrade: 'A' });

    // In CSV, the fault is named by its column.
    const csv = [
      CSV_COLUMNS.national.join(','),
      `enterprise,1,,,,WH-JZ-1999-9999,A,,2026-11-02T08:00:00+08:00`,
      `enterprise,1,,,,${c!.licenceNumber},A,not a list,2026-11-03T08:00:00+08:00`,
      `enterprise,1,,,,${c!.licenceNumber},,,2026-11-03T08:00:00+08:00`,
    ].join('\n');
    const csvAnswer = await importFile(csv, 'text/csv');
    expect(csvAnswer.errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'licenceNumber'],
      [3, 'sanctions'],
      [4, 'nationalGrade'],
    ]);
    expect(csvAnswer.imported).toBe(0);
  });

  it('refuses what is not an import: other types, an empty body, a file too large or not UTF-8, and anyone but the bureau', async () => {
    await quiesce(local);
    const before = await countItems(local);
    const refused = async (res: Response, status: number, field?: string) => {
      expect(res.status).toBe(status);
      if (field) expect((await errorOf(res)).field).toBe(field);
    };
    await refused(await upload('{"a":1}', 'application/json'), 415, 'content-type');
    await refused(await upload('x', 'text/plain'), 415, 'content-type');
    await refused(await upload('', 'application/x-ndjson'), 400, 'body');
    await refused(await upload('\n\n', 'text/csv'), 400, 'body');
    await refused(await upload('name,creditCode\nx,y\n', 'text/csv'), 400, 'recordType');
    const line = JSON.stringify({ recordType: 'enterprise', formatVersion: 1, licenceNumber: 'X', nationalGrade: 'A', sanctions: [], updatedAt: '2026-11-02T08:00:00+08:00' });
    await refused(await upload(jsonl(Array(1001).fill(line)), 'application/x-ndjson'), 413, 'body');
    await refused(await upload(`${line}\n${' '.repeat(5 * 1024 * 1024)}`, 'application/x-ndjson'), 413, 'body');
    const csvRow = `enterprise,1,,,,WH-JZ-1999-9999,A,,2026-11-02T08:00:00+08:00`;
    await refused(await upload([CSV_COLUMNS.national.join(','), ...Array(1001).fill(csvRow)].join('\n'), 'text/csv'), 413, 'body');
    // Saved from an old Excel in GBK: refused, not read as garbage.
    const gbk = new Uint8Array([...Buffer.from(`${CSV_COLUMNS.national.join(',')}\n`), 0xce, 0xda, 0xba, 0xa3]);
    const notUtf8 = await upload(gbk, 'text/csv');
    await refused(notUtf8.clone(), 415, 'body');
    expect((await errorOf(notUtf8)).code).toBe('NOT_UTF8');
    const center = await http.token('center', DEMO_ANCHOR.hubCenterId);
    await refused(await upload(jsonl([line]), 'application/x-ndjson', center), 403);
    expect(await countItems(local)).toBe(before);
  });

  it('is described in the API description as files', async () => {
    const doc = (await (await http.get('/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content: object }; responses: Record<string, { content?: object }> }>> };
    expect(Object.keys(doc.paths['/exchange/export']!.get!.responses['200']!.content!)).toEqual(['application/x-ndjson', 'text/csv']);
    expect(Object.keys(doc.paths['/exchange/import']!.post!.requestBody!.content)).toEqual(['application/x-ndjson', 'text/csv']);
    expect(doc.paths['/exchange/import']!.post!.responses['200']).toBeDefined();
  });
});

async function idOfCompany(code: string): Promise<string> {
  let cursor: string | null = null;
  do {
    const page = (await (await http.get(`/enterprises?limit=100${cursor ? `&cursor=${cursor}` : ''}`, bureau)).json()) as { items: Array<{ id: string; code: string }>; nextCursor: string | null };
    const found = page.items.find((i) => i.code === code);
    if (found) return found.id;
    cursor = page.nextCursor;
  } while (cursor);
  throw new Error(`no company ${code}`);
}
