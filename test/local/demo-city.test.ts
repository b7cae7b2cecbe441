import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type * as z from 'zod';
import { CommunitySchema, StreetSchema, nearestCommunity } from '../../domain/city.js';
import { services } from '../../domain/catalog.js';
import { checkCreditCode, checkResidentId, maskResidentId } from '../../domain/codes.js';
import { distanceKm, travelMinutes } from '../../domain/geo.js';
import { CaregiverSchema, CenterSchema, ElderSchema, EnterpriseAuditSchema, EnterpriseSchema } from '../../domain/registry.js';
import { dynamoClients } from '../../functions/shared/dynamo.js';
import { keys } from '../../functions/shared/keys.js';
import { PUBLIC_CODE_ALPHABET, phoneHashInput, residentIdHash } from '../../functions/shared/tokens.js';
import { DEMO_ANCHOR, DIVISIONS_URL, REFERENCE_DATE, careLevelShare, demoCityItems, generateDemoCity, loadDivisions, seedDemoCity, seedName } from '../../local/demo-city.js';
import { ensureTables, tableNames } from '../../local/tables.js';

const city = generateDemoCity({ scale: 1 });
const figures = loadDivisions().seedFigures;
const enterprises = city.enterprises.map((e) => e.enterprise);
const caregivers = city.caregivers.map((c) => c.caregiver);
const elders = city.elders.map((e) => e.elder);

const slugs = [
  'xinhua', 'xinhuaxi', 'fenghuangling', 'haibei', 'binhe', 'kabuqi', 'qianlishan', 'bayinsai', 'sandaokan', 'wuhushan',
  'liangjiagou', 'binhai', 'xinda', 'suhaitu', 'wulannaoer', 'lasengzhong', 'xizhuozishan', 'lasengmiao', 'gongwusu', 'bayintaohai',
];
const districtCode: Record<string, string> = { 海勃湾区: '150302', 海南区: '150303', 乌达区: '150304' };
const streetById = new Map(city.streets.map((s) => [s.id, s]));
const share = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length / items.length;
/** Whole years between a birth date and the reference date. */
const ageOn = (birthDate: string) => {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = REFERENCE_DATE.split('-').map(Number) as [number, number, number];
  return ry - y - (rm < m || (rm === m && rd < d) ? 1 : 0);
};
/** A schema's parse keeps every field and adds none: nothing unknown, nothing defaulted. */
function expectValid<T>(schema: z.ZodType<T>, value: T) {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${JSON.stringify(value).slice(0, 200)}: ${result.error.message}`);
  expect(result.data).toEqual(value);
}

describe('the generated Wuhai demo city', () => {
  it('is the same city every time', () => {
    expect(generateDemoCity({ scale: 1 })).toEqual(city);
    expect(generateDemoCity({ scale: 0.05 })).toEqual(generateDemoCity({ scale: 0.05 }));
  });

  it('has the 20 streets and towns, each with one hub, stations and a "放心家政" window', () => {
    expect(city.streets.map((s) => s.id)).toEqual(slugs.map((slug) => `st-${slug}`));
    expect(city.streets.find((s) => s.id === 'st-qianlishan')).toMatchObject({ nameZh: '千里山镇', nameEn: 'Qianlishan Town', kind: 'town', district: '海勃湾区', districtEn: 'Haibowan' });
    expect(city.streets.find((s) => s.id === 'st-xinhua')?.nameEn).toBe('Xinhua Subdistrict');
    for (const street of city.streets) {
      const slug = street.id.slice(3);
      const hubs = city.centers.filter((c) => c.streetId === street.id && c.kind === 'hub');
      expect(hubs.map((h) => h.id)).toEqual([`ctr-${slug}-hub`]);
      expect(street.hubCenterId).toBe(`ctr-${slug}-hub`);
      expect(hubs[0]!.name).toBe(`${street.nameZh}社区养老服务中心`);
      const stations = city.centers.filter((c) => c.streetId === street.id && (c.kind === 'station' || c.kind === 'daycare'));
      expect(stations.length).toBeGreaterThanOrEqual(1);
      expect(stations.length).toBeLessThanOrEqual(3);
      stations.forEach((s, i) => expect(s.id).toBe(`ctr-${slug}-${i + 1}`));
      const communities = city.communities.filter((c) => c.streetId === street.id);
      expect(communities.length).toBeGreaterThanOrEqual(street.kind === 'town' ? 3 : 5);
      expect(communities.length).toBeLessThanOrEqual(street.kind === 'town' ? 4 : 8);
      communities.forEach((c, i) => expect(c.id).toBe(`cm-${slug}-${i + 1}`));
      for (const c of communities) expect(distanceKm(c.location, street.location)).toBeLessThanOrEqual(street.kind === 'town' ? 3.01 : 1.51);
    }
    const windows = city.centers.filter((c) => c.kind === 'window');
    expect(windows.map((w) => w.id)).toEqual(Array.from({ length: 20 }, (_, i) => `win-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(windows.map((w) => w.streetId)).size).toBe(20);
    expect(windows[0]!.name).toBe('新华街道党群服务中心"放心家政"服务窗口');
    for (const center of city.centers) {
      const own = city.communities.filter((c) => c.streetId === center.streetId);
      expect(center.communityId).toBe(nearestCommunity(center.location, own)!.id);
    }
    expect(new Set(city.centers.map((c) => c.id)).size).toBe(city.centers.length);
  });

  it('has every object valid by its schema', () => {
    for (const street of city.streets) expectValid(StreetSchema, street);
    for (const community of city.communities) expectValid(CommunitySchema, community);
    for (const center of city.centers) expectValid(CenterSchema, center);
    for (const { enterprise, history } of city.enterprises) {
      expectValid(EnterpriseSchema, enterprise);
      for (const entry of history) expectValid(EnterpriseAuditSchema, entry);
    }
    for (const caregiver of caregivers) expectValid(CaregiverSchema, caregiver);
    for (const elder of elders) expectValid(ElderSchema, elder);
  });

  it('has the reply\'s companies: 1,327 registered, 203 with a valid licence, 431 individual businesses', () => {
    expect(enterprises).toHaveLength(figures.registeredEnterprises);
    expect(enterprises.filter((e) => e.status === 'licensed' && e.licenceValidUntil > REFERENCE_DATE)).toHaveLength(figures.licensedEnterprises);
    const expired = enterprises.filter((e) => e.status === 'licensed' && e.licenceValidUntil < REFERENCE_DATE).length;
    expect(expired).toBeGreaterThanOrEqual(3);
    expect(expired).toBeLessThanOrEqual(8);
    expect(share(enterprises, (e) => e.status === 'suspended')).toBeCloseTo(0.02, 2);
    expect(share(enterprises, (e) => e.status === 'revoked')).toBeCloseTo(0.01, 2);
    expect(enterprises.filter((e) => e.creditCode.startsWith('92'))).toHaveLength(figures.individualOperators);
    expect(enterprises.map((e) => e.id).slice(0, 2)).toEqual(['ent-0001', 'ent-0002']);
    for (const e of enterprises) {
      expect(checkCreditCode(e.creditCode)).toEqual({ ok: true, value: e.creditCode });
      expect(['150302', '150303', '150304']).toContain(e.creditCode.slice(2, 8));
      expect(e.licenceNumber).toMatch(/^WH-JZ-20\d\d-\d{4}$/);
      expect(e.sites.length).toBeGreaterThanOrEqual(1);
      expect(e.sites.length).toBeLessThanOrEqual(2);
    }
    expect(new Set(enterprises.map((e) => e.creditCode)).size).toBe(enterprises.length);
    expect(new Set(enterprises.map((e) => e.licenceNumber)).size).toBe(enterprises.length);
    // Haibowan holds most of the city's people, so most companies.
    expect(share(enterprises, (e) => e.creditCode.slice(2, 8) === '150302')).toBeGreaterThan(0.5);
  });

  it('keeps each company\'s history consistent with its status', () => {
    for (const { enterprise, history } of city.enterprises) {
      expect(history[0]).toMatchObject({ action: 'registered', to: 'registered', actor: 'system:seed', at: enterprise.createdAt });
      expect(history.at(-1)!.to).toBe(enterprise.status);
      for (let i = 1; i < history.length; i++) {
        expect(history[i]!.from).toBe(history[i - 1]!.to);
        expect(Date.parse(history[i]!.at)).toBeGreaterThan(Date.parse(history[i - 1]!.at));
      }
      expect(history.at(-1)!.at < `${REFERENCE_DATE}T00:00:00+08:00`).toBe(true);
    }
  });

  it('has about 1,200 carded caregivers, employed by licensed companies (a few by suspended ones)', () => {
    expect(caregivers).toHaveLength(figures.cardedCaregivers);
    expect(caregivers[0]!.id).toBe('cg-00001');
    const byId = new Map(enterprises.map((e) => [e.id, e]));
    const employers = caregivers.map((c) => byId.get(c.enterpriseId)!);
    expect(employers.every((e) => e.status === 'licensed' || e.status === 'suspended')).toBe(true);
    expect(share(employers, (e) => e.status === 'licensed' && e.licenceValidUntil > REFERENCE_DATE)).toBeGreaterThan(0.97);
    expect(employers.some((e) => e.status === 'suspended')).toBe(true);
    for (const c of caregivers) {
      const nearSite = byId.get(c.enterpriseId)!.sites.some((s) => distanceKm(s.location, c.location) <= 2.01);
      const nearStreet = city.streets.some((s) => distanceKm(s.location, c.location) <= 3.01);
      expect(nearSite || nearStreet).toBe(true);
      expect(c.phone).toMatch(/^1[358]\d{9}$/);
      expect(c.serviceCardNumber).toBe(`WH-${c.code}`);
      expect(c.languages[0]).toBe('mandarin');
      expect(c.maxVisitsPerDay).toBeGreaterThanOrEqual(4);
      expect(c.maxVisitsPerDay).toBeLessThanOrEqual(8);
    }
    expect(share(caregivers, (c) => c.gender === 'female')).toBeCloseTo(0.9, 1);
    expect(share(caregivers, (c) => c.status === 'active')).toBeGreaterThan(0.9);
    expect(share(caregivers, (c) => c.languages.includes('dialect'))).toBeCloseTo(0.3, 1);
    expect(share(caregivers, (c) => c.languages.includes('mongolian'))).toBeCloseTo(0.05, 1);
  });

  it('gives every person a valid, unique resident ID matching birth date and sex, and every card a unique code', () => {
    const people = [...city.caregivers.map((c) => ({ ...c.caregiver, residentId: c.residentId })), ...city.elders.filter((e) => e.residentId).map((e) => ({ ...e.elder, residentId: e.residentId! }))];
    for (const person of people) {
      const check = checkResidentId(person.residentId, REFERENCE_DATE);
      if (!check.ok) throw new Error(`${person.id}: ${check.reason}`);
      expect(check.value.birthDate).toBe(person.birthDate);
      expect(check.value.gender).toBe(person.gender);
      expect(person.residentIdMasked).toBe(maskResidentId(person.residentId));
      expect(['150302', '150303', '150304']).toContain(person.residentId.slice(0, 6));
    }
    expect(new Set(people.map((p) => p.residentId)).size).toBe(people.length);
    const codes = [...enterprises.map((e) => e.code), ...caregivers.map((c) => c.code)];
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect([...code].every((ch) => PUBLIC_CODE_ALPHABET.includes(ch)) && code.length === 10).toBe(true);
  });

  it('follows the reply\'s age and trade mixes within a few points', () => {
    const ages = caregivers.map((c) => ageOn(c.birthDate));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(20);
    expect(share(ages, (a) => a < 30)).toBeCloseTo(figures.workerAgeShare['20-30'], 1);
    expect(Math.abs(share(ages, (a) => a >= 30 && a < 50) - figures.workerAgeShare['30-50'])).toBeLessThan(0.02);
    expect(Math.abs(share(ages, (a) => a >= 50) - figures.workerAgeShare['50+'])).toBeLessThan(0.02);

    const primary = caregivers.map((c) => c.certificates[0]!.type);
    const trade = figures.workerServiceShare;
    const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.02);
    close(share(primary, (t) => t === 'domestic'), trade.cleaning);
    close(share(primary, (t) => t === 'elderCare' || t === 'medicalCare'), trade.elderCareNursing);
    close(share(primary, (t) => t === 'childcare'), trade.maternity);
    close(share(primary, (t) => t === 'healthCert'), trade.homeCook);
    close(share(primary, (t) => t === 'hairdresser' || t === 'pedicure' || t === 'applianceRepair'), trade.other);
    const others = caregivers.filter((c) => c.certificates[0]!.type !== 'healthCert');
    expect(Math.abs(share(others, (c) => c.certificates.some((x) => x.type === 'healthCert')) - 0.4)).toBeLessThan(0.05);
    const levels = caregivers.flatMap((c) => c.certificates.filter((x) => x.type === 'elderCare').map((x) => x.level!));
    expect(levels.every((l) => l >= 1 && l <= 5)).toBe(true);
    expect(share(levels, (l) => l <= 3)).toBeGreaterThan(0.75);

    const certificates = caregivers.flatMap((c) => c.certificates);
    expect(Math.abs(share(certificates, (x) => x.validUntil < REFERENCE_DATE) - 0.05)).toBeLessThan(0.02);
    for (const x of certificates) {
      expect(x.validFrom! < x.validUntil).toBe(true);
      expect(x.issuer).toMatch(x.type === 'healthCert' ? /卫生健康委员会$/ : /人力资源和社会保障(局|厅)$/);
    }
    expect(new Set(certificates.map((x) => x.number)).size).toBe(certificates.length);
  });

  it('lets a company with caregivers offer only services some caregiver of it is qualified for', () => {
    const held = new Map<string, Set<string>>();
    for (const c of caregivers) {
      const set = held.get(c.enterpriseId) ?? new Set<string>();
      for (const x of c.certificates) if (x.validUntil >= REFERENCE_DATE) set.add(x.type);
      held.set(c.enterpriseId, set);
    }
    for (const e of enterprises) {
      expect(e.services.length).toBeGreaterThan(0);
      const certs = held.get(e.id);
      if (!certs) continue;
      for (const code of e.services) {
        const service = services.find((s) => s.code === code)!;
        if (service.qualifyingCertificates.length) expect(service.qualifyingCertificates.some((t) => certs.has(t))).toBe(true);
      }
    }
    // Elder-care companies offer most of the 20.
    const elderCare = enterprises.filter((e) => /养老|护理/.test(e.name) && e.services.includes('bathing'));
    expect(elderCare.length).toBeGreaterThan(20);
    expect(elderCare.every((e) => e.services.length >= 12)).toBe(true);
  });

  it('has 3,000 elders registered by a centre of their street, near their community, in the care-level mix', () => {
    expect(elders).toHaveLength(3000);
    const centers = new Map(city.centers.map((c) => [c.id, c]));
    for (const elder of elders) {
      const center = centers.get(elder.centerId)!;
      expect(center.streetId).toBe(elder.streetId);
      expect(['hub', 'station', 'daycare']).toContain(center.kind);
      expect(elder.id.startsWith(`eld-${elder.streetId.slice(3)}-`)).toBe(true);
      const own = city.communities.filter((c) => c.streetId === elder.streetId);
      expect(elder.communityId).toBe(nearestCommunity(elder.location, own)!.id);
      const nextToHub = elder.id.endsWith('-0001') && distanceKm(centers.get(elder.centerId)!.location, elder.location) <= 0.61;
      expect(nextToHub || own.some((c) => distanceKm(c.location, elder.location) <= 0.61)).toBe(true);
      const age = ageOn(elder.birthDate!);
      expect(age).toBeGreaterThanOrEqual(60);
      expect(age).toBeLessThanOrEqual(100);
      const dependent = elder.careLevel === 'severe' || elder.careLevel === 'complete';
      expect(Boolean(elder.guardian)).toBe(dependent);
      expect(elder.consent.givenBy).toBe(elder.guardian?.name ?? elder.name);
      expect(elder.familyContacts.length).toBeLessThanOrEqual(2);
      expect(elder.address.startsWith(`乌海市${streetById.get(elder.streetId)!.district}`)).toBe(true);
    }
    expect(new Set(elders.map((e) => e.id)).size).toBe(elders.length);
    for (const [level, expected] of careLevelShare) expect(share(elders, (e) => e.careLevel === level)).toBeCloseTo(expected, 2);
    expect(share(city.elders, (e) => Boolean(e.residentId))).toBeCloseTo(0.5, 1);
    expect(share(elders, (e) => e.preferences.sameGenderBathing)).toBeCloseTo(0.3, 1);
    expect(elders.find((e) => e.id === 'eld-xinhua-0001')?.centerId).toBe('ctr-xinhua-hub');
    // Population-weighted: Haibowan has the most elders.
    expect(share(elders, (e) => streetById.get(e.streetId)!.district === '海勃湾区')).toBeGreaterThan(0.5);
    expect(share(elders, (e) => e.residentIdMasked !== undefined)).toBe(share(city.elders, (e) => Boolean(e.residentId)));
    for (const e of city.elders) if (e.residentId) expect(e.residentId.slice(0, 6)).toBe(districtCode[streetById.get(e.elder.streetId)!.district]);
  });

  it('scales companies, caregivers and elders, but not the places', () => {
    const double = generateDemoCity({ scale: 2 });
    expect(double.enterprises).toHaveLength(2654);
    expect(double.enterprises.filter((e) => e.enterprise.status === 'licensed' && e.enterprise.licenceValidUntil > REFERENCE_DATE)).toHaveLength(406);
    expect(double.caregivers).toHaveLength(2400);
    expect(double.elders).toHaveLength(6000);
    expect(double.streets).toEqual(city.streets);
    expect(double.communities).toEqual(city.communities);
    expect(double.centers).toEqual(city.centers);
    const codes = [...double.enterprises.map((e) => e.enterprise.code), ...double.caregivers.map((c) => c.caregiver.code)];
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each([0.02, 0.05, 1])('keeps the demo anchor at scale %s: qualified and suspended carers near 新华街道\'s hub', (scale) => {
    const c = scale === 1 ? city : generateDemoCity({ scale });
    const elder = c.elders.find((e) => e.elder.id === DEMO_ANCHOR.elderId)!.elder;
    expect(elder.centerId).toBe(DEMO_ANCHOR.hubCenterId);
    const byId = new Map(c.enterprises.map((e) => [e.enterprise.id, e.enterprise]));
    const near = c.caregivers.map((x) => x.caregiver).filter((cg) => travelMinutes(cg.location, elder.location) <= 15);
    const bathers = near.filter((cg) => {
      const employer = byId.get(cg.enterpriseId)!;
      return cg.status === 'active' && employer.status === 'licensed' && employer.licenceValidUntil > REFERENCE_DATE && employer.services.includes('bathing')
        && cg.certificates.some((x) => x.type === 'elderCare' && x.validUntil > REFERENCE_DATE);
    });
    expect(bathers.length).toBeGreaterThanOrEqual(3);
    expect(near.some((cg) => byId.get(cg.enterpriseId)!.status === 'suspended')).toBe(true);
  });

  it('works at fractional scales, down to one of each', () => {
    const small = generateDemoCity({ scale: 0.05 });
    expect([small.enterprises.length, small.caregivers.length, small.elders.length]).toEqual([66, 60, 150]);
    expect(small.enterprises.filter((e) => e.enterprise.status === 'licensed' && e.enterprise.licenceValidUntil > REFERENCE_DATE)).toHaveLength(10);
    expect(small.centers).toHaveLength(city.centers.length);
    for (const { caregiver } of small.caregivers) expectValid(CaregiverSchema, caregiver);
    const tiny = generateDemoCity({ scale: 0.0001 });
    expect([tiny.enterprises.length, tiny.caregivers.length, tiny.elders.length]).toEqual([1, 1, 1]);
    expect(tiny.enterprises[0]!.enterprise.status).toBe('licensed');
    expect(tiny.caregivers[0]!.caregiver.enterpriseId).toBe(tiny.enterprises[0]!.enterprise.id);
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => generateDemoCity({ scale })).toThrow(/positive number/);
  });
});

describe('seeding the demo city into DynamoDB Local', () => {
  const { dynamo, db } = dynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const names = tableNames(`t${randomBytes(4).toString('hex')}_`);
  const piiHashKey = 'test-pii-key';
  const scale = 0.05;

  async function allItems() {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: names.care, ExclusiveStartKey, ConsistentRead: true }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  beforeAll(async () => {
    await ensureTables(dynamo, names);
  });
  afterAll(() => {
    dynamo.destroy();
  });

  it('writes every item once, and a second call writes nothing', async () => {
    const logs: string[] = [];
    expect(await seedDemoCity(db, names.care, { scale, piiHashKey, log: (line) => logs.push(line) })).toBe(true);
    const expected = demoCityItems(generateDemoCity({ scale }), piiHashKey);
    const items = await allItems();
    expect(items).toHaveLength(expected.length + 2); // and the two markers
    expect(logs.some((l) => /^seeding Wuhai demo city: [\d,]+\/[\d,]+ items$/.test(l))).toBe(true);
    expect(logs.at(-1)).toMatch(/^seeded the Wuhai demo city \(scale 0\.05\): 20 streets, .* 66 companies \(10 licensed\), 60 caregivers, 150 elders; 9\d\d items in [\d.]+ s$/);

    const hub = await db.send(new GetCommand({ TableName: names.care, Key: keys.center('ctr-xinhua-hub') }));
    expect(hub.Item).toMatchObject({ entity: 'Center', kind: 'hub', streetId: 'st-xinhua', GSI1PK: 'CITY#150300#CENTERS' });
    const small = generateDemoCity({ scale });
    const { caregiver, residentId } = small.caregivers[0]!;
    const byHash = await db.send(new GetCommand({ TableName: names.care, Key: keys.residentId('caregiver', residentIdHash(piiHashKey, residentId)) }));
    expect(byHash.Item).toMatchObject({ entity: 'ResidentId', id: caregiver.id });
    const byCode = await db.send(new GetCommand({ TableName: names.care, Key: keys.publicCode(caregiver.code) }));
    expect(byCode.Item).toMatchObject({ kind: 'caregiver', id: caregiver.id });
    // Every caregiver can be found by mobile ("my jobs"), under the keyed hash only.
    const byPhone = await db.send(new GetCommand({ TableName: names.care, Key: keys.caregiverPhone(residentIdHash(piiHashKey, phoneHashInput(caregiver.phone))) }));
    expect(byPhone.Item).toMatchObject({ entity: 'CaregiverPhone', caregiverId: caregiver.id });
    expect(items.filter((i) => i.entity === 'CaregiverPhone')).toHaveLength(small.caregivers.length);
    const stored = items.find((i) => i.PK === keys.caregiver(caregiver.id).PK)!;
    expect(stored.GEOPK).toMatch(/^GEO#/);
    expect(JSON.stringify(items)).not.toContain(residentId); // only masked and hashed
    expect(items.filter((i) => i.entity === 'EnterpriseAudit').length).toBe(small.enterprises.reduce((n, e) => n + e.history.length, 0));
    const marker = await db.send(new GetCommand({ TableName: names.care, Key: keys.seed(seedName(scale)) }));
    expect(marker.Item).toMatchObject({ scale, enterprises: 66, caregivers: 60, elders: 150 });

    const again: string[] = [];
    expect(await seedDemoCity(db, names.care, { scale, piiHashKey, log: (line) => again.push(line) })).toBe(false);
    expect(again).toEqual([]);
    expect(await allItems()).toHaveLength(items.length);
  });

  it('leaves a table seeded at another scale alone', async () => {
    const before = (await allItems()).length;
    const logs: string[] = [];
    expect(await seedDemoCity(db, names.care, { scale: 0.1, piiHashKey, log: (line) => logs.push(line) })).toBe(false);
    expect(logs.join('\n')).toMatch(/already holds the Wuhai demo city at scale 0\.05/);
    expect(await allItems()).toHaveLength(before);
  });
});

describe('the divisions data', () => {
  const shared = new URL('../../../shared/data/wuhai-divisions.json', import.meta.url);
  it.skipIf(!existsSync(shared))('is the same as the shared source document', () => {
    expect(readFileSync(DIVISIONS_URL, 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});
