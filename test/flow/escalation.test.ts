import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitView } from '../../domain/visit.js';
import type { LocalPlatform } from '../../local/platform.js';
import { caregiverBody, companyBody } from '../support/bodies.js';
import { type Api, api, startTestPlatform, tokenOf, waitFor, workday } from '../support/platform.js';

/**
 * The escalation ladder, on a controlled corner of the city: an elder out in
 * the desert with exactly one caregiver near, of a company with a dispatcher.
 * Once that caregiver declines, the dispatchers are told, one deadline later
 * the street's hub centre, one deadline after that the visit is UNFILLED.
 */
let local: LocalPlatform;
let http: Api;
let bureau: string;
const TIMEOUT_S = 600;

interface Sms { to: string; text: string }
const smsOf = async (visitId: string) => ((await (await http.get(`/dev/sms?visitId=${visitId}`)).json()) as { items: Sms[] }).items;

/** Desert spots out of each other's (and every seeded caregiver's) reach. */
const SPOTS = [{ lat: 39.37, lon: 107.09 }, { lat: 39.45, lon: 107.12 }];
let spotIndex = 0;
/** A fresh remote spot, its elder, a licensed company with a dispatcher, and one qualified caregiver there. */
async function remoteCorner() {
  const spot = SPOTS[spotIndex]!;
  const dispatcherPhone = `1390473000${spotIndex++}`;
  const owner = await http.token('center', 'ctr-xinhua-hub');
  const elder = await http.post('/elders', {
    name: '阿拉坦', address: '乌海市海南区公乌素镇远郊牧点3号', location: spot, careLevel: 'moderate',
    consent: { givenBy: '阿拉坦', givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
  }, owner);
  expect(elder.status).toBe(201);
  const { id: elderId } = (await elder.json()) as { id: string };
  const { streetId } = (await (await http.get(`/elders/${elderId}`, owner)).json()) as { streetId: string };
  const streets = ((await (await http.get('/streets', bureau)).json()) as { items: Array<{ id: string; hubCenterId: string }> }).items;
  const hubId = streets.find((s) => s.id === streetId)!.hubCenterId;
  const centers = ((await (await http.get('/centers', bureau)).json()) as { items: Array<{ id: string; dutyPhone?: string }> }).items;
  const hubPhone = centers.find((c) => c.id === hubId)!.dutyPhone!;

  const company = (await (await http.post('/enterprises', companyBody({ services: ['cleaning'], sites: [{ name: '牧区站', ...spot }], dispatcherPhone }), bureau)).json()) as { id: string };
  expect((await http.post(`/enterprises/${company.id}/licence`, { reason: '材料齐全' }, bureau)).status).toBe(200);
  const created = await http.post('/caregivers', caregiverBody(company.id, { home: spot, phone: `1380473999${spotIndex}` }), bureau);
  expect(created.status).toBe(201);
  const { id: caregiverId } = (await created.json()) as { id: string };

  const day = workday(local.clock.now(), 3);
  const visit = await http.post('/visits', { elderId, serviceCode: 'cleaning', earliestStart: `${day}T09:00:00+08:00`, latestStart: `${day}T11:00:00+08:00` }, owner, { 'idempotency-key': crypto.randomUUID() });
  const { id } = (await visit.json()) as { id: string };
  return { id, owner, companyId: company.id, caregiverId, dispatcherPhone, hubId, hubPhone };
}

const deskOf = async (token: string) => {
  const res = await http.get('/desk', token);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: unknown[] }).items;
};

const view = async (id: string) => (await (await http.get(`/visits/${id}`, bureau)).json()) as VisitView;

/** The only offer goes out; its caregiver declines it. */
async function declineTheOnlyOffer(id: string) {
  const message = await waitFor(async () => (await smsOf(id)).find((m) => tokenOf(m.text)), 'the offer');
  const declined = await fetch(`${http.url}/j/${tokenOf(message.text)}/decline`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: '{"reason":"busy"}' });
  expect(declined.status).toBe(200);
}

async function passDeadline() {
  await local.clock.set(new Date(local.clock.now().getTime() + (TIMEOUT_S + 1) * 1000));
  await local.scheduler.tick();
}

beforeAll(async () => {
  local = await startTestPlatform({ seedScale: 0.02, offerTimeoutSeconds: TIMEOUT_S });
  http = api(local.url);
  bureau = await http.token('bureau', '150300');
});

afterAll(async () => {
  await local?.stop();
});

describe('GET /visits refuses a bad query, naming the parameter', () => {
  it.each([
    ['status=LOST', 'status'],
    ['from=2026-13-01', 'from'],
    ['from=2026-12-05&to=2026-12-01', 'to'],
    ['limit=0', 'limit'],
    ['cursor=bm90LWEta2V5', 'cursor'],
  ])('%s', async (query, field) => {
    const res = await http.get(`/visits?${query}`, await http.token('center', 'ctr-xinhua-hub'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
  });
});

describe('the escalation ladder', () => {
  it('tells the dispatchers, a deadline later the hub centre, a deadline after that gives the visit up; each once', async () => {
    const corner = await remoteCorner();
    await declineTheOnlyOffer(corner.id);

    const atDispatchers = await waitFor(async () => {
      const v = await view(corner.id);
      return v.escalation === 'dispatchers' ? v : undefined;
    }, 'the dispatchers rung');
    expect(atDispatchers.status).toBe('OFFERED');
    expect(atDispatchers.history.at(-1)).toMatchObject({ event: 'VisitEscalated', note: expect.stringMatching(/dispatchers.*nobody accepted in 1 wave/) });
    await waitFor(async () => (await smsOf(corner.id)).find((m) => m.to === corner.dispatcherPhone), 'the dispatcher told');
    expect((await smsOf(corner.id)).filter((m) => m.to === corner.hubPhone)).toHaveLength(0);
    // The company finds it on its desk; the hub centre not yet.
    const companyDesk = await http.token('enterprise', corner.companyId);
    const hubDesk = await http.token('center', corner.hubId);
    expect(await deskOf(companyDesk)).toEqual([expect.objectContaining({ id: corner.id, askedAs: 'dispatchers', status: 'OFFERED' })]);
    expect(await deskOf(hubDesk)).toEqual([]);

    await passDeadline();
    await waitFor(async () => ((await view(corner.id)).escalation === 'hub' ? true : undefined), 'the hub rung');
    const notice = await waitFor(async () => (await smsOf(corner.id)).find((m) => m.to === corner.hubPhone), 'the hub told');
    expect(notice.text).toContain('无人接单');
    expect(await deskOf(hubDesk)).toEqual([expect.objectContaining({ id: corner.id, askedAs: 'hub' })]);

    await passDeadline();
    const given = await waitFor(async () => {
      const v = await view(corner.id);
      return v.status === 'UNFILLED' ? v : undefined;
    }, 'unfilled');
    expect(given.unfilledReason).toMatch(/^nobody accepted in 1 wave\(s\); no one else eligible: /);
    expect(given.history.filter((h) => h.event === 'VisitEscalated')).toHaveLength(2);
    // The centre that asked finds it among its visits at once; no other centre does.
    const day = given.earliestStart.slice(0, 10);
    const listed = await http.get(`/visits?status=UNFILLED&from=${day}&to=${day}`, corner.owner);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { items: Array<{ id: string; unfilledReason: string }> }).items).toEqual([expect.objectContaining({ id: corner.id, unfilledReason: given.unfilledReason })]);
    expect(((await (await http.get('/visits?status=ASSIGNED', corner.owner)).json()) as { items: unknown[] }).items.map((v) => (v as { id: string }).id)).not.toContain(corner.id);
    const elsewhere = await http.token('center', 'ctr-binhe-hub');
    expect(((await (await http.get('/visits?status=UNFILLED', elsewhere)).json()) as { items: unknown[] }).items).toEqual([]);
    // Everyone was told once: giving up sends nothing new.
    await passDeadline();
    const messages = await smsOf(corner.id);
    expect(messages.filter((m) => m.to === corner.dispatcherPhone)).toHaveLength(1);
    expect(messages.filter((m) => m.to === corner.hubPhone)).toHaveLength(1);
  });

  it('stops climbing when the dispatcher assigns someone by hand', async () => {
    const corner = await remoteCorner();
    await declineTheOnlyOffer(corner.id);
    await waitFor(async () => ((await view(corner.id)).escalation === 'dispatchers' ? true : undefined), 'the dispatchers rung');

    const company = await http.token('enterprise', corner.companyId);
    const assigned = await http.post(`/visits/${corner.id}/assign`, { caregiverId: corner.caregiverId, reason: '电话沟通后同意上门' }, company);
    expect(assigned.status).toBe(200);
    await passDeadline();
    await passDeadline();
    const v = await view(corner.id);
    expect(v).toMatchObject({ status: 'ASSIGNED', escalation: 'dispatchers', assignment: { caregiverId: corner.caregiverId } });
    expect((await smsOf(corner.id)).filter((m) => m.to === corner.hubPhone)).toHaveLength(0);
    // Staffed: off the desk.
    expect(await deskOf(company)).toEqual([]);
  });
});
