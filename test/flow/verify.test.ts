import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caregiver, type Certificate, type Enterprise, maskName } from '../../domain/registry.js';
import { registryItems } from '../../functions/shared/registry-store.js';
import { VerifyView } from '../../functions/views.js';
import type { LocalPlatform } from '../../local/platform.js';
import { type Api, api, startTestPlatform } from '../support/platform.js';

let local: LocalPlatform;
let http: Api;

/** The platform's day for every validity below: 2026-06-15 in the city. */
const NOW = new Date('2026-06-15T10:00:00+08:00');
const wuhai = { lat: 39.6553, lon: 106.7942 };

function enterprise(id: string, code: string, overrides: Partial<Enterprise> = {}): Enterprise {
  return {
    id,
    code,
    name: `乌海${id}家政服务有限公司`,
    creditCode: '91150300MA0N000000',
    licenceNumber: `WH-JZ-2025-${id}`,
    licenceValidUntil: '2027-12-31',
    status: 'licensed',
    services: ['cleaning', 'bathing'],
    sites: [{ name: '海勃湾区新华街道服务点', location: wuhai }],
    createdAt: '2025-03-01T09:00:00+08:00',
    ...overrides,
  };
}

const elderCare: Certificate = { type: 'elderCare', level: 3, number: 'YLHL-2024-778812', issuer: '乌海市人社局', validFrom: '2024-01-01', validUntil: '2028-12-31' };
const healthCert: Certificate = { type: 'healthCert', number: 'JKZ-2026-0033', validUntil: '2026-12-31' };

/** Personal data that must never leave the registry through a scan. */
function caregiver(id: string, code: string, enterpriseId: string, overrides: Partial<Caregiver> = {}): Caregiver {
  return {
    id,
    code,
    enterpriseId,
    name: '王秀兰',
    phone: '13947301234',
    residentIdMasked: '15**************21',
    birthDate: '1979-08-23',
    gender: 'female',
    languages: ['mandarin', 'mongolian'],
    serviceCardNumber: 'WHFW-000381',
    certificates: [elderCare, healthCert],
    availability: [{ day: 1, from: '08:00', to: '18:00' }],
    maxVisitsPerDay: 4,
    location: { lat: 39.6612, lon: 106.8123 },
    status: 'active',
    createdAt: '2025-04-02T10:00:00+08:00',
    ...overrides,
  };
}

const companies = {
  valid: enterprise('ent-ok', 'ENT0000001'),
  suspended: enterprise('ent-susp', 'ENT0000002', { status: 'suspended' }),
  expired: enterprise('ent-exp', 'ENT0000003', { licenceValidUntil: '2026-06-14' }),
  revoked: enterprise('ent-rev', 'ENT0000004', { status: 'revoked' }),
  registered: enterprise('ent-reg', 'ENT0000005', { status: 'registered' }),
  hostile: enterprise('ent-xss', 'ENT0000006', { name: '<script>alert(1)</script>&"家政"', licenceNumber: '<b>L-1</b>' }),
};

const caregivers = {
  valid: caregiver('cg-ok', 'CGV0000001', 'ent-ok', {
    // One not yet valid besides two valid ones: each certificate carries its own validity.
    certificates: [elderCare, healthCert, { type: 'medicalCare', number: 'YLHG-2026-1', validFrom: '2026-07-01', validUntil: '2029-06-30' }],
  }),
  expired: caregiver('cg-exp', 'CGV0000002', 'ent-ok', {
    name: '李建国',
    phone: '15004731122',
    residentIdMasked: '152***********0017',
    birthDate: '1983-02-11',
    gender: 'male',
    certificates: [
      { ...elderCare, validUntil: '2025-12-31' },
      { ...healthCert, validUntil: '2026-06-14' },
    ],
  }),
  ofSuspended: caregiver('cg-susp-ent', 'CGV0000003', 'ent-susp', { name: '赵丽', phone: '18647305566', birthDate: '1990-10-05' }),
  suspended: caregiver('cg-susp', 'CGV0000004', 'ent-ok', { status: 'suspended', name: '孙海峰', phone: '13847309988' }),
  uncertified: caregiver('cg-none', 'CGV0000005', 'ent-ok', { certificates: [], name: '周桂芳', phone: '13704738877' }),
  /** Valid through the last day of its certificate's validity in city time. */
  lastDay: caregiver('cg-last', 'CGV0000006', 'ent-ok', { certificates: [{ ...elderCare, validUntil: '2026-06-15' }], name: '马文斌', phone: '13500001111' }),
};

async function seedFixtures() {
  const items = [
    ...Object.values(companies).flatMap((e) => [registryItems.enterprise(e), registryItems.publicCode(e.code, 'enterprise', e.id)]),
    ...Object.values(caregivers).flatMap((c) => [registryItems.caregiver(c), registryItems.publicCode(c.code, 'caregiver', c.id)]),
  ];
  const { tableName } = local.platform.config;
  for (let i = 0; i < items.length; i += 25) {
    await local.platform.db.send(new TransactWriteCommand({ TransactItems: items.slice(i, i + 25).map((Item) => ({ Put: { TableName: tableName, Item } })) }));
  }
}

async function page(code: string, query = '') {
  const res = await http.get(`/verify/${code}${query}`, undefined, { accept: 'text/html' });
  return { res, body: await res.text() };
}

async function view(code: string): Promise<{ res: Response; view: VerifyView }> {
  const res = await http.get(`/verify/${code}`, undefined, { accept: 'application/json' });
  expect(res.status).toBe(200);
  // The OpenAPI response schema, strictly: no field outside it.
  const body: unknown = await res.json();
  const parsed = VerifyView.strict().parse(body);
  return { res, view: parsed };
}

/** The big status box: its tone class and its label. */
function statusOf(html: string) {
  const m = /<div class="st (ok|warn|bad)" role="status">.*?<strong>([^<]+)<\/strong>/s.exec(html);
  return { tone: m?.[1], label: m?.[2] };
}

beforeAll(async () => {
  local = await startTestPlatform({ seed: false });
  http = api(local.url);
  await local.clock.set(NOW);
  await seedFixtures();
});

afterAll(async () => {
  await local?.stop();
});

describe('verify a company by its code (一企一证一码)', () => {
  it('shows a licensed company with a valid licence as valid, in green', async () => {
    const { res, body } = await page('ENT0000001');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(statusOf(body)).toEqual({ tone: 'ok', label: '有效' });
    expect(body).toContain('<html lang="zh-CN">');
    expect(body).toContain(companies.valid.name);
    expect(body).toContain('WH-JZ-2025-ent-ok');
    expect(body).toContain('2027-12-31');
    expect(body).toContain('暂无评价');

    const { view: v } = await view('ENT0000001');
    expect(v).toEqual({
      kind: 'enterprise',
      code: 'ENT0000001',
      maskedName: companies.valid.name,
      status: 'valid',
      licence: { number: 'WH-JZ-2025-ent-ok', validUntil: '2027-12-31', validity: 'valid' },
      ratingSummary: { count: 0, positiveRate: null, tier: null },
    });
  });

  it('warns about a suspended company', async () => {
    const { body } = await page('ENT0000002');
    expect(statusOf(body)).toEqual({ tone: 'bad', label: '已暂停' });
    expect((await view('ENT0000002')).view.status).toBe('suspended');
  });

  it('warns about a licensed company whose licence expired yesterday', async () => {
    const { body } = await page('ENT0000003');
    expect(statusOf(body)).toEqual({ tone: 'warn', label: '许可证过期' });
    const { view: v } = await view('ENT0000003');
    expect(v.status).toBe('licenceExpired');
    expect(v.licence).toEqual({ number: 'WH-JZ-2025-ent-exp', validUntil: '2026-06-14', validity: 'expired' });
  });

  it('warns about revoked and merely registered companies', async () => {
    expect(statusOf((await page('ENT0000004')).body)).toEqual({ tone: 'bad', label: '已吊销' });
    expect((await view('ENT0000004')).view.status).toBe('revoked');
    expect(statusOf((await page('ENT0000005')).body)).toEqual({ tone: 'warn', label: '未持证' });
    expect((await view('ENT0000005')).view.status).toBe('notLicensed');
  });

  it('escapes what the registry holds', async () => {
    const { body } = await page('ENT0000006');
    expect(body).not.toContain('<script>');
    expect(body).not.toContain('<b>L-1</b>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;家政&quot;');
    expect((await view('ENT0000006')).view.maskedName).toBe(companies.hostile.name);
  });
});

describe('verify a caregiver by the code on the service card (一人一卡一码)', () => {
  it('shows an active, certified caregiver of a licensed company as valid', async () => {
    const { res, body } = await page('CGV0000001');
    expect(res.status).toBe(200);
    expect(statusOf(body)).toEqual({ tone: 'ok', label: '有效' });
    expect(body).toContain('王*兰');
    expect(body).toContain('养老护理员');
    expect(body).toContain('高级工');
    expect(body).toContain('尚未生效');
    expect(body).toContain(`href="/verify/ENT0000001?lang=zh"`);

    const { view: v } = await view('CGV0000001');
    expect(v).toMatchObject({
      kind: 'caregiver',
      code: 'CGV0000001',
      maskedName: maskName('王秀兰'),
      status: 'valid',
      enterprise: { name: companies.valid.name, code: 'ENT0000001', status: 'licensed' },
      ratingSummary: { count: 0, positiveRate: null, tier: null },
    });
    expect(v.licence).toBeUndefined();
    expect(v.certificates).toEqual([
      { type: 'elderCare', nameZh: '养老护理员', nameEn: 'Elder-care worker', level: 3, validUntil: '2028-12-31', validity: 'valid' },
      { type: 'healthCert', nameZh: '健康证', nameEn: 'Health certificate', validUntil: '2026-12-31', validity: 'valid' },
      { type: 'medicalCare', nameZh: '医疗护理员', nameEn: 'Medical care assistant', validUntil: '2029-06-30', validity: 'notYetValid' },
    ]);
  });

  it('warns when every certificate has expired', async () => {
    const { body } = await page('CGV0000002');
    expect(statusOf(body)).toEqual({ tone: 'warn', label: '证书过期' });
    const { view: v } = await view('CGV0000002');
    expect(v.status).toBe('certificatesExpired');
    expect(v.certificates?.map((c) => c.validity)).toEqual(['expired', 'expired']);
  });

  it('warns about a certified caregiver whose company is suspended', async () => {
    const { body } = await page('CGV0000003');
    expect(statusOf(body)).toEqual({ tone: 'bad', label: '所属企业已暂停' });
    const { view: v } = await view('CGV0000003');
    expect(v.status).toBe('enterpriseNotAuthorised');
    expect(v.enterprise).toEqual({ name: companies.suspended.name, code: 'ENT0000002', status: 'suspended' });
    expect(v.certificates?.every((c) => c.validity === 'valid')).toBe(true);
  });

  it('warns about a suspended caregiver and one without certificates', async () => {
    expect(statusOf((await page('CGV0000004')).body)).toEqual({ tone: 'bad', label: '已暂停' });
    expect((await view('CGV0000004')).view.status).toBe('suspended');
    expect(statusOf((await page('CGV0000005')).body)).toEqual({ tone: 'warn', label: '未持证' });
    expect((await view('CGV0000005')).view).toMatchObject({ status: 'noCertificate', certificates: [] });
  });

  it('never shows the phone, full name, resident ID or birth date', async () => {
    for (const c of Object.values(caregivers)) {
      const outputs = [
        (await page(c.code)).body,
        (await page(c.code, '?lang=en')).body,
        JSON.stringify((await view(c.code)).view),
        await (await http.get(`/verify/${c.code}`, undefined, { accept: 'application/json' })).text(),
      ];
      for (const out of outputs) {
        for (const secret of [c.phone, c.name, c.residentIdMasked, c.birthDate, c.serviceCardNumber, String(c.location.lat), String(c.location.lon)]) {
          expect(out, `${c.id} leaks ${secret}`).not.toContain(secret);
        }
        for (const cert of c.certificates) expect(out).not.toContain(cert.number);
        expect(out).toContain(maskName(c.name));
      }
    }
  });
});

describe('codes as people type and print them', () => {
  it('accepts a lower-case code', async () => {
    const { res, body } = await page('cgv0000001');
    expect(res.status).toBe(200);
    expect(statusOf(body).tone).toBe('ok');
    const json = (await (await http.get('/verify/ent0000001', undefined, { accept: 'application/json' })).json()) as VerifyView;
    expect(json.code).toBe('ENT0000001');
  });

  it('answers malformed and unknown codes alike with 404, as a page and as JSON', async () => {
    for (const code of ['ZZZZZZZZZZ', 'ENT000000', 'ENT00000011', 'ENT-000001', '%3Cscript%3E', 'ENT000000%C3%A9']) {
      const htmlRes = await http.get(`/verify/${code}`, undefined, { accept: 'text/html' });
      expect(htmlRes.status, code).toBe(404);
      expect(htmlRes.headers.get('content-type')).toMatch(/^text\/html/);
      const body = await htmlRes.text();
      expect(body).toContain('未找到');
      expect(body).not.toContain('<script>');

      const jsonRes = await http.get(`/verify/${code}`, undefined, { accept: 'application/json' });
      expect(jsonRes.status, code).toBe(404);
      expect(((await jsonRes.json()) as { error: { code: string } }).error.code).toBe('CODE_NOT_FOUND');

      expect((await http.get(`/verify/${code}/qr.svg`)).status, code).toBe(404);
    }
    expect(await (await http.get('/verify/ZZZZZZZZZZ?lang=en', undefined, { accept: 'text/html' })).text()).toContain('Not found');
  });

  it('speaks English with ?lang=en and links back to Chinese', async () => {
    const { body } = await page('ENT0000002', '?lang=en');
    expect(body).toContain('<html lang="en">');
    expect(statusOf(body)).toEqual({ tone: 'bad', label: 'Suspended' });
    expect(body).toContain('href="?lang=zh"');
    const caregiverPage = (await page('CGV0000002', '?lang=en')).body;
    expect(statusOf(caregiverPage)).toEqual({ tone: 'warn', label: 'Certificates expired' });
    expect(caregiverPage).toContain('Elder-care worker');
    expect((await page('CGV0000001')).body).toContain('href="?lang=en"');
  });

  it('keeps every page small enough for a slow phone connection', async () => {
    for (const code of [...Object.values(companies), ...Object.values(caregivers)].map((x) => x.code)) {
      for (const query of ['', '?lang=en']) {
        const { res, body } = await page(code, query);
        expect(res.status).toBe(200);
        expect(Buffer.byteLength(body)).toBeLessThan(30 * 1024);
      }
    }
  });

  it('serves the QR code of the verify URL as SVG', async () => {
    const res = await http.get('/verify/CGV0000001/qr.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/<path [^>]*d="M/);
    // Same library, same options: byte-equal output means it encodes exactly this URL.
    const url = `${local.platform.config.publicBaseUrl}/verify/CGV0000001`;
    expect(svg).toBe(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    expect(svg).not.toBe(await QRCode.toString(`${url}X`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    // A lower-case scan still prints the canonical URL.
    expect(await (await http.get('/verify/cgv0000001/qr.svg')).text()).toBe(svg);
  });
});

describe('validity follows the platform clock, by the city date', () => {
  it('turns a certificate valid through today into expired at midnight in Wuhai', async () => {
    expect((await view('CGV0000006')).view.status).toBe('valid');
    try {
      // 00:30 on 16 June in the city is still 15 June in UTC.
      await local.clock.set(new Date('2026-06-16T00:30:00+08:00'));
      const { view: v } = await view('CGV0000006');
      expect(v.status).toBe('certificatesExpired');
      expect(v.certificates?.[0]?.validity).toBe('expired');
      expect(statusOf((await page('CGV0000006')).body)).toEqual({ tone: 'warn', label: '证书过期' });
    } finally {
      await local.clock.set(NOW);
    }
  });
});
