import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caregiverBody, companyBody, creditCode, residentId } from '../support/bodies.js';
import type { LocalPlatform } from '../../local/platform.js';
import { type Api, api, countItems, smsAbout, startTestPlatform, waitFor, workday } from '../support/platform.js';

let local: LocalPlatform;
let http: Api;
let bureau: string;

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; field?: string; message: string } }).error;

const itemCount = () => countItems(local);

async function createCompany(over: Record<string, unknown> = {}) {
  const res = await http.post('/enterprises', companyBody(over), bureau);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; code: string; status: string };
}

beforeAll(async () => {
  local = await startTestPlatform({ seedScale: 0.02 });
  http = api(local.url);
  bureau = await http.token('bureau', '150300');
});

afterAll(async () => {
  await local?.stop();
});

describe('the 1+N+20 city', () => {
  it('has the 20 streets of Wuhai, each with one hub centre', async () => {
    const streets = ((await (await http.get('/streets', bureau)).json()) as { items: Array<{ id: string; hubCenterId: string; district: string }> }).items;
    expect(streets).toHaveLength(20);
    const centers = ((await (await http.get('/centers', bureau)).json()) as { items: Array<{ id: string; kind: string; streetId: string }> }).items;
    for (const street of streets) {
      const hubs = centers.filter((c) => c.streetId === street.id && c.kind === 'hub');
      expect(hubs.map((h) => h.id)).toEqual([street.hubCenterId]);
    }
    expect(centers.filter((c) => c.kind === 'window')).toHaveLength(20);
  });
});

describe('companies', () => {
  it('registers, licenses, suspends, reinstates and revokes a company, keeping every change with its reason', async () => {
    const created = await createCompany();
    expect(created).toMatchObject({ status: 'registered', code: expect.stringMatching(/^[A-Z0-9]{10}$/) });
    const step = async (action: string, reason: string) => {
      const res = await http.post(`/enterprises/${created.id}/${action}`, { reason }, bureau);
      expect(res.status).toBe(200);
      return (await res.json()) as { status: string; history: Array<{ action: string; reason: string; actor: string }> };
    };
    expect((await step('licence', '材料齐全，准予持证经营')).status).toBe('licensed');
    expect((await step('suspend', '投诉核实，暂停接单')).status).toBe('suspended');
    expect((await step('reinstate', '整改完成')).status).toBe('licensed');
    const revoked = await step('revoke', '严重违规');
    expect(revoked.status).toBe('revoked');
    expect(revoked.history.map((h) => h.action)).toEqual(['registered', 'licensed', 'suspended', 'reinstated', 'revoked']);
    expect(revoked.history[2]).toMatchObject({ reason: '投诉核实，暂停接单', actor: 'bureau:150300' });
  });

  it('refuses transitions that make no sense, and licences that have expired', async () => {
    const created = await createCompany({ licenceValidUntil: '2020-01-01' });
    const suspend = await http.post(`/enterprises/${created.id}/suspend`, { reason: '测试' }, bureau);
    expect(suspend.status).toBe(409);
    expect(await errorOf(suspend)).toMatchObject({ code: 'INVALID_TRANSITION', field: 'status' });
    const licence = await http.post(`/enterprises/${created.id}/licence`, { reason: '测试' }, bureau);
    expect(licence.status).toBe(422);
    expect(await errorOf(licence)).toMatchObject({ code: 'LICENCE_EXPIRED', field: 'licenceValidUntil' });
    expect((await http.post(`/enterprises/${created.id}/licence`, {}, bureau)).status).toBe(400);
  });

  it.each([
    ['a bad check character', { creditCode: '91350100M000100Y44' }, 'INVALID_CREDIT_CODE', 'creditCode'],
    ['no sites', { sites: [] }, 'INVALID_FIELD', 'sites'],
    ['an unknown service', { services: ['massage'] }, 'INVALID_FIELD', 'services.0'],
    ['a date that is not one', { licenceValidUntil: '2029-02-30' }, 'INVALID_FIELD', 'licenceValidUntil'],
  ])('refuses a company with %s, writing nothing', async (_name, over, code, field) => {
    const before = await itemCount();
    const res = await http.post('/enterprises', companyBody(over), bureau);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code, field });
    expect(await itemCount()).toBe(before);
  });

  it('refuses a second company with the same credit code', async () => {
    const body = companyBody();
    expect((await http.post('/enterprises', body, bureau)).status).toBe(201);
    const before = await itemCount();
    const again = await http.post('/enterprises', { ...body, name: '另一家公司' }, bureau);
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: 'CREDIT_CODE_TAKEN', field: 'creditCode' });
    expect(await itemCount()).toBe(before);
  });

  it('lists companies by status, page by page', async () => {
    const first = (await (await http.get('/enterprises?status=licensed&limit=2', bureau)).json()) as { items: Array<{ id: string; status: string }>; nextCursor: string };
    expect(first.items).toHaveLength(2);
    expect(first.items.every((e) => e.status === 'licensed')).toBe(true);
    const second = (await (await http.get(`/enterprises?status=licensed&limit=2&cursor=${first.nextCursor}`, bureau)).json()) as { items: Array<{ id: string }> };
    expect(second.items.map((e) => e.id)).not.toContain(first.items[0]!.id);
    const bad = await http.get('/enterprises?cursor=nonsense', bureau);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).field).toBe('cursor');
    expect((await http.get('/enterprises?status=sleeping', bureau)).status).toBe(400);
  });

  it('lets a company see and change only itself, and not its licence', async () => {
    const mine = await createCompany();
    const other = await createCompany();
    const company = await http.token('enterprise', mine.id);
    expect((await http.get(`/enterprises/${mine.id}`, company)).status).toBe(200);
    expect((await http.get(`/enterprises/${other.id}`, company)).status).toBe(403);
    expect((await http.post('/enterprises', companyBody(), company)).status).toBe(403);
    const patch = await fetch(`${http.url}/enterprises/${mine.id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${company}`, 'content-type': 'application/json' }, body: JSON.stringify({ services: ['cleaning', 'laundry'] }),
    });
    expect(patch.status).toBe(200);
    expect(((await patch.json()) as { services: string[] }).services).toEqual(['cleaning', 'laundry']);
    const licence = await fetch(`${http.url}/enterprises/${mine.id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${company}`, 'content-type': 'application/json' }, body: JSON.stringify({ licenceValidUntil: '2040-01-01' }),
    });
    expect(licence.status).toBe(403);
    expect((await errorOf(licence)).field).toBe('licenceValidUntil');
  });
});

describe('caregivers', () => {
  it('are registered by their company, with the ID number never stored or shown in full', async () => {
    const company = await createCompany();
    const token = await http.token('enterprise', company.id);
    const body = caregiverBody(company.id);
    const res = await http.post('/caregivers', body, token);
    expect(res.status).toBe(201);
    const { id, code } = (await res.json()) as { id: string; code: string };
    expect(code).toMatch(/^[A-Z0-9]{10}$/);
    const detail = await (await http.get(`/caregivers/${id}`, token)).text();
    expect(detail).not.toContain(body.residentId);
    const shown = JSON.parse(detail) as Record<string, unknown>;
    expect(shown).toMatchObject({ residentIdMasked: `${body.residentId.slice(0, 2)}**************${body.residentId.slice(-2)}`, birthYear: 1980, phone: body.phone });
    // Not even the birth date: with it, the masked number could be rebuilt.
    expect(shown.birthDate).toBeUndefined();
    const { Items = [] } = await local.platform.db.send(new ScanCommand({ TableName: local.platform.config.tableName }));
    expect(JSON.stringify(Items)).not.toContain(body.residentId);
    const list = (await (await http.get(`/caregivers?enterpriseId=${company.id}`, bureau)).json()) as { items: Array<Record<string, unknown>> };
    expect(list.items).toEqual([{ id, code, maskedName: '刘*芳', status: 'active', certificates: body.certificates }]);
  });

  it('refuses bad IDs, phones, certificates, duplicates and other companies, writing nothing', async () => {
    const company = await createCompany();
    const other = await createCompany();
    const token = await http.token('enterprise', company.id);
    const taken = caregiverBody(company.id);
    expect((await http.post('/caregivers', taken, token)).status).toBe(201);
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [caregiverBody(company.id, { residentId: '150302198001010011' }), 400, 'INVALID_RESIDENT_ID', 'residentId'],
      [caregiverBody(company.id, { phone: '0473-1234567' }), 400, 'INVALID_FIELD', 'phone'],
      [caregiverBody(company.id, { certificates: [{ type: 'wizard', number: '1', validUntil: '2029-01-01' }] }), 400, 'INVALID_FIELD', 'certificates.0.type'],
      [caregiverBody(company.id, { certificates: [{ type: 'elderCare', number: '1', validFrom: '2030-01-01', validUntil: '2029-01-01' }] }), 400, 'INVALID_FIELD', 'certificates.0.validFrom'],
      [caregiverBody(company.id, { residentId: taken.residentId }), 409, 'CAREGIVER_ALREADY_REGISTERED', 'residentId'],
      [caregiverBody(other.id), 403, 'NOT_YOUR_COMPANY', 'enterpriseId'],
    ];
    for (const [body, status, code, field] of cases) {
      const before = await itemCount();
      const res = await http.post('/caregivers', body, token);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await errorOf(res)).toMatchObject({ code, field });
      expect(await itemCount()).toBe(before);
    }
  });

  it('can be updated by their company; another company sees nothing', async () => {
    const company = await createCompany();
    const token = await http.token('enterprise', company.id);
    const { id } = (await (await http.post('/caregivers', caregiverBody(company.id), token)).json()) as { id: string };
    const patch = await fetch(`${http.url}/caregivers/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ maxVisitsPerDay: 4, languages: ['mandarin', 'mongolian'], home: { lat: 39.68, lon: 106.82, crs: 'gcj02' } }),
    });
    expect(patch.status).toBe(200);
    const updated = (await patch.json()) as { maxVisitsPerDay: number; languages: string[]; location: { lat: number; lon: number } };
    expect(updated).toMatchObject({ maxVisitsPerDay: 4, languages: ['mandarin', 'mongolian'] });
    expect(updated.location.lat).not.toBe(39.68); // converted from GCJ-02
    const stranger = await http.token('enterprise', (await createCompany()).id);
    expect((await http.get(`/caregivers/${id}`, stranger)).status).toBe(404);
    expect((await http.get(`/caregivers?enterpriseId=${company.id}`, stranger)).status).toBe(403);
  });
});

describe('elders', () => {
  const elderBody = (over: Record<string, unknown> = {}) => ({
    name: '张建华',
    address: '乌海市海勃湾区人民路18号3单元201',
    location: { lat: 39.674, lon: 106.813 },
    careLevel: 'moderate',
    phone: '13904735678',
    consent: { givenBy: '张建华', givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
    ...over,
  });

  it('are registered by a centre, with the community derived and coordinates converted; others see them masked', async () => {
    const center = await http.token('center', 'ctr-xinhua-hub');
    const res = await http.post('/elders', elderBody({ location: { lat: 39.675, lon: 106.819, crs: 'bd09' }, residentId: residentId('19450302') }), center);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const full = (await (await http.get(`/elders/${id}`, center)).json()) as { name: string; communityId: string; streetId: string; location: { lat: number }; birthDate: string };
    expect(full).toMatchObject({ name: '张建华', birthDate: '1945-03-02' });
    expect(full.communityId).toMatch(/^cm-/);
    expect(full.location.lat).not.toBe(39.675);
    const masked = await (await http.get(`/elders/${id}`, bureau)).text();
    expect(JSON.parse(masked)).toMatchObject({ maskedName: '张*华', maskedPhone: '139****5678' });
    for (const secret of ['张建华', '13904735678', '人民路']) expect(masked).not.toContain(secret);
    expect((await http.get(`/elders/${id}`, await http.token('center', 'ctr-binhe-hub'))).status).toBe(404);
    const listed = (await (await http.get('/elders', center)).json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((e) => e.id)).toContain(id);
  });

  it('finds the same person registered twice, by any centre', async () => {
    const id = residentId('19400101');
    expect((await http.post('/elders', elderBody({ residentId: id }), await http.token('center', 'ctr-xinhua-hub'))).status).toBe(201);
    const before = await itemCount();
    const again = await http.post('/elders', elderBody({ residentId: id }), await http.token('center', 'ctr-binhe-hub'));
    expect(again.status).toBe(409);
    const error = await errorOf(again);
    expect(error).toMatchObject({ code: 'ELDER_ALREADY_REGISTERED', field: 'residentId' });
    expect(error.message).toContain('another centre');
    expect(await itemCount()).toBe(before);
  });

  it.each([
    ['no consent', { consent: undefined }, 'consent'],
    ['an unknown care level', { careLevel: 'tired' }, 'careLevel'],
    ['consent from the future', { consent: { givenBy: '张建华', givenAt: '2999-01-01T10:00:00+08:00', purposes: ['居家上门服务'] } }, 'consent.givenAt'],
    ['an unknown coordinate system', { location: { lat: 39.6, lon: 106.8, crs: 'mars' } }, 'location.crs'],
  ])('refuses an elder with %s', async (_name, over, field) => {
    const res = await http.post('/elders', elderBody(over), await http.token('center', 'ctr-xinhua-hub'));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).field).toBe(field);
  });
});

describe('CSV import', () => {
  const csv = (rows: string[]) => `\uFEFF${rows.join('\r\n')}\r\n`;
  const post = (kind: string, body: string, token = bureau, type = 'text/csv; charset=utf-8') =>
    fetch(`${http.url}/import/${kind}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });

  it('imports valid companies and caregivers, reports each bad row by line, and never duplicates on re-import', async () => {
    const code1 = creditCode();
    const code2 = creditCode();
    const companies = csv([
      'name,creditCode,licenceNumber,licenceValidUntil,services,siteName,siteLat,siteLon',
      `乌海市导入一号家政有限公司,${code1},WH-JZ-2026-0101,2029-12-31,cleaning|laundry,总部,39.673,106.812`,
      `乌海市导入一号家政有限公司,${code1},WH-JZ-2026-0101,2029-12-31,cleaning|laundry,二部,39.660,106.800`,
      `乌海市导入二号家政有限公司,${code2.slice(0, 17)}0,WH-JZ-2026-0102,2029-12-31,cleaning,总部,39.6,106.8`,
      `乌海市导入三号家政有限公司,${code2},WH-JZ-2026-0103,2029-12-31,massage,总部,39.6,106.8`,
      `乌海市导入四号家政有限公司,${creditCode()},WH-JZ-2026-0104,2029-12-31,cleaning,总部,,106.8`,
    ]);
    const first = (await (await post('enterprises', companies)).json()) as { imported: number; skipped: number; errors: Array<{ line: number; field: string }> };
    expect(first.imported).toBe(1);
    expect(first.errors.map((e) => [e.line, e.field])).toEqual([[4, 'creditCode'], [5, 'services'], [6, 'siteLat']]);
    const again = (await (await post('enterprises', companies)).json()) as { imported: number; skipped: number };
    expect(again).toMatchObject({ imported: 0, skipped: 1 });

    const list = (await (await http.get('/enterprises?status=registered&limit=100', bureau)).json()) as { items: Array<{ id: string; creditCode: string }> };
    const company = list.items.find((e) => e.creditCode === code1);
    expect(company).toBeDefined();
    const view = (await (await http.get(`/enterprises/${company!.id}`, bureau)).json()) as { sites: unknown[] };
    expect(view.sites).toHaveLength(2);

    const person = residentId('19760512');
    const caregivers = csv([
      'enterpriseCreditCode,name,phone,residentId,certificateType,certificateNumber,certificateValidUntil,homeLat,homeLon',
      `${code1},李春梅,13604731111,${person},家政服务员,JZ-0001,2029-01-01,39.67,106.81`,
      `${code1},李春梅,13604731111,${person},healthCert,HC-0001,2027-01-01,39.67,106.81`,
      `${code1},王美玲,13604732222,150302198001010011,domestic,JZ-0002,2029-01-01,39.67,106.81`,
      `${creditCode()},周红霞,13604733333,${residentId()},domestic,JZ-0003,2029-01-01,39.67,106.81`,
      `${code1},吴晓燕,13604734444,${residentId()},plumber,X-1,2029-01-01,39.67,106.81`,
    ]);
    const people = (await (await post('caregivers', caregivers)).json()) as { imported: number; skipped: number; errors: Array<{ line: number; field: string }> };
    expect(people.imported).toBe(1);
    expect(people.errors.map((e) => [e.line, e.field])).toEqual([[4, 'residentId'], [5, 'enterpriseCreditCode'], [6, 'certificateType']]);
    const staff = (await (await http.get(`/caregivers?enterpriseId=${company!.id}`, bureau)).json()) as { items: Array<{ certificates: unknown[] }> };
    expect(staff.items).toHaveLength(1);
    expect(staff.items[0]!.certificates).toHaveLength(2);
    expect(await (await post('caregivers', caregivers)).json()).toMatchObject({ imported: 0, skipped: 1 });
  });

  it('refuses what is not a CSV import', async () => {
    expect((await post('enterprises', 'a,b', bureau, 'application/json')).status).toBe(415);
    expect((await post('robots', 'a,b')).status).toBe(404);
    const missing = await post('enterprises', csv(['name,creditCode', 'x,y']));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).field).toBe('licenceNumber');
    const company = await http.token('enterprise', (await createCompany()).id);
    expect((await post('enterprises', csv(['name']), company)).status).toBe(403);
  });
});

describe('review: edges that must not slip', () => {
  it('refuses a cursor from another list, and one outside the status asked for', async () => {
    const licensed = (await (await http.get('/enterprises?status=licensed&limit=1', bureau)).json()) as { nextCursor: string };
    expect((await http.get(`/enterprises?status=registered&cursor=${licensed.nextCursor}`, bureau)).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ PK: 'ELDER#x', SK: 'ELDER', GSI1PK: 'CENTER#ctr-binhe-hub#ELDERS', GSI1SK: 'ELDER#x' })).toString('base64url');
    const center = await http.token('center', 'ctr-xinhua-hub');
    const res = await http.get(`/elders?cursor=${forged}`, center);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).field).toBe('cursor');
  });

  it('keeps a suspension the bureau’s: a company can neither lift nor impose it', async () => {
    const company = await createCompany();
    const token = await http.token('enterprise', company.id);
    const { id } = (await (await http.post('/caregivers', caregiverBody(company.id), token)).json()) as { id: string };
    const patch = (who: string, body: unknown) => fetch(`${http.url}/caregivers/${id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect((await patch(token, { status: 'suspended' })).status).toBe(403);
    expect((await patch(bureau, { status: 'suspended' })).status).toBe(200);
    const lift = await patch(token, { status: 'active' });
    expect(lift.status).toBe(403);
    expect((await errorOf(lift)).field).toBe('status');
    expect((await patch(token, { maxVisitsPerDay: 5 })).status).toBe(200);
  });

  it('refuses under-age caregivers and places outside the city', async () => {
    const company = await createCompany();
    const child = await http.post('/caregivers', caregiverBody(company.id, { residentId: residentId('20150601') }), bureau);
    expect(child.status).toBe(400);
    expect(await errorOf(child)).toMatchObject({ code: 'UNDER_AGE', field: 'residentId' });
    const swapped = await http.post('/caregivers', caregiverBody(company.id, { home: { lat: 106.8, lon: 39.6 } }), bureau);
    expect(swapped.status).toBe(400);
    const nowhere = await http.post('/elders', {
      name: '张建华', address: '不知道哪里', location: { lat: 0, lon: 0 }, careLevel: 'mild',
      consent: { givenBy: '张建华', givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
    }, await http.token('center', 'ctr-xinhua-hub'));
    expect(nowhere.status).toBe(400);
    expect(await errorOf(nowhere)).toMatchObject({ code: 'OUTSIDE_CITY', field: 'location' });
  });

  it('records what a change changed', async () => {
    const company = await createCompany();
    const patch = await fetch(`${http.url}/enterprises/${company.id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${bureau}`, 'content-type': 'application/json' }, body: JSON.stringify({ licenceValidUntil: '2031-12-31' }),
    });
    const view = (await patch.json()) as { history: Array<{ action: string; changes?: Record<string, { from: unknown; to: unknown }> }> };
    expect(view.history.at(-1)).toMatchObject({ action: 'updated', changes: { licenceValidUntil: { from: '2029-12-31', to: '2031-12-31' } } });
  });
});

describe('review: CSV files as people make them', () => {
  const post = (kind: string, body: string | Buffer, type = 'text/csv') =>
    fetch(`${http.url}/import/${kind}`, { method: 'POST', headers: { authorization: `Bearer ${bureau}`, 'content-type': type }, body });
  const header = 'name,creditCode,licenceNumber,licenceValidUntil,services,siteName,siteLat,siteLon';

  it('counts lines as the file shows them, quoted line breaks included', async () => {
    const text = [header, `"乌海市引号""测试""家政有限公司",${creditCode()},WH-1,2029-12-31,cleaning,"总部\r\n二楼",39.67,106.81`, `坏行,123,WH-2,2029-12-31,cleaning,总部,39.6,106.8`].join('\r\n');
    const result = (await (await post('enterprises', text)).json()) as { imported: number; errors: Array<{ line: number; field: string }> };
    expect(result.imported).toBe(1);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([[4, 'creditCode']]);
  });

  it('adds a corrected site on re-import, and refuses what is not UTF-8 or has no usable header', async () => {
    const code = creditCode();
    const bad = [header, `乌海市修正测试家政有限公司,${code},WH-3,2029-12-31,cleaning,总部,39.67,106.81`, `乌海市修正测试家政有限公司,${code},WH-3,2029-12-31,cleaning,分部,,106.81`].join('\n');
    expect(((await (await post('enterprises', bad)).json()) as { errors: unknown[] }).errors).toHaveLength(1);
    const fixed = bad.replace('分部,,106.81', '分部,39.66,106.80');
    expect(await (await post('enterprises', fixed)).json()).toMatchObject({ imported: 1, skipped: 0, errors: [] });
    expect(await (await post('enterprises', fixed)).json()).toMatchObject({ imported: 0, skipped: 1 });

    const gbk = Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xce, 0xda, 0xba, 0xa3]); // "name\n乌海" in GBK
    const notUtf8 = await post('enterprises', gbk);
    expect(notUtf8.status).toBe(415);
    expect((await errorOf(notUtf8)).code).toBe('NOT_UTF8');
    const headerOnly = await post('enterprises', 'name,creditCode\n');
    expect(headerOnly.status).toBe(400);
    expect((await errorOf(headerOnly)).field).toBe('licenceNumber');
  });
});

describe('a newly licensed company gets work, beyond the circle when nobody is nearer', () => {
  it('offers the visit from the second ring, flagged, when the 15-minute circle is empty', async () => {
    // Out east of 公乌素镇, where the demo city has nobody.
    const home = { lat: 39.45, lon: 107.12 };
    const company = await createCompany({ services: ['bathing'], sites: [{ name: '东部站', ...home }] });
    expect((await http.post(`/enterprises/${company.id}/licence`, { reason: '材料齐全' }, bureau)).status).toBe(200);
    const created = await http.post('/caregivers', caregiverBody(company.id, { home }), bureau);
    const { id: caregiverId } = (await created.json()) as { id: string };
    const center = await http.token('center', 'ctr-gongwusu-hub');
    const elder = await http.post('/elders', {
      name: '格日勒', address: '乌海市海南区公乌素镇东部牧点3号', location: { lat: 39.478, lon: 107.12 }, careLevel: 'moderate',
      consent: { givenBy: '格日勒', givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
    }, center);
    const elderId = ((await elder.json()) as { id: string }).id;
    const day = workday(local.clock.now(), 2);
    const visit = await http.post('/visits', { elderId, serviceCode: 'bathing', earliestStart: `${day}T09:00:00+08:00`, latestStart: `${day}T10:00:00+08:00` }, center, { 'idempotency-key': crypto.randomUUID() });
    const { id } = (await visit.json()) as { id: string };
    const offered = await waitFor(async () => {
      const v = (await (await http.get(`/visits/${id}`, bureau)).json()) as { status: string; offers: Array<{ caregiverId: string; outsideCircle?: boolean; travelMinutes: number }>; history: Array<{ note?: string }> };
      return v.status !== 'REQUESTED' ? v : undefined;
    }, 'dispatch');
    expect(offered.status).toBe('OFFERED');
    expect(offered.offers).toEqual([expect.objectContaining({ caregiverId, outsideCircle: true })]);
    expect(offered.offers[0]!.travelMinutes).toBeGreaterThan(15);
    expect(offered.history.at(-1)!.note).toContain('second ring');
  });
});

describe('a caregiver changes employer', () => {
  it('is moved by the bureau, keeping one card and one code; a company cannot move them', async () => {
    const from = await createCompany();
    const to = await createCompany();
    const fromToken = await http.token('enterprise', from.id);
    const { id, code } = (await (await http.post('/caregivers', caregiverBody(from.id), fromToken)).json()) as { id: string; code: string };
    const patch = (who: string) => fetch(`${http.url}/caregivers/${id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' }, body: JSON.stringify({ enterpriseId: to.id }),
    });
    expect((await patch(fromToken)).status).toBe(403);
    const moved = await patch(bureau);
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ id, code, enterpriseId: to.id });
    const listed = (await (await http.get(`/caregivers?enterpriseId=${to.id}`, bureau)).json()) as { items: Array<{ id: string }> };
    expect(listed.items.map((c) => c.id)).toEqual([id]);
    expect(((await (await http.get(`/caregivers?enterpriseId=${from.id}`, bureau)).json()) as { items: unknown[] }).items).toEqual([]);
  });
});

describe('an elder moves', () => {
  it('is handed to the new centre, which then sees them in full while the old one no longer does', async () => {
    const from = await http.token('center', 'ctr-xinhua-hub');
    const to = await http.token('center', 'ctr-binhe-hub');
    const created = await http.post('/elders', {
      name: '孙玉兰', address: '乌海市海勃湾区新华街道旧居1号', location: { lat: 39.674, lon: 106.813 }, careLevel: 'mild',
      consent: { givenBy: '孙玉兰', givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
    }, from);
    const { id } = (await created.json()) as { id: string };
    expect((await http.post(`/elders/${id}/transfer`, { centerId: 'ctr-binhe-hub', reason: '搬家' }, to)).status).toBe(404);
    expect((await http.post(`/elders/${id}/transfer`, { centerId: 'ctr-nowhere', reason: '搬家' }, from)).status).toBe(404);
    const moved = await http.post(`/elders/${id}/transfer`, { centerId: 'ctr-binhe-hub', reason: '搬到滨河街道' }, from);
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ centerId: 'ctr-binhe-hub', maskedName: '孙*兰' });
    expect((await http.get(`/elders/${id}`, from)).status).toBe(404);
    expect(await (await http.get(`/elders/${id}`, to)).json()).toMatchObject({ name: '孙玉兰', centerId: 'ctr-binhe-hub' });
  });
});

/**
 * An elder of the Xinhua hub centre registered where nobody can reach, and a
 * visit for them that dispatch gives up on (UNFILLED); the centre's token,
 * the hub centre of the elder's street, and the visit.
 */
async function unfilledVisitFarOut(input: { spot: { lat: number; lon: number }; name: string; address: string; careLevel: string; service: string; workdays: number }) {
  const owner = await http.token('center', 'ctr-xinhua-hub');
  const elder = await http.post('/elders', {
    name: input.name, address: input.address, location: input.spot, careLevel: input.careLevel,
    consent: { givenBy: input.name, givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
  }, owner);
  const { id: elderId } = (await elder.json()) as { id: string };
  const detail = (await (await http.get(`/elders/${elderId}`, owner)).json()) as { streetId: string };
  const hubId = ((await (await http.get('/streets', bureau)).json()) as { items: Array<{ id: string; hubCenterId: string }> }).items.find((s) => s.id === detail.streetId)!.hubCenterId;
  const day = workday(local.clock.now(), input.workdays);
  const created = await http.post('/visits', { elderId, serviceCode: input.service, earliestStart: `${day}T09:00:00+08:00`, latestStart: `${day}T10:00:00+08:00` }, owner, { 'idempotency-key': crypto.randomUUID() });
  const { id } = (await created.json()) as { id: string };
  await waitFor(async () => (((await (await http.get(`/visits/${id}`, owner)).json()) as { status: string }).status === 'UNFILLED' ? true : undefined), 'unfilled');
  return { owner, hubId, id };
}

describe('re-opening an unfilled visit', () => {
  it('dispatches it again once someone can go, at the hand of the street’s hub centre', async () => {
    const spot = { lat: 39.38, lon: 107.15 }; // far out in the desert: nobody within the second ring
    const { owner, hubId, id } = await unfilledVisitFarOut({ spot, name: '乌日娜', address: '乌海市海南区公乌素镇南部牧点7号', careLevel: 'mild', service: 'cleaning', workdays: 3 });
    // The hub centre on duty hears of it.
    const hubPhone = ((await (await http.get('/centers', bureau)).json()) as { items: Array<{ id: string; dutyPhone?: string }> }).items.find((c) => c.id === hubId)!.dutyPhone!;
    const notice = await smsAbout(http, id, (m) => m.to === hubPhone, 'the hub centre told');
    expect(notice.text).toContain('无人接单');

    // A company opens a site there and a caregiver joins.
    const company = await createCompany({ services: ['cleaning'], sites: [{ name: '南部站', ...spot }] });
    await http.post(`/enterprises/${company.id}/licence`, { reason: '材料齐全' }, bureau);
    const { id: caregiverId } = (await (await http.post('/caregivers', caregiverBody(company.id, { home: spot }), bureau)).json()) as { id: string };

    expect((await http.post(`/visits/${id}/reopen`, { reason: '新增服务人员' }, await http.token('center', 'ctr-binhe-hub'))).status).toBe(404);
    const reopened = await http.post(`/visits/${id}/reopen`, { reason: '新增服务人员' }, await http.token('center', hubId));
    expect(reopened.status).toBe(201);
    const { id: newId } = (await reopened.json()) as { id: string };
    const offered = await waitFor(async () => {
      const v = (await (await http.get(`/visits/${newId}`, bureau)).json()) as { status: string; offers: Array<{ caregiverId: string }> };
      return v.status !== 'REQUESTED' ? v : undefined;
    }, 'the new dispatch');
    expect(offered.status).toBe('OFFERED');
    expect(offered.offers[0]!.caregiverId).toBe(caregiverId);
    expect((await http.post(`/visits/${newId}/reopen`, { reason: '再开一次' }, owner)).status).toBe(409);
  });
});

describe('assigning by hand', () => {
  it('lets the hub centre give an unfilled visit to a qualified caregiver, who gets the job by SMS', async () => {
    const spot = { lat: 39.36, lon: 107.02 }; // desert south of the towns: nobody within reach
    const { hubId, id } = await unfilledVisitFarOut({ spot, name: '其其格', address: '乌海市海南区巴音陶亥镇东部牧点2号', careLevel: 'severe', service: 'bathing', workdays: 4 });

    // A licensed company far away has a qualified caregiver, and one without a bathing certificate.
    const company = await createCompany({ services: ['bathing', 'cleaning'] });
    await http.post(`/enterprises/${company.id}/licence`, { reason: '材料齐全' }, bureau);
    const { id: qualified } = (await (await http.post('/caregivers', caregiverBody(company.id), bureau)).json()) as { id: string };
    const { id: cleaner } = (await (await http.post('/caregivers', caregiverBody(company.id, { certificates: [{ type: 'domestic', number: 'D-1', validUntil: '2029-01-01' }] }), bureau)).json()) as { id: string };
    const other = await createCompany();
    const hub = await http.token('center', hubId);

    const unqualified = await http.post(`/visits/${id}/assign`, { caregiverId: cleaner, reason: '就近安排' }, hub);
    expect(unqualified.status).toBe(409);
    expect(await errorOf(unqualified)).toMatchObject({ code: 'NOT_ELIGIBLE', field: 'caregiverId' });
    expect((await http.post(`/visits/${id}/assign`, { caregiverId: qualified, reason: '就近安排' }, await http.token('enterprise', other.id))).status).toBe(403);
    expect((await http.post(`/visits/${id}/assign`, { caregiverId: qualified, reason: '就近安排' }, await http.token('center', 'ctr-binhe-hub'))).status).toBe(404);

    const assigned = await http.post(`/visits/${id}/assign`, { caregiverId: qualified, reason: '家属同意远程派人' }, hub);
    expect(assigned.status).toBe(200);
    expect(await assigned.json()).toMatchObject({ status: 'ASSIGNED', assignment: { caregiverId: qualified, assignedBy: `center:${hubId}` } });
    const phone = ((await (await http.get(`/caregivers/${qualified}`, bureau)).json()) as { phone: string }).phone;
    const sms = await smsAbout(http, id, (m) => m.to === phone, 'the job SMS');
    expect(sms.text).toMatch(/^【一刻钟】派助浴/);
    const token = /\/j\/([A-Za-z0-9_-]+)/.exec(sms.text)![1];
    // An action before any page view binds nothing (the job would be locked to a secret nobody holds)…
    const blind = await fetch(`${http.url}/j/${token}/check-in`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{"doorCode":"ZZZZZZZZ"}' });
    expect(blind.status).toBe(403);
    // …the first phone to open the link becomes the job's phone, and sees the address.
    const first = await fetch(`${http.url}/j/${token}`);
    expect(first.headers.getSetCookie()[0]).toMatch(/^cd_device=/);
    const firstPage = await first.text();
    expect(firstPage).toContain('上门服务任务');
    expect(firstPage).toContain('乌海市海南区巴音陶亥镇东部牧点2号');
    expect(await (await fetch(`${http.url}/j/${token}`)).text()).not.toContain('乌海市海南区巴音陶亥镇东部牧点2号');
    expect((await http.post(`/visits/${id}/assign`, { caregiverId: qualified, reason: '再派一次' }, hub)).status).toBe(409);
  });
});
