import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitView } from '../../domain/visit.js';
import type { LocalPlatform } from '../../local/platform.js';
import { DEMO_ANCHOR, generateDemoCity } from '../../local/demo-city.js';
import { type Api, api, countItems, quiesce, startTestPlatform, tokenOf, waitFor, workday } from '../support/platform.js';

const SCALE = 0.05;
const city = generateDemoCity({ scale: SCALE });
/** Lives near its hub, with qualified caregivers of a licensed company close by, at every scale. */
const ELDER = DEMO_ANCHOR.elderId;
const OTHER_CENTRES_ELDER = city.elders.find((e) => e.elder.centerId !== DEMO_ANCHOR.hubCenterId)!.elder;
const A_COMPANY = city.enterprises[0]!.enterprise.id;

interface Sms { to: string; text: string; sentAt: string; visitId: string | null }

let local: LocalPlatform;
let http: Api;
let centerToken: string;
let otherCenterToken: string;
let bureauToken: string;

/** Tomorrow 09:00–10:00 in the city, relative to the platform clock. */
function window(daysAhead = 1) {
  const day = workday(local.clock.now(), daysAhead);
  return { earliestStart: `${day}T09:00:00+08:00`, latestStart: `${day}T10:00:00+08:00` };
}

async function requestVisit(body: Record<string, unknown>, key = crypto.randomUUID()) {
  return http.post('/visits', body, centerToken, { 'idempotency-key': key });
}

async function visit(id: string, token = centerToken): Promise<VisitView> {
  const res = await http.get(`/visits/${id}`, token);
  expect(res.status).toBe(200);
  return (await res.json()) as VisitView;
}

async function smsFor(visitId: string): Promise<Sms[]> {
  const { items } = (await (await http.get('/dev/sms')).json()) as { items: Sms[] };
  return items.filter((m) => m.visitId === visitId);
}

const itemCount = () => countItems(local);

beforeAll(async () => {
  local = await startTestPlatform({ offerTimeoutSeconds: 60, seedScale: SCALE });
  http = api(local.url);
  centerToken = await http.token('center', DEMO_ANCHOR.hubCenterId);
  otherCenterToken = await http.token('center', OTHER_CENTRES_ELDER.centerId);
  bureauToken = await http.token('bureau', '150300');
});

afterAll(async () => {
  await local?.stop();
});

describe('the walking skeleton over HTTP', () => {
  it('is healthy, lists the catalogue and describes itself', async () => {
    expect((await http.get('/health')).status).toBe(200);
    const catalog = (await (await http.get('/catalog/services')).json()) as { items: Array<{ code: string; qualifyingCertificates: string[] }> };
    expect(catalog.items).toHaveLength(20);
    expect(catalog.items.find((s) => s.code === 'bathing')?.qualifyingCertificates.length).toBeGreaterThan(0);
    const openapi = (await (await http.get('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/visits/{id}');
  });

  it('shows centres to the bureau and elders to their own centre only', async () => {
    const centers = (await (await http.get('/centers', bureauToken)).json()) as { items: Array<{ id: string; kind: string }> };
    expect(centers.items.map((c) => c.id)).toContain(DEMO_ANCHOR.hubCenterId);
    expect((await http.get('/centers', await http.token('enterprise', A_COMPANY))).status).toBe(403);
    expect((await http.get('/centers')).status).toBe(401);
    const elders = (await (await http.get('/elders', centerToken)).json()) as { items: Array<{ centerId: string; phone: string }> };
    expect(elders.items.length).toBeGreaterThan(0);
    expect(elders.items.every((e) => e.centerId === DEMO_ANCHOR.hubCenterId)).toBe(true);
  });

  it('takes a visit from REQUESTED through OFFERED to ASSIGNED', async () => {
    const res = await requestVisit({ elderId: ELDER, serviceCode: 'bathing', ...window() });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; status: string };
    expect(created.status).toBe('REQUESTED');

    const offered = await waitFor(async () => {
      const v = await visit(created.id);
      return v.status === 'OFFERED' && v.offers.length > 0 ? v : undefined;
    }, 'offers');
    expect(offered.offers.every((o) => o.status === 'PENDING' && o.travelMinutes <= 15)).toBe(true);
    // Bathing needs a valid elder-care or medical-care certificate, and a licensed employer.
    for (const offer of offered.offers) {
      const caregiver = (await (await http.get(`/caregivers/${offer.caregiverId}`, bureauToken)).json()) as { certificates: Array<{ type: string; validUntil: string }> };
      expect(caregiver.certificates.some((c) => ['elderCare', 'medicalCare'].includes(c.type) && c.validUntil >= window().latestStart.slice(0, 10))).toBe(true);
      const employer = (await (await http.get(`/enterprises/${offer.enterpriseId}`, bureauToken)).json()) as { status: string };
      expect(employer.status).toBe('licensed');
    }

    const messages = await waitFor(async () => {
      const m = await smsFor(created.id);
      return m.length === offered.offers.length ? m : undefined;
    }, 'one SMS per offer');
    const elder = ((await (await http.get(`/elders/${ELDER}`, centerToken)).json()) as { name: string; address: string; phone?: string });
    for (const m of messages) {
      expect(m.text.startsWith('【一刻钟】')).toBe(true);
      expect([...m.text].length).toBeLessThanOrEqual(70);
      // No personal data of the elder in an SMS.
      for (const secret of [elder.name, elder.address, elder.phone].filter(Boolean)) expect(m.text).not.toContain(secret);
    }

    const token = tokenOf(messages[0]!.text)!;
    const page = await http.get(`/j/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('接单');

    const accept = await http.post(`/j/${token}/accept`, '', undefined, { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' });
    expect(accept.status).toBe(200);
    expect(await accept.json()).toEqual({ visitId: created.id, status: 'ASSIGNED' });

    const assigned = await visit(created.id);
    expect(assigned.status).toBe('ASSIGNED');
    // The visit went to the caregiver whose link was used.
    const winner = (await (await http.get(`/caregivers/${assigned.assignment!.caregiverId}`, bureauToken)).json()) as { phone: string };
    expect(winner.phone).toBe(messages[0]!.to);
    expect(assigned.history.map((h) => h.event)).toEqual(['VisitRequested', 'OfferSent', 'VisitAssigned']);

    // The others' offers are revoked and their links stop working.
    const revoked = await waitFor(async () => {
      const v = await visit(created.id);
      return v.offers.filter((o) => o.status === 'REVOKED').length === v.offers.length - 1 ? v : undefined;
    }, 'revocations');
    expect(revoked.offers.filter((o) => o.status === 'ACCEPTED')).toHaveLength(1);
    for (const other of messages.slice(1)) {
      const res2 = await http.post(`/j/${tokenOf(other.text)}/accept`, '', undefined, { accept: 'application/json' });
      expect(res2.status).toBe(409);
      expect(((await res2.json()) as { error: { code: string } }).error.code).toBe('OFFER_TAKEN');
    }
    // A second accept by the winner is refused, once.
    const again = await http.post(`/j/${token}/accept`, '', undefined, { accept: 'application/json' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('ALREADY_ACCEPTED');

    // The bureau sees the visit; another centre does not.
    expect((await http.get(`/visits/${created.id}`, bureauToken)).status).toBe(200);
    expect((await http.get(`/visits/${created.id}`, otherCenterToken)).status).toBe(404);
  });

  it('lets exactly one of two simultaneous accepts win', async () => {
    const res = await requestVisit({ elderId: ELDER, serviceCode: 'bathing', urgency: 'urgent', ...window(2) }); // urgent: a wave of several
    const { id } = (await res.json()) as { id: string };
    const messages = await waitFor(async () => {
      const m = await smsFor(id);
      return m.length >= 2 ? m : undefined;
    }, 'two offers');
    const [a, b] = messages.map((m) => tokenOf(m.text)!);
    const results = await Promise.all([a, b].map((t) => http.post(`/j/${t}/accept`, '', undefined, { accept: 'application/json' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const v = await visit(id);
    expect(v.status).toBe('ASSIGNED');
    expect(v.offers.filter((o) => o.status === 'ACCEPTED')).toHaveLength(1);
    // The one who lost the race hears by SMS that the offer is closed; the winner does not.
    const loser = messages[results.findIndex((r) => r.status === 409)]!.to;
    const winner = messages[results.findIndex((r) => r.status === 200)]!.to;
    await waitFor(async () => ((await smsFor(id)).some((m) => m.to === loser && m.text.includes('已由他人接单')) ? true : undefined), 'the taken notice');
    expect((await smsFor(id)).filter((m) => m.to === winner && m.text.includes('已由他人接单'))).toEqual([]);
  });

  it('answers a repeated Idempotency-Key with the same visit, and refuses it for another body', async () => {
    const key = crypto.randomUUID();
    const body = { elderId: ELDER, serviceCode: 'cleaning', ...window(3) };
    const first = (await (await requestVisit(body, key)).json()) as { id: string };
    const second = await requestVisit(body, key);
    expect(second.status).toBe(201);
    expect(((await second.json()) as { id: string }).id).toBe(first.id);
    const reused = await requestVisit({ ...body, notes: 'different' }, key);
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { error: { field: string } }).error.field).toBe('Idempotency-Key');
  });

  it('moves to the next wave when a wave expires, and ends UNFILLED with reasons', async () => {
    const { id } = (await (await requestVisit({ elderId: ELDER, serviceCode: 'medical', ...window(4) })).json()) as { id: string };
    const first = await waitFor(async () => {
      const v = await visit(id);
      return v.status === 'OFFERED' ? v : undefined;
    }, 'first wave');
    // Move the platform clock past each wave's deadline until the visit runs out of candidates.
    const final = await waitFor(async () => {
      await local.clock.set(new Date(local.clock.now().getTime() + 61_000));
      await local.scheduler.tick();
      const v = await visit(id);
      return v.status === 'UNFILLED' ? v : undefined;
    }, 'unfilled', 20_000);
    expect(final.offers.length).toBeGreaterThanOrEqual(first.offers.length);
    expect(final.offers.every((o) => o.status === 'EXPIRED')).toBe(true);
    expect(final.unfilledReason).toMatch(/^nobody accepted in \d+ wave/);
    expect(final.history.map((h) => h.event)).toContain('OfferExpired');
  });

  it('marks a visit UNFILLED at once when nobody qualifies, saying why', async () => {
    // An elder out in the desert east of 公乌素镇, beyond every caregiver's circle.
    const remote = await http.post('/elders', {
      name: '巴特尔', address: '乌海市海南区公乌素镇远郊牧点', location: { lat: 39.45, lon: 107.12 }, careLevel: 'mild',
      consent: { givenBy: '巴特尔', givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
    }, centerToken);
    const elderId = ((await remote.json()) as { id: string }).id;
    const { id } = (await (await requestVisit({ elderId, serviceCode: 'cleaning', ...window(5) })).json()) as { id: string };
    const v = await waitFor(async () => {
      const r = await visit(id);
      return r.status === 'UNFILLED' ? r : undefined;
    }, 'unfilled');
    expect(v.unfilledReason).toMatch(/^no eligible caregiver: (no caregiver registered near the elder|\d+ outside the 15-minute circle)$/);
  });
});

describe('bad input to POST /visits', () => {
  const cases: Array<[string, unknown, number, string, string?]> = [
    ['missing field', { serviceCode: 'meals', earliestStart: '2030-01-01T09:00:00+08:00', latestStart: '2030-01-01T10:00:00+08:00' }, 400, 'INVALID_FIELD', 'elderId'],
    ['unknown service', { elderId: ELDER, serviceCode: 'massage', earliestStart: '2030-01-01T09:00:00+08:00', latestStart: '2030-01-01T10:00:00+08:00' }, 400, 'INVALID_FIELD', 'serviceCode'],
    ['time without offset', { elderId: ELDER, serviceCode: 'meals', earliestStart: '2030-01-01T09:00:00', latestStart: '2030-01-01T10:00:00+08:00' }, 400, 'INVALID_FIELD', 'earliestStart'],
    ['unknown field', { elderId: ELDER, serviceCode: 'meals', earliestStart: '2030-01-01T09:00:00+08:00', latestStart: '2030-01-01T10:00:00+08:00', colour: 'red' }, 400, 'INVALID_FIELD'],
    ['broken JSON', '{"elderId": ', 400, 'INVALID_JSON', 'body'],
    ['window in the past', { elderId: ELDER, serviceCode: 'meals', earliestStart: '2020-01-01T09:00:00+08:00', latestStart: '2020-01-01T10:00:00+08:00' }, 400, 'WINDOW_IN_PAST', 'latestStart'],
    ['window reversed', { elderId: ELDER, serviceCode: 'meals', earliestStart: '2030-01-01T10:00:00+08:00', latestStart: '2030-01-01T09:00:00+08:00' }, 400, 'WINDOW_REVERSED', 'latestStart'],
    ['elder of another centre', { elderId: OTHER_CENTRES_ELDER.id, serviceCode: 'meals' }, 404, 'ELDER_NOT_FOUND', 'elderId'],
    ['unknown elder', { elderId: 'eld-nobody', serviceCode: 'meals' }, 404, 'ELDER_NOT_FOUND', 'elderId'],
  ];

  beforeAll(async () => {
    // Let the visits above finish their background dispatch, so that counting items measures only these requests.
    await quiesce(local);
  });

  it.each(cases)('%s → 4xx naming the problem, nothing written', async (_name, body, status, code, field) => {
    const before = await itemCount();
    const filled = typeof body === 'object' && body && !('earliestStart' in body) ? { ...body, ...window() } : body;
    const res = await requestVisit(filled as Record<string, unknown>);
    expect(res.status).toBe(status);
    const error = ((await res.json()) as { error: { code: string; message: string; field?: string } }).error;
    expect(error.code).toBe(code);
    if (field) expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(0);
    expect(await itemCount()).toBe(before);
  });

  it('requires an Idempotency-Key, a centre token, and JSON', async () => {
    const body = { elderId: ELDER, serviceCode: 'meals', ...window() };
    const noKey = await http.post('/visits', body, centerToken);
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { error: { field: string } }).error.field).toBe('Idempotency-Key');
    expect((await http.post('/visits', body, bureauToken, { 'idempotency-key': 'k1' })).status).toBe(403);
    expect((await http.post('/visits', body, undefined, { 'idempotency-key': 'k2' })).status).toBe(401);
    expect((await http.post('/visits', body, 'not-a-jwt', { 'idempotency-key': 'k3' })).status).toBe(401);
    const form = await http.post('/visits', 'a=b', centerToken, { 'idempotency-key': 'k4', 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });

  it('refuses dev tokens for unknown roles or organisations', async () => {
    const bad = await http.post('/auth/dev-token', { role: 'mayor', orgId: 'x' });
    expect(bad.status).toBe(400);
    expect((await http.post('/auth/dev-token', { role: 'center', orgId: 'ctr-nowhere' })).status).toBe(404);
  });

  it('refuses malformed or unknown caregiver links without revealing anything', async () => {
    expect((await http.get('/j/short')).status).toBe(404);
    const unknown = await http.post(`/j/${'A'.repeat(22)}/accept`, '', undefined, { accept: 'application/json' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('LINK_INVALID');
  });
});
