import pMap from 'p-map';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { CertificateType, certificateNames } from '../../domain/catalog.js';
import { checkCreditCode, checkResidentId } from '../../domain/codes.js';
import { Refusal } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { CreateCaregiverRequest, CreateEnterpriseRequest } from '../../domain/registry-requests.js';
import { cityDate } from '../../domain/time.js';
import { caregiverIdByResidentId, createCaregiver } from '../registry/caregivers.js';
import { createEnterprise, enterpriseIdByCreditCode, updateEnterprise } from '../registry/enterprises.js';
import { isConditionFailed, isTransactionCancelled } from '../shared/errors.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getCaregiver, getEnterprise } from '../shared/registry-store.js';
import type { ImportResult } from '../views.js';
import { type CsvRow, parseCsv } from './csv.js';

type Result = z.infer<typeof ImportResult>;
type RowError = Result['errors'][number];

export const ENTERPRISE_COLUMNS = ['name', 'creditCode', 'licenceNumber', 'licenceValidUntil', 'services', 'siteName', 'siteLat', 'siteLon'] as const;
export const CAREGIVER_COLUMNS = [
  'enterpriseCreditCode', 'name', 'phone', 'residentId', 'certificateType', 'certificateNumber', 'certificateValidUntil', 'homeLat', 'homeLon',
] as const;

/** An empty cell is a missing value, not zero. */
const num = (cell: string | undefined) => (cell === undefined || cell.trim() === '' ? undefined : Number(cell));

/** The CSV column a zod issue in the request shape comes from. */
function columnOf(path: readonly PropertyKey[], columns: Record<string, string>): string {
  const key = path.filter((p) => typeof p === 'string').join('.');
  return columns[key] ?? String(path[0] ?? 'row');
}

function zodErrors(line: number, error: z.ZodError, columns: Record<string, string>): RowError[] {
  return error.issues.map((issue) => {
    const field = columnOf(issue.path, columns);
    return { line, field, message: `${field}: ${issue.message}` };
  });
}

/** A row that could not be written is reported on its line; only a real fault stops the import. */
const refusalError = (line: number, error: unknown, fallbackField: string): RowError => {
  if (error instanceof Refusal) return { line, field: error.field ?? fallbackField, message: error.message };
  if (isConditionFailed(error) || isTransactionCancelled(error)) {
    return { line, field: fallbackField, message: 'the record changed while importing; import the file again' };
  }
  throw error;
};

/** Rows written at once: enough to finish a full file in seconds, few enough not to throttle the table. */
const CONCURRENCY = 8;

const finish = (imported: number, skipped: number, errors: RowError[]): Result => ({
  imported,
  skipped,
  errors: errors.sort((a, b) => a.line - b.line),
});

const ENTERPRISE_FIELDS: Record<string, string> = { 'sites.name': 'siteName', 'sites.lat': 'siteLat', 'sites.lon': 'siteLon' };

/**
 * Companies, one site per row (repeat the company for more sites). A company
 * whose credit code is already registered is skipped, so importing the same
 * file twice creates nothing new. Imported companies start `registered`.
 */
export async function importEnterprises(p: Platform, text: string, principal: Principal): Promise<Result> {
  const rows = parseCsv(text, ENTERPRISE_COLUMNS);
  const errors: RowError[] = [];
  const companies = new Map<string, { line: number; request: z.infer<typeof CreateEnterpriseRequest> }>();
  for (const { line, values } of rows) {
    const credit = checkCreditCode(values.creditCode ?? '');
    if (!credit.ok) {
      errors.push({ line, field: 'creditCode', message: `creditCode: ${credit.reason}` });
      continue;
    }
    const parsed = CreateEnterpriseRequest.safeParse({
      name: values.name,
      creditCode: credit.value,
      licenceNumber: values.licenceNumber,
      licenceValidUntil: values.licenceValidUntil,
      services: (values.services ?? '').split('|').map((s) => s.trim()).filter(Boolean),
      sites: [{ name: values.siteName, lat: num(values.siteLat), lon: num(values.siteLon) }],
    });
    if (!parsed.success) {
      errors.push(...zodErrors(line, parsed.error, ENTERPRISE_FIELDS));
      continue;
    }
    const known = companies.get(credit.value);
    if (known) known.request.sites.push(...parsed.data.sites);
    else companies.set(credit.value, { line, request: parsed.data });
  }
  let imported = 0;
  let skipped = 0;
  await pMap([...companies.values()], async ({ line, request }) => {
    try {
      const existingId = await enterpriseIdByCreditCode(p, request.creditCode);
      if (!existingId) {
        await createEnterprise(p, request, `${principal.role}:${principal.orgId}`);
        imported++;
        return;
      }
      // Known already: only sites it lacks are added, so a corrected row takes effect and a repeat changes nothing.
      const existing = await getEnterprise(p, existingId);
      const have = new Set(existing?.sites.map((s) => s.name));
      const missing = request.sites.filter((s) => !have.has(s.name));
      if (!existing || missing.length === 0) {
        skipped++;
        return;
      }
      await updateEnterprise(p, existingId, { sites: [...existing.sites.map((s) => ({ name: s.name, ...s.location })), ...missing] }, principal);
      imported++;
    } catch (error) {
      errors.push(refusalError(line, error, 'creditCode'));
    }
  }, { concurrency: CONCURRENCY });
  return finish(imported, skipped, errors);
}

const CAREGIVER_FIELDS: Record<string, string> = {
  'certificates.type': 'certificateType',
  'certificates.number': 'certificateNumber',
  'certificates.validUntil': 'certificateValidUntil',
  'home.lat': 'homeLat',
  'home.lon': 'homeLon',
};

/** Accepts the API code (`elderCare`) or the certificate's Chinese name (`养老护理员`). */
function certificateTypeOf(cell: string): z.infer<typeof CertificateType> | undefined {
  const byCode = CertificateType.safeParse(cell);
  if (byCode.success) return byCode.data;
  return (Object.keys(certificateNames) as Array<z.infer<typeof CertificateType>>).find((t) => certificateNames[t].zh === cell);
}

/**
 * Caregivers, one certificate per row (repeat the person for more). A person
 * already registered gets the certificates they lack; with none new, the row
 * is skipped. Every row is checked on its own and reported by line.
 */
export async function importCaregivers(p: Platform, text: string, principal: Principal): Promise<Result> {
  const rows: CsvRow[] = parseCsv(text, CAREGIVER_COLUMNS);
  const errors: RowError[] = [];
  const enterpriseByCode = new Map<string, string | undefined>();
  const people = new Map<string, { line: number; request: z.infer<typeof CreateCaregiverRequest> }>();
  const today = cityDate(p.clock.now());
  for (const { line, values } of rows) {
    const credit = checkCreditCode(values.enterpriseCreditCode ?? '');
    if (!credit.ok) {
      errors.push({ line, field: 'enterpriseCreditCode', message: `enterpriseCreditCode: ${credit.reason}` });
      continue;
    }
    if (!enterpriseByCode.has(credit.value)) enterpriseByCode.set(credit.value, await enterpriseIdByCreditCode(p, credit.value));
    const enterpriseId = enterpriseByCode.get(credit.value);
    if (!enterpriseId) {
      errors.push({ line, field: 'enterpriseCreditCode', message: 'enterpriseCreditCode: no company with this credit code is registered' });
      continue;
    }
    if (principal.role === 'enterprise' && principal.orgId !== enterpriseId) {
      errors.push({ line, field: 'enterpriseCreditCode', message: 'enterpriseCreditCode: a company may only import its own caregivers' });
      continue;
    }
    const resident = checkResidentId(values.residentId ?? '', today);
    if (!resident.ok) {
      errors.push({ line, field: 'residentId', message: `residentId: ${resident.reason}` });
      continue;
    }
    const type = certificateTypeOf(values.certificateType ?? '');
    if (!type) {
      errors.push({ line, field: 'certificateType', message: `certificateType: unknown certificate type "${values.certificateType ?? ''}"` });
      continue;
    }
    const parsed = CreateCaregiverRequest.safeParse({
      enterpriseId,
      name: values.name,
      phone: values.phone,
      residentId: resident.value.value,
      certificates: [{ type, number: values.certificateNumber, validUntil: values.certificateValidUntil }],
      home: { lat: num(values.homeLat), lon: num(values.homeLon) },
    });
    if (!parsed.success) {
      errors.push(...zodErrors(line, parsed.error, CAREGIVER_FIELDS));
      continue;
    }
    const known = people.get(resident.value.value);
    if (!known) people.set(resident.value.value, { line, request: parsed.data });
    else if (known.request.enterpriseId !== enterpriseId) {
      errors.push({ line, field: 'enterpriseCreditCode', message: `enterpriseCreditCode: line ${known.line} gives this person another employer` });
    } else known.request.certificates.push(...parsed.data.certificates);
  }

  let imported = 0;
  let skipped = 0;
  const employers = new Map(
    (await Promise.all([...new Set([...people.values()].map((x) => x.request.enterpriseId))].map((id) => getEnterprise(p, id))))
      .filter((e) => e !== undefined)
      .map((e) => [e.id, e] as const),
  );
  await pMap([...people], async ([residentId, { line, request }]) => {
    try {
      const existingId = await caregiverIdByResidentId(p, residentId);
      if (!existingId) {
        await createCaregiver(p, request, principal, employers.get(request.enterpriseId));
        imported++;
        return;
      }
      const existing = await getCaregiver(p, existingId);
      if (!existing || existing.enterpriseId !== request.enterpriseId) {
        errors.push({ line, field: 'residentId', message: 'residentId: this person is registered with another company; the bureau can move them (PATCH /caregivers/{id} with enterpriseId)' });
        return;
      }
      const held = new Set(existing.certificates.map((c) => `${c.type}#${c.number}`));
      const added = request.certificates.filter((c) => !held.has(`${c.type}#${c.number}`));
      if (added.length === 0) {
        skipped++;
        return;
      }
      await p.db.send(
        new UpdateCommand({
          TableName: p.config.tableName,
          Key: keys.caregiver(existingId),
          UpdateExpression: 'SET certificates = list_append(certificates, :added)',
          // Only onto the list as read: two imports at once cannot both append.
          ConditionExpression: 'size(certificates) = :held',
          ExpressionAttributeValues: { ':added': added, ':held': existing.certificates.length },
        }),
      );
      imported++;
    } catch (error) {
      errors.push(refusalError(line, error, 'residentId'));
    }
  }, { concurrency: CONCURRENCY });
  return finish(imported, skipped, errors);
}
