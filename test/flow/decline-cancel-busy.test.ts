import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitView } from '../../domain/visit.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import type { LocalPlatform } from '../../local/platform.js';
import { type Api, api, startTestPlatform, tokenOf, waitFor, workday } from '../support/platform.js';

let local: LocalPlatform;
let http: Api;
let center: string;
let bureau: string;

interface Sms { to: string; text: string; visitId: string | null }

const day = (n: number) => workday(local.clock.now(), n);
const visit = async (id: string) => (await (await http.get(`/visits/${id}`, center)).json()) as VisitView;
const sms = async (visitId: string) => ((await (await http.get('/dev/sms')).json()) as { items: Sms[] }).items.filter((m) => m.visitId === visitId);
const phoneOf = async (caregiverId: string) => ((await (await http.get(`/caregivers/${caregiverId}`, bureau)).json()) as { phone: string }).phone;

async function request(n: number, from = '09:00', to = '10:00', elderId: string = DEMO_ANCHOR.elderId) {
  const res = await http.post(
    '/visits',
    { elderId, serviceCode: 'bathing', earliestStart: `${day(n)}T${from}:00+08:00`, latestStart: `${day(n)}T${to}:00+08:00` },
    center,
    { 'idempotency-key': crypto.randomUUID() },
  );
  return ((await res.json()) as { id: string }).id;
}

/** Waits for the offers of a wave and returns each caregiver's link token. */
async function linksOf(id: string, wave = 1): Promise<Map<string, string>> {
  const v = await waitFor(async () => {
    const r = await visit(id);
    const offers = r.offers.filter((o) => o.wave === wave);
    return offers.length && (await sms(id)).length >= r.offers.length ? r : undefined;
  }, `wave ${wave}`);
  const messages = await sms(id);
  const links = new Map<string, string>();
  for (const offer of v.offers.filter((o) => o.wave === wave)) {
    const phone = await phoneOf(offer.caregiverId);
    const message = messages.find((m) => m.to === phone);
    if (message) links.set(offer.caregiverId, tokenOf(message.text)!);
  }
  return links;
}

const post = (token: string, action: string, body = '', json = true) =>
  fetch(`${http.url}/j/${token}/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(json ? { accept: 'application/json' } : {}) },
    body,
  });

beforeAll(async () => {
  local = await startTestPlatform({ offerTimeoutSeconds: 600, seedScale: 0.05 });
  http = api(local.url);
  center = await http.token('center', DEMO_ANCHOR.hubCenterId);
  bureau = await http.token('bureau', '150300');
});

afterAll(async () => {
  await local?.stop();
});

describe('declining', () => {
  it('closes the offer with its reason; when the whole wave has declined, the next wave goes out at once', async () => {
    const id = await request(1);
    const links = await linksOf(id);
    const [first, ...rest] = [...links.values()];
    const page = await post(first!, 'decline', 'reason=tooFar', false);
    expect(page.status).toBe(303);
    expect(await (await fetch(`${http.url}/j/${first}`)).text()).toContain('您已拒绝此单');
    expect((await post(first!, 'accept')).status).toBe(409);
    for (const token of rest) expect((await post(token, 'decline', '')).status).toBe(200);
    const after = await waitFor(async () => {
      const v = await visit(id);
      return v.wave === 2 || v.status === 'UNFILLED' ? v : undefined;
    }, 'the next wave right after the last decline');
    expect(after.offers.filter((o) => o.wave === 1).every((o) => o.status === 'DECLINED')).toBe(true);
    expect(after.history.filter((h) => h.event === 'OfferDeclined').map((h) => h.note)).toContain('tooFar');
  });
});

describe('cancelling', () => {
  it('revokes open offers; an assigned caregiver is told by SMS and is free again', async () => {
    const id = await request(2);
    const links = await linksOf(id);
    const [winner, token] = [...links.entries()][0]!;
    expect((await post(token, 'accept')).status).toBe(200);

    // Busy: the same slot for the same elder is not offered to the winner again.
    const clash = await request(2);
    const clashing = await waitFor(async () => ((await visit(clash)).status !== 'REQUESTED' ? visit(clash) : undefined), 'dispatch of the second visit');
    expect(clashing.offers.map((o) => o.caregiverId)).not.toContain(winner);

    const cancel = await http.post(`/visits/${id}/cancel`, { reason: '家属临时接老人外出' }, center);
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as VisitView).status).toBe('CANCELLED');
    const phone = await phoneOf(winner);
    const told = await waitFor(async () => (await sms(id)).find((m) => m.to === phone && m.text.includes('已取消')), 'the cancellation SMS');
    expect([...told.text].length).toBeLessThanOrEqual(70);
    const after = await visit(id);
    expect(after.history.at(-1)).toMatchObject({ event: 'VisitCancelled', note: '家属临时接老人外出', actor: `center:${DEMO_ANCHOR.hubCenterId}` });
    expect((await http.post(`/visits/${id}/cancel`, { reason: '再次取消' }, center)).status).toBe(409);

    // Free again: a new visit in that slot can be offered to them.
    await waitFor(async () => {
      const again = await request(2);
      const v = await waitFor(async () => ((await visit(again)).status !== 'REQUESTED' ? visit(again) : undefined), 'dispatch');
      return v.offers.some((o) => o.caregiverId === winner) ? true : undefined;
    }, 'the caregiver offered the freed slot', 20_000);
  });

  it('revokes every open offer of an unanswered visit, and refuses strangers and bad reasons', async () => {
    const id = await request(3);
    const links = await linksOf(id);
    expect((await http.post(`/visits/${id}/cancel`, { reason: 'x' }, center)).status).toBe(400);
    expect((await http.post(`/visits/${id}/cancel`, { reason: '不需要了' }, await http.token('center', 'ctr-binhe-hub'))).status).toBe(404);
    expect((await http.post(`/visits/${id}/cancel`, { reason: '不需要了' }, bureau)).status).toBe(403);
    expect((await http.post(`/visits/${id}/cancel`, { reason: '不需要了' }, center)).status).toBe(200);
    const revoked = await waitFor(async () => {
      const v = await visit(id);
      return v.offers.every((o) => o.status === 'REVOKED') ? v : undefined;
    }, 'revocations');
    expect(revoked.status).toBe('CANCELLED');
    const [token] = [...links.values()];
    expect((await post(token!, 'accept')).status).toBe(409);
  });
});

describe('the daily limit', () => {
  it('a caregiver at their limit is not offered more visits that day', async () => {
    const id = await request(4, '08:00', '08:30');
    const links = await linksOf(id);
    const [winner, token] = [...links.entries()][0]!;
    const employer = (await visit(id)).offers.find((o) => o.caregiverId === winner)!.enterpriseId;
    const company = await http.token('enterprise', employer);
    const patch = await fetch(`${http.url}/caregivers/${winner}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${company}`, 'content-type': 'application/json' }, body: JSON.stringify({ maxVisitsPerDay: 1 }),
    });
    expect(patch.status).toBe(200);
    expect((await post(token, 'accept')).status).toBe(200);
    const later = await request(4, '15:00', '16:00');
    const v = await waitFor(async () => ((await visit(later)).status !== 'REQUESTED' ? visit(later) : undefined), 'dispatch');
    expect(v.offers.map((o) => o.caregiverId)).not.toContain(winner);
  });
});

describe('ranking', () => {
  it('shows the bureau why each caregiver was asked, and keeps it from the centre', async () => {
    const id = await request(5);
    await linksOf(id);
    const forBureau = (await (await http.get(`/visits/${id}`, bureau)).json()) as VisitView;
    expect(forBureau.offers.every((o) => o.score && o.score.total > 0 && 'travel' in o.score.components)).toBe(true);
    const totals = forBureau.offers.map((o) => o.score!.total);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect((await visit(id)).offers.every((o) => o.score === undefined)).toBe(true);
  });

  it('asks the caregiver who served the elder before first', async () => {
    // A new neighbour of the demo elder: nobody has served them yet.
    const anchor = (await (await http.get(`/elders/${DEMO_ANCHOR.elderId}`, center)).json()) as { location: { lat: number; lon: number } };
    const created = await http.post('/elders', {
      name: '李凤英', address: '乌海市海勃湾区新华街道新邻里8号', location: anchor.location, careLevel: 'mild',
      consent: { givenBy: '李凤英', givenAt: '2026-01-05T10:00:00+08:00', purposes: ['居家上门服务'] },
    }, center);
    const elderId = ((await created.json()) as { id: string }).id;
    const first = await request(6, '09:00', '09:30', elderId);
    const links = await linksOf(first);
    const [previous, token] = [...links.entries()].at(-1)!; // the lowest-ranked of the wave
    expect((await post(token, 'accept')).status).toBe(200);
    const next = await request(7, '09:00', '10:00', elderId);
    const offered = await waitFor(async () => ((await visit(next)).status !== 'REQUESTED' ? (await (await http.get(`/visits/${next}`, bureau)).json()) as VisitView : undefined), 'dispatch');
    expect(offered.status, offered.unfilledReason).toBe('OFFERED');
    expect(offered.offers[0]!.caregiverId, JSON.stringify(offered.offers.map((o) => [o.caregiverId, o.score]))).toBe(previous);
    expect(offered.offers[0]!.score!.components.continuity).toBe(1);
  });
});

describe('rescheduling', () => {
  it('cancels the old visit and requests a new one in the new window, asking its caregiver first', async () => {
    const id = await request(8, '09:00', '10:00');
    const links = await linksOf(id);
    const [caregiver, token] = [...links.entries()][0]!;
    expect((await post(token, 'accept')).status).toBe(200);
    const date = day(9);
    const res = await http.post(`/visits/${id}/reschedule`, { earliestStart: `${date}T14:00:00+08:00`, latestStart: `${date}T15:00:00+08:00`, reason: '老人上午要去医院复查' }, center);
    expect(res.status).toBe(201);
    const { id: newId } = (await res.json()) as { id: string };
    const old = await visit(id);
    expect(old.status).toBe('CANCELLED');
    expect(old.history.at(-1)!.note).toContain(newId);
    const fresh = await waitFor(async () => {
      const v = (await (await http.get(`/visits/${newId}`, bureau)).json()) as VisitView;
      return v.offers.length ? v : undefined;
    }, 'offers of the new visit');
    expect(fresh.earliestStart).toBe(`${date}T14:00:00+08:00`);
    expect(fresh.offers[0]!.caregiverId).toBe(caregiver);
    // The caregiver hears that the old time is off.
    const phone = await phoneOf(caregiver);
    await waitFor(async () => ((await sms(id)).some((m) => m.to === phone && m.text.includes('已取消')) ? true : undefined), 'the SMS about the old time');
    // …and the offer of the new time reads as the visit moving.
    const moved = await waitFor(async () => (await sms(newId)).find((m) => m.to === phone), 'the SMS about the new time');
    expect(moved.text).toContain(`改至${Number(date.slice(8, 10))}日14:00`);
    expect((await http.post(`/visits/${id}/reschedule`, { earliestStart: `${date}T14:00:00+08:00`, latestStart: `${date}T15:00:00+08:00`, reason: '再改一次' }, center)).status).toBe(409);
    expect((await http.post(`/visits/${newId}/reschedule`, { earliestStart: '2020-01-01T09:00:00+08:00', latestStart: '2020-01-01T10:00:00+08:00', reason: '过去的时间' }, center)).status).toBe(400);
  });
});

describe('partner companies', () => {
  it('are set by the centre and lift their caregivers in its visits’ ranking', async () => {
    const id = await request(10);
    const first = await waitFor(async () => {
      const v = (await (await http.get(`/visits/${id}`, bureau)).json()) as VisitView;
      return v.offers.length ? v : undefined;
    }, 'offers');
    const partner = first.offers[0]!.enterpriseId;
    const patch = (who: string, body: unknown, centre: string = DEMO_ANCHOR.hubCenterId) =>
      fetch(`${http.url}/centers/${centre}`, { method: 'PATCH', headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await patch(center, { partnerEnterpriseIds: ['ent-nowhere'] })).status).toBe(400);
    expect((await patch(center, { partnerEnterpriseIds: [partner] }, 'ctr-binhe-hub')).status).toBe(404);
    const saved = await patch(center, { partnerEnterpriseIds: [partner] });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ partnerEnterpriseIds: [partner] });
    const next = await request(11);
    const offered = await waitFor(async () => {
      const v = (await (await http.get(`/visits/${next}`, bureau)).json()) as VisitView;
      return v.offers.length ? v : undefined;
    }, 'offers');
    for (const offer of offered.offers) expect(offer.score!.components.partner).toBe(offer.enterpriseId === partner ? 1 : 0);
  });
});
