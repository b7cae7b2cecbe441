import pMap from 'p-map';
import { PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type CreditHistoryEntry, type CreditRecord, CreditRecordSchema, type CreditSubject } from '../../domain/credit.js';
import { Refusal, badRequest } from '../../domain/errors.js';
import {
  CSV_BOM,
  CSV_COLUMNS,
  type CaregiverRef,
  type CompanyRef,
  EXCHANGE_LIMITS,
  type ExchangeCaregiver,
  type ExchangeEnterprise,
  type ImportRecord,
  type NationalCreditRecord,
  type RecordIssue,
  type RegistryLookup,
  canonicalJson,
  csvColumnOf,
  type CsvLayout,
  csvLayoutOf,
  csvLine,
  fromCsvCells,
  identityOf,
  matchSubject,
  readImportRecord,
  toCsvCells,
  toExchangeCaregiver,
  toExchangeEnterprise,
} from '../../domain/exchange.js';
import { type Caregiver, CaregiverSchema, type Enterprise, EnterpriseSchema, EnterpriseStatus, Id } from '../../domain/registry.js';
import { cityDate, toCityTime } from '../../domain/time.js';
import { decodeUtf8, parseCsv, uploadedBytes } from '../imports/csv.js';
import { creditHistory } from '../shared/credit-store.js';
import { isConditionFailed } from '../shared/errors.js';
import type { HttpEvent, HttpResult } from '../shared/http.js';
import { keys, lists } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { batchGet, parseItem, queryAll } from '../shared/store.js';
import type { ImportResult } from '../views.js';

/**
 * The national credit exchange (docs/decisions/0014): export pages of the
 * city's companies or caregivers with their credit, and import the national
 * system's records beside our own scores. Reads are Queries on the city's
 * company list and each company's caregiver list, a BatchGet of credit items
 * and one Query per subject's history; never a Scan.
 */

type Result = z.infer<typeof ImportResult>;
type RowError = Result['errors'][number];

export const ExportQuery = z.object({
  kind: z.enum(['enterprises', 'caregivers']),
  format: z.enum(['jsonl', 'csv']),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(EXCHANGE_LIMITS.records).default(EXCHANGE_LIMITS.records),
});
export type ExportQuery = z.infer<typeof ExportQuery>;

/** Where the next page starts: after this company, or after this caregiver of it. */
const ExportCursor = z.object({
  kind: z.enum(['enterprises', 'caregivers']),
  enterpriseId: Id,
  status: EnterpriseStatus,
  afterCaregiverId: Id.optional(),
});
type ExportCursor = z.infer<typeof ExportCursor>;

const badCursor = () => badRequest('INVALID_FIELD', 'cursor: not a cursor this export gave out', 'cursor');
const encodeCursor = (cursor: ExportCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decodeCursor(text: string, kind: ExportQuery['kind']): ExportCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const parsed = ExportCursor.safeParse(value);
  if (!parsed.success || parsed.data.kind !== kind) throw badCursor();
  return parsed.data;
}

/** Reads at once: enough to export a city in seconds, few enough not to throttle the table. */
const CONCURRENCY = 8;

// ------------------------------------------------------------ registry reads

const companyListKey = (company: Pick<Enterprise, 'id' | 'status'>) => ({ ...keys.enterprise(company.id), ...lists.enterprisesOfCity(company.status, company.id) });

/** One page of the city's companies, every status, after `after`. */
async function companiesAfter(p: Platform, after: Pick<Enterprise, 'id' | 'status'> | undefined, limit: number) {
  let result: QueryCommandOutput;
  try {
    result = await p.db.send(
      new QueryCommand({
        TableName: p.config.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': lists.enterprisesOfCity('', '').GSI1PK },
        Limit: limit,
        ...(after ? { ExclusiveStartKey: companyListKey(after) } : {}),
      }),
    );
  } catch (error) {
    if (after && error instanceof Error && error.name === 'ValidationException') throw badCursor();
    throw error;
  }
  return { companies: (result.Items ?? []).map((i) => parseItem(EnterpriseSchema, i)), more: result.LastEvaluatedKey !== undefined };
}

async function allCompanies(p: Platform): Promise<Enterprise[]> {
  const items = await queryAll(p, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': lists.enterprisesOfCity('', '').GSI1PK } });
  return items.map((i) => parseItem(EnterpriseSchema, i));
}

async function caregiversOf(p: Platform, enterpriseId: string, afterCaregiverId?: string): Promise<Caregiver[]> {
  const list = lists.caregiversOfEnterprise(enterpriseId, afterCaregiverId ?? '');
  const items = await queryAll(p, {
    IndexName: 'GSI1',
    KeyConditionExpression: afterCaregiverId ? 'GSI1PK = :pk AND GSI1SK > :after' : 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': list.GSI1PK, ...(afterCaregiverId ? { ':after': list.GSI1SK } : {}) },
  });
  return items.map((i) => parseItem(CaregiverSchema, i));
}

async function creditsOf(p: Platform, subject: CreditSubject, ids: readonly string[]): Promise<Map<string, CreditRecord>> {
  const items = await batchGet(p, ids.map((id) => keys.credit(subject, id)));
  return new Map(items.map((i) => parseItem(CreditRecordSchema, i)).map((c) => [c.id, c] as const));
}

/** The newest history entries of each subject that has a credit item (no item, no history: they are written together). */
async function historiesOf(p: Platform, subject: CreditSubject, ids: readonly string[]): Promise<Map<string, CreditHistoryEntry[]>> {
  const histories = await pMap(ids, async (id) => [id, await creditHistory(p, subject, id, EXCHANGE_LIMITS.historyEntries)] as const, { concurrency: CONCURRENCY });
  return new Map(histories);
}

// -------------------------------------------------------------------- export

interface Page<T> {
  /** Each subject with the cursor that resumes after it. */
  entries: Array<{ item: T; resume: ExportCursor }>;
  /** Whether subjects remain after the last entry. */
  more: boolean;
}

async function enterprisePage(p: Platform, cursor: ExportCursor | undefined, limit: number): Promise<Page<Enterprise>> {
  const { companies, more } = await companiesAfter(p, cursor && { id: cursor.enterpriseId, status: cursor.status }, limit);
  return { entries: companies.map((c) => ({ item: c, resume: { kind: 'enterprises', enterpriseId: c.id, status: c.status } })), more };
}

/** Companies read at once while gathering caregivers. */
const COMPANY_BATCH = 50;

async function caregiverPage(p: Platform, cursor: ExportCursor | undefined, limit: number): Promise<Page<{ caregiver: Caregiver; employer: Enterprise }>> {
  const entries: Page<{ caregiver: Caregiver; employer: Enterprise }>['entries'] = [];
  const add = (employer: Enterprise, staff: readonly Caregiver[]) => {
    for (const caregiver of staff) {
      entries.push({ item: { caregiver, employer }, resume: { kind: 'caregivers', enterpriseId: employer.id, status: employer.status, afterCaregiverId: caregiver.id } });
    }
  };
  // First the rest of the company the last page stopped in.
  if (cursor?.afterCaregiverId) {
    const [employerItem] = await batchGet(p, [keys.enterprise(cursor.enterpriseId)]);
    if (employerItem) add(parseItem(EnterpriseSchema, employerItem), await caregiversOf(p, cursor.enterpriseId, cursor.afterCaregiverId));
  }
  let after = cursor && { id: cursor.enterpriseId, status: cursor.status };
  let more = true;
  while (more && entries.length < limit) {
    const page = await companiesAfter(p, after, COMPANY_BATCH);
    const staff = await pMap(page.companies, (c) => caregiversOf(p, c.id), { concurrency: CONCURRENCY });
    page.companies.forEach((c, i) => add(c, staff[i]!));
    more = page.more;
    const last = page.companies.at(-1);
    if (last) after = { id: last.id, status: last.status };
  }
  return { entries: entries.slice(0, limit), more: more || entries.length > limit };
}

export interface ExportFile {
  contentType: string;
  filename: string;
  body: string;
  nextCursor: string | null;
}

/**
 * One page of the export: at most `limit` records and EXCHANGE_LIMITS.bytes,
 * so that every page can be imported again as it is.
 */
export async function exportPage(p: Platform, query: ExportQuery): Promise<ExportFile> {
  const cursor = query.cursor ? decodeCursor(query.cursor, query.kind) : undefined;
  const subject: CreditSubject = query.kind === 'enterprises' ? 'enterprise' : 'caregiver';
  const page = query.kind === 'enterprises' ? await enterprisePage(p, cursor, query.limit) : await caregiverPage(p, cursor, query.limit);
  const ids = page.entries.map(({ item }) => ('caregiver' in item ? item.caregiver.id : item.id));
  const credits = await creditsOf(p, subject, ids);
  // CSV carries no history: its Queries are saved.
  const histories = query.format === 'jsonl' ? await historiesOf(p, subject, ids.filter((id) => credits.has(id))) : new Map<string, CreditHistoryEntry[]>();
  const records: Array<ExchangeEnterprise | ExchangeCaregiver> = page.entries.map(({ item }) => {
    const id = 'caregiver' in item ? item.caregiver.id : item.id;
    const credit = credits.get(id);
    const history = histories.get(id) ?? [];
    return 'caregiver' in item ? toExchangeCaregiver(item.caregiver, item.employer, credit, history) : toExchangeEnterprise(item, credit, history);
  });

  const layout = subject;
  const head = query.format === 'csv' ? `${CSV_BOM}${csvLine(CSV_COLUMNS[layout])}` : '';
  const lines = records.map((r) => (query.format === 'csv' ? csvLine(toCsvCells(r)) : `${JSON.stringify(r)}\n`));
  let bytes = Buffer.byteLength(head);
  let kept = 0;
  while (kept < lines.length && (kept === 0 || bytes + Buffer.byteLength(lines[kept]!) <= EXCHANGE_LIMITS.bytes)) bytes += Buffer.byteLength(lines[kept++]!);
  const more = page.more || kept < lines.length;
  const date = cityDate(p.clock.now()).replaceAll('-', '');
  return {
    contentType: query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    filename: `wuhai-credit-${query.kind}-${date}.${query.format}`,
    body: head + lines.slice(0, kept).join(''),
    nextCursor: more && kept > 0 ? encodeCursor(page.entries[kept - 1]!.resume) : null,
  };
}

export const exportResponse = (file: ExportFile): HttpResult => ({
  statusCode: 200,
  headers: {
    'content-type': file.contentType,
    'content-disposition': `attachment; filename="${file.filename}"`,
    'cache-control': 'no-store',
    ...(file.nextCursor ? { 'x-next-cursor': file.nextCursor } : {}),
  },
  body: file.body,
});

// -------------------------------------------------------------------- import

export type UploadFormat = 'jsonl' | 'csv';

/** The uploaded file as UTF-8 text and its format, or the refusal that fits. */
export function readUpload(event: HttpEvent): { text: string; format: UploadFormat } {
  const contentType = event.headers['content-type'] ?? '';
  const format: UploadFormat | undefined = /^application\/x-ndjson\s*(;|$)/i.test(contentType) ? 'jsonl' : /^text\/csv\s*(;|$)/i.test(contentType) ? 'csv' : undefined;
  if (!format) throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON Lines as application/x-ndjson or CSV as text/csv (UTF-8)', 'content-type');
  const bytes = uploadedBytes(event.body ?? '', event.isBase64Encoded);
  if (bytes.length > EXCHANGE_LIMITS.bytes) throw new Refusal(413, 'TOO_LARGE', `at most ${EXCHANGE_LIMITS.bytes} bytes per file; split it`, 'body');
  const text = decodeUtf8(bytes);
  if (!text.replace(/^\uFEFF/, '').trim()) throw badRequest('BODY_REQUIRED', 'the file is empty', 'body');
  return { text, format };
}

interface ReadRow {
  line: number;
  record?: ImportRecord;
  errors?: RowError[];
}

const issueErrors = (line: number, issues: readonly RecordIssue[], fieldOf: (path: readonly PropertyKey[]) => string): RowError[] =>
  issues.map((issue) => {
    const field = fieldOf(issue.path);
    return { line, field, message: `${field}: ${issue.message}` };
  });

const tooMany = () => new Refusal(413, 'TOO_MANY_ROWS', `at most ${EXCHANGE_LIMITS.records} records per file; split it`, 'body');

function readJsonLines(text: string): ReadRow[] {
  const rows: ReadRow[] = [];
  const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || 'body';
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1;
      if (!raw.trim()) return;
      if (rows.length === EXCHANGE_LIMITS.records) throw tooMany();
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        rows.push({ line, errors: [{ line, field: 'body', message: 'body: this line is not JSON' }] });
        return;
      }
      const read = readImportRecord(value);
      rows.push(read.ok ? { line, record: read.value } : { line, errors: issueErrors(line, read.issues, fieldOf) });
    });
  return rows;
}

function readCsv(text: string): ReadRow[] {
  // The header says which layout the file is in, and so which columns it needs.
  let layout: CsvLayout = 'national';
  const rows = parseCsv(
    text,
    (header) => {
      const read = csvLayoutOf(header);
      layout = read.layout;
      return read.required;
    },
    EXCHANGE_LIMITS.records,
  );
  return rows.map(({ line, values }) => {
    const read = readImportRecord(fromCsvCells(layout, values));
    return read.ok ? { line, record: read.value } : { line, errors: issueErrors(line, read.issues, csvColumnOf) };
  });
}

const PublicCodeItem = z.object({ kind: z.enum(['enterprise', 'caregiver']), id: z.string() });

/** Reads only what the file's records need to be matched. */
async function registryLookup(p: Platform, records: readonly ImportRecord[]): Promise<RegistryLookup> {
  const identities = records.map(identityOf);
  const cardOnly = identities.some((i) => i.recordType === 'caregiver' && !i.publicCode && i.serviceCardNumber);
  const companies = identities.some((i) => i.recordType === 'enterprise') || cardOnly ? await allCompanies(p) : [];
  const byLicence = new Map<string, CompanyRef[]>();
  for (const c of companies) byLicence.set(c.licenceNumber, [...(byLicence.get(c.licenceNumber) ?? []), c]);

  const codes = [...new Set(identities.filter((i) => i.recordType === 'caregiver' && i.publicCode).map((i) => i.publicCode!))];
  const owners = new Map(
    (await batchGet(p, codes.map(keys.publicCode))).map((item) => [String(item.PK).slice('CODE#'.length), parseItem(PublicCodeItem, item)] as const),
  );
  const caregiverIds = [...owners.values()].filter((o) => o.kind === 'caregiver').map((o) => o.id);
  const caregivers = new Map((await batchGet(p, caregiverIds.map(keys.caregiver))).map((i) => parseItem(CaregiverSchema, i)).map((c) => [c.id, c] as const));

  // A service card alone is found by reading every company's caregivers: rare, and a bulk job anyway.
  const byCard = new Map<string, CaregiverRef[]>();
  if (cardOnly) {
    for (const staff of await pMap(companies, (c) => caregiversOf(p, c.id), { concurrency: CONCURRENCY })) {
      for (const c of staff) byCard.set(c.serviceCardNumber, [...(byCard.get(c.serviceCardNumber) ?? []), c]);
    }
  }
  return {
    companiesWithLicence: (licenceNumber) => byLicence.get(licenceNumber) ?? [],
    byPublicCode: (code) => {
      const owner = owners.get(code);
      if (!owner) return undefined;
      if (owner.kind === 'enterprise') return { kind: 'enterprise', id: owner.id };
      const caregiver = caregivers.get(owner.id);
      return caregiver ? { kind: 'caregiver', caregiver } : undefined;
    },
    caregiversWithCard: (serviceCardNumber) => byCard.get(serviceCardNumber) ?? [],
  };
}

const StoredRecord = z.object({ record: z.object({ updatedAt: z.string() }).loose(), importedAt: z.string() });

/**
 * Imports a file of national records (JSON Lines or CSV). Each row is
 * matched to its subject (`matchSubject`); a row that matches nothing, or
 * inconsistently, is an error naming the field, and nothing is written for
 * it. A matched national record is kept as the subject's latest; the same
 * record again, or one of our own export records (no national grade), is
 * matched and skipped. A record older than the one kept is refused.
 */
export async function importExchange(p: Platform, text: string, format: UploadFormat): Promise<Result> {
  const rows = format === 'jsonl' ? readJsonLines(text) : readCsv(text);
  const errors: RowError[] = rows.flatMap((r) => r.errors ?? []);
  const readable = rows.filter((r): r is ReadRow & { record: ImportRecord } => r.record !== undefined);
  const lookup = await registryLookup(p, readable.map((r) => r.record));

  let skipped = 0;
  const national = new Map<string, { subject: CreditSubject; id: string; rows: Array<{ line: number; record: NationalCreditRecord }> }>();
  for (const { line, record } of readable) {
    const match = matchSubject(identityOf(record), lookup);
    if (!match.ok) errors.push({ line, field: match.field, message: match.message });
    else if (record.kind === 'own') skipped++;
    else {
      const key = `${match.subject}#${match.id}`;
      const group = national.get(key) ?? { subject: match.subject, id: match.id, rows: [] };
      group.rows.push({ line, record: record.record });
      national.set(key, group);
    }
  }

  const groups = [...national.values()];
  const kept = new Map(
    (await batchGet(p, groups.map((g) => keys.nationalCredit(g.subject, g.id)))).map((item) => [String(item.PK), parseItem(StoredRecord, item)] as const),
  );
  let imported = 0;
  // Subjects in parallel; one subject's rows in file order, so the later of two records wins.
  await pMap(groups, async ({ subject, id, rows: subjectRows }) => {
    const key = keys.nationalCredit(subject, id);
    let current = kept.get(key.PK);
    for (const { line, record } of subjectRows) {
      if (current && canonicalJson(current.record) === canonicalJson(record)) {
        skipped++;
        continue;
      }
      if (current && Date.parse(current.record.updatedAt) > Date.parse(record.updatedAt)) {
        errors.push({ line, field: 'updatedAt', message: `updatedAt: older than the national record already kept (${current.record.updatedAt})` });
        continue;
      }
      const importedAt = toCityTime(p.clock.now());
      try {
        await p.db.send(
          new PutCommand({
            TableName: p.config.tableName,
            Item: { ...key, entity: 'NationalCredit', subject, id, record, importedAt },
            // Only over the record as read: a concurrent import of the same subject is told, not overwritten.
            ConditionExpression: current ? 'importedAt = :seen' : 'attribute_not_exists(PK)',
            ...(current ? { ExpressionAttributeValues: { ':seen': current.importedAt } } : {}),
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        errors.push({ line, field: 'body', message: 'body: this subject’s national record changed while importing; import the file again' });
        continue;
      }
      current = { record, importedAt };
      imported++;
    }
  }, { concurrency: CONCURRENCY });
  return { imported, skipped, errors: errors.sort((a, b) => a.line - b.line) };
}
