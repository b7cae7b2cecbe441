import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Elder } from '../../domain/registry.js';
import type { VisitView } from '../../domain/visit.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import type { LocalPlatform } from '../../local/platform.js';
import { acceptedJob, linkPage, postToLink, startJobsPlatform } from '../support/jobs.js';
import { type Api, countItems, quiesce, smsAbout, tokenOf, waitFor, workday } from '../support/platform.js';

/**
 * The caregiver's job after accept, on the SMS link: bound to the phone that
 * accepted, check-in with a fix or the door code, check-out with the care
 * note, each at most once, and nothing personal for anyone else.
 */
let local: LocalPlatform;
let http: Api;
let center: string;
let bureau: string;
let elder: Elder;

const visit = async (id: string) => (await (await http.get(`/visits/${id}`, bureau)).json()) as VisitView;
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; field?: string } }).error;

async function setClock(iso: string) {
  await local.clock.set(new Date(iso));
}

beforeAll(async () => {
  ({ local, http, center, bureau, elder } = await startJobsPlatform());
});

afterAll(async () => {
  await local?.stop();
});

describe('the job page after accept', () => {
  it('shows the address, a masked phone and a map link on the accepting phone only', async () => {
    const job = await acceptedJob(local, http, center, 2);
    const mine = await linkPage(http, job.token, job.cookie);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain(elder.address);
    expect(mine.text).toContain('uri.amap.com/marker');
    if (elder.phone) {
      expect(mine.text).not.toContain(elder.phone);
      expect(mine.text).toContain(`${elder.phone.slice(0, 3)}****${elder.phone.slice(-4)}`);
    }
    expect(mine.headers.get('referrer-policy')).toBe('no-referrer');
    expect(mine.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    expect(Buffer.byteLength(mine.text)).toBeLessThan(30_000);

    // The same SMS forwarded: the job, but no address, no phone, no name.
    for (const other of [undefined, 'cd_device=AAAAAAAAAAAAAAAAAAAAAA']) {
      const forwarded = await linkPage(http, job.token, other);
      expect(forwarded.status).toBe(200);
      expect(forwarded.text).toContain('只在接单时使用的手机上显示');
      expect(forwarded.text).not.toContain(elder.address);
      expect(forwarded.text).not.toContain(elder.name);
      expect(forwarded.cookies).toEqual([]);
    }

    // Two hours before the window: a reminder with a fresh link, which opens on the same phone; the first link still works.
    await quiesce(local);
    await setClock(`${job.day}T07:01:00+08:00`);
    await local.scheduler.tick();
    const reminder = await smsAbout(http, job.id, (m) => m.text.includes('提醒'), 'the reminder');
    const fresh = tokenOf(reminder.text)!;
    expect(fresh).not.toBe(job.token);
    expect((await linkPage(http, fresh, job.cookie)).text).toContain(elder.address);
    expect((await linkPage(http, fresh)).text).not.toContain(elder.address);
    expect((await linkPage(http, job.token, job.cookie)).text).toContain(elder.address);
  });
});

describe('check-in and check-out', () => {
  it('records both ends of the visit once each, with where and when, and refuses everything else cleanly', async () => {
    const job = await acceptedJob(local, http, center, 3);
    const far = { lat: String(elder.location.lat + 0.018), lon: String(elder.location.lon), accuracy: '20' }; // ≈ 2 km north

    // Too early, then from another phone: refused, nothing written.
    await quiesce(local);
    const early = await countItems(local);
    expect(await errorOf(await postToLink(http, job.token, 'check-in', far, { cookie: job.cookie }))).toMatchObject({ code: 'TOO_EARLY' });
    expect(await countItems(local)).toBe(early);
    // Moving the clock past the reminder's time sends the reminder; let it settle before counting again.
    await setClock(`${job.day}T08:30:00+08:00`);
    await quiesce(local);
    const before = await countItems(local);
    const stranger = await postToLink(http, job.token, 'check-in', far);
    expect(stranger.status).toBe(403);
    expect(await errorOf(stranger)).toMatchObject({ code: 'OTHER_DEVICE' });
    const nothing = await postToLink(http, job.token, 'check-in', { lat: '', lon: '' }, { cookie: job.cookie });
    expect(nothing.status).toBe(400);
    expect(await errorOf(nothing)).toMatchObject({ field: 'lat' });
    expect(await countItems(local)).toBe(before);

    // From 2 km away: accepted, flagged for review.
    const checkedIn = await postToLink(http, job.token, 'check-in', far, { cookie: job.cookie });
    expect(checkedIn.status).toBe(200);
    expect(await checkedIn.json()).toMatchObject({ status: 'IN_PROGRESS', checkIn: { method: 'gps', flagged: true } });
    const again = await postToLink(http, job.token, 'check-in', far, { cookie: job.cookie });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: 'ALREADY_CHECKED_IN' });
    const inProgress = await visit(job.id);
    expect(inProgress.status).toBe('IN_PROGRESS');
    // The platform's clock runs on from where it was set, so the check-in is a few seconds after 08:30.
    expect(inProgress.verification?.checkIn).toMatchObject({ at: expect.stringMatching(new RegExp(`^${job.day}T08:30:\\d\\d\\+08:00$`)), method: 'gps', flagged: true });
    expect(inProgress.verification!.checkIn!.distanceM).toBeGreaterThan(1900);
    expect((await linkPage(http, job.token, job.cookie)).text).toContain('已签到，服务进行中');

    // Check-out: the door card's code stands in for GPS.
    const card = await http.get(`/elders/${DEMO_ANCHOR.elderId}/door-card`, center);
    expect(card.status).toBe(200);
    const cardHtml = await card.text();
    expect(cardHtml).toContain('<svg');
    expect(cardHtml).not.toContain(elder.name);
    const doorCode = /class="code">([0-9A-Z]{4}) ([0-9A-Z]{4})</.exec(cardHtml)!.slice(1).join('');
    expect((await http.get(`/elders/${DEMO_ANCHOR.elderId}/door-card`, center).then((r) => r.text()))).toContain(`${doorCode.slice(0, 4)} ${doorCode.slice(4)}`);
    expect((await http.get(`/elders/${DEMO_ANCHOR.elderId}/door-card`, await http.token('center', 'ctr-binhe-hub'))).status).toBe(404);

    await setClock(`${job.day}T11:00:00+08:00`); // 150 minutes for a 120-minute visit
    const done = { note: '打扫客厅、厨房，倒垃圾', checklist: ['rooms', 'rubbish', 'greeted'], doorCode };
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ ...done, checklist: ['rooms', 'juggling'] }, 'checklist'],
      [{ ...done, note: '' }, 'note'],
      [done, 'deviationReason'],
      [{ ...done, deviationReason: '老人要求多擦一遍窗户', doorCode: 'ZZZZZZZZ' }, 'doorCode'],
    ];
    for (const [body, field] of cases) {
      const refused = await postToLink(http, job.token, 'check-out', body, { cookie: job.cookie });
      expect(refused.status, field).toBe(400);
      expect((await errorOf(refused)).field).toBe(field);
    }
    const checkedOut = await postToLink(http, job.token, 'check-out', { ...done, deviationReason: '老人要求多擦一遍窗户' }, { cookie: job.cookie });
    expect(checkedOut.status).toBe(200);
    expect(await checkedOut.json()).toMatchObject({ status: 'COMPLETED', checkOut: { method: 'doorCode', flagged: false, deviationMin: 30, checklist: ['rooms', 'rubbish', 'greeted'] } });
    expect(await errorOf(await postToLink(http, job.token, 'check-out', { ...done, deviationReason: '再来一次' }, { cookie: job.cookie }))).toMatchObject({ code: 'ALREADY_CHECKED_OUT' });

    const completed = await visit(job.id);
    expect(completed.status).toBe('COMPLETED');
    expect(completed.verification?.checkOut).toMatchObject({ at: `${job.day}T11:00:00+08:00`, note: '打扫客厅、厨房，倒垃圾', deviationReason: '老人要求多擦一遍窗户' });
    expect(completed.history.map((h) => h.event)).toEqual(expect.arrayContaining(['VisitCheckedIn', 'VisitCompleted']));
    expect((await linkPage(http, job.token, job.cookie)).text).toContain('服务已完成');

    // Once completed, the link stays for the week of evaluation, without the address; then it is over.
    await setClock(`${workday(new Date(`${job.day}T12:00:00+08:00`), 1)}T09:00:00+08:00`);
    const ratingWeek = await linkPage(http, job.token, job.cookie);
    expect(ratingWeek.status).toBe(200);
    expect(ratingWeek.text).toContain('评价本次服务的家庭');
    expect(ratingWeek.text).not.toContain(elder.address);
    await setClock(`${job.day}T11:00:01+08:00`.replace(job.day, new Date(Date.parse(`${job.day}T12:00:00+08:00`) + 7 * 86_400_000).toISOString().slice(0, 10)));
    const expired = await linkPage(http, job.token, job.cookie);
    expect(expired.status).toBe(410);
    expect(expired.text).not.toContain(elder.address);
  });

  it('works from the phone’s form without JavaScript: posts, redirects back, and shows a refusal on the page; a family that opted in hears of both ends', async () => {
    const family = { name: '王小明', relation: '儿子', phone: '13947300001', visitUpdates: true };
    const updated = await fetch(`${http.url}/elders/${DEMO_ANCHOR.elderId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${center}` },
      body: JSON.stringify({ familyContacts: [...elder.familyContacts, family] }),
    });
    expect(updated.status).toBe(200);
    const job = await acceptedJob(local, http, center, 6);
    await setClock(`${job.day}T08:45:00+08:00`);
    const refused = await postToLink(http, job.token, 'check-in', { lat: '', lon: '', accuracy: '', doorCode: 'ZZZZZZZZ' }, { cookie: job.cookie, form: true });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain('门牌码不正确');
    expect(refusedPage).toContain(elder.address);
    const near = { lat: String(elder.location.lat + 0.0005), lon: String(elder.location.lon), accuracy: '15', doorCode: '' };
    const checkedIn = await postToLink(http, job.token, 'check-in', near, { cookie: job.cookie, form: true });
    expect(checkedIn.status).toBe(303);
    expect(checkedIn.headers.get('location')).toBe(`/j/${job.token}?lang=zh`);
    expect((await visit(job.id)).verification?.checkIn).toMatchObject({ method: 'gps', flagged: false });
    await setClock(`${job.day}T10:50:00+08:00`);
    expect((await postToLink(http, job.token, 'check-out', { ...near, note: '打扫完毕', checklist: ['rooms'] }, { cookie: job.cookie, form: true })).status).toBe(303);
    const toFamily = await waitFor(async () => {
      const { items } = (await (await http.get(`/dev/sms?visitId=${job.id}`)).json()) as { items: Array<{ to: string; text: string }> };
      const mine = items.filter((m) => m.to === family.phone);
      return mine.length >= 2 ? mine.map((m) => m.text) : undefined;
    }, 'the family told');
    expect(toFamily.some((t) => t.includes('护理员已到达'))).toBe(true);
    expect(toFamily.some((t) => t.includes('已完成'))).toBe(true);
  });
});

describe('a no-show', () => {
  it('revokes the job, counts it against the caregiver, and dispatches the visit again as urgent', async () => {
    const job = await acceptedJob(local, http, center, 8);
    await quiesce(local); // the accept's event has set the no-show check before the clock moves
    const assigned = await visit(job.id);
    const caregiverId = assigned.assignment!.caregiverId;
    const noShowsOf = async () => ((await (await http.get(`/caregivers/${caregiverId}`, bureau)).json()) as { noShows?: number }).noShows ?? 0;
    const before = await noShowsOf();
    await setClock(`${job.day}T09:10:00+08:00`);
    await local.scheduler.tick();
    expect((await visit(job.id)).status).toBe('ASSIGNED'); // still within the grace period

    await setClock(`${job.day}T09:16:00+08:00`);
    await local.scheduler.tick();
    let last: VisitView | undefined;
    const again = await waitFor(async () => {
      const v = (last = await visit(job.id));
      return v.status === 'OFFERED' && v.offers.some((o) => o.status === 'PENDING') ? v : undefined;
    }, 'the visit dispatched again').catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify({ status: last?.status, escalation: last?.escalation, offers: last?.offers.map((o) => [o.caregiverId, o.status]), history: last?.history.map((h) => h.note ?? h.event) })}`);
    });
    expect(again).toMatchObject({ urgency: 'urgent', assignment: null });
    expect(again.offers.find((o) => o.caregiverId === caregiverId)).toMatchObject({ status: 'REVOKED', noShow: true });
    expect(again.offers.filter((o) => o.status === 'PENDING').length).toBeGreaterThanOrEqual(Math.min(3, again.offers.length - 1));
    expect(again.offers.filter((o) => o.status === 'PENDING').map((o) => o.caregiverId)).not.toContain(caregiverId);
    expect(again.history.map((h) => h.event)).toContain('VisitNoShow');
    // The centre hears of it on its duty phone.
    const centres = ((await (await http.get('/centers', bureau)).json()) as { items: Array<{ id: string; dutyPhone?: string }> }).items;
    const dutyPhone = centres.find((c) => c.id === DEMO_ANCHOR.hubCenterId)!.dutyPhone!;
    await smsAbout(http, job.id, (m) => m.to === dutyPhone && m.text.includes('未按时签到'), 'the centre told');
    expect(await noShowsOf()).toBe(before + 1);

    // Neither of the caregiver's links (the offer's, the reminder's) acts any more, and neither shows anything personal.
    const { items } = (await (await http.get(`/dev/sms?visitId=${job.id}`)).json()) as { items: Array<{ text: string }> };
    const newest = tokenOf(items.find((m) => m.text.includes('提醒'))!.text)!;
    const late = await postToLink(http, newest, 'check-in', { doorCode: 'ZZZZZZZZ' }, { cookie: job.cookie });
    expect(late.status).toBe(409);
    expect(await errorOf(late)).toMatchObject({ code: 'NOT_ASSIGNED' });
    for (const token of [newest, job.token]) {
      expect((await linkPage(http, token, job.cookie)).text).toContain('您未按时签到');
      expect((await linkPage(http, token, job.cookie)).text).not.toContain(elder.address);
    }
  });
});

describe('incidents from the job', () => {
  it('alerts the centre and the family at once when nobody answers or in an emergency, once each, and is no no-show', async () => {
    const job = await acceptedJob(local, http, center, 10);
    await quiesce(local);
    await setClock(`${job.day}T09:05:00+08:00`);
    const stranger = await postToLink(http, job.token, 'incident', { kind: 'noAnswer' });
    expect(stranger.status).toBe(403);
    const bad = await postToLink(http, job.token, 'incident', { kind: 'bored' }, { cookie: job.cookie });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).field).toBe('kind');

    const reported = await postToLink(http, job.token, 'incident', { kind: 'noAnswer', note: '敲门十分钟无人应答' }, { cookie: job.cookie });
    expect(reported.status).toBe(200);
    expect(await errorOf(await postToLink(http, job.token, 'incident', { kind: 'noAnswer' }, { cookie: job.cookie }))).toMatchObject({ code: 'ALREADY_REPORTED' });
    expect((await postToLink(http, job.token, 'incident', { kind: 'emergency', note: '老人在门内呼救' }, { cookie: job.cookie })).status).toBe(200);

    const centres = ((await (await http.get('/centers', bureau)).json()) as { items: Array<{ id: string; dutyPhone?: string }> }).items;
    const told = [centres.find((c) => c.id === DEMO_ANCHOR.hubCenterId)!.dutyPhone!, ...elder.familyContacts.map((c) => c.phone), ...(elder.guardian ? [elder.guardian.phone] : [])];
    // Every phone told of both (other opted-in contacts may be told too), then nothing more arrives.
    const alertsOf = async () => ((await (await http.get(`/dev/sms?visitId=${job.id}`)).json()) as { items: Array<{ to: string; text: string }> }).items.filter((m) => m.text.includes('无人应答') || m.text.includes('紧急'));
    await waitFor(async () => {
      const alerts = await alertsOf();
      return told.every((phone) => alerts.filter((m) => m.to === phone).length >= 2) ? true : undefined;
    }, 'the alerts');
    await quiesce(local);
    const messages = await alertsOf();
    for (const phone of new Set(told)) {
      expect(messages.filter((m) => m.to === phone && m.text.includes('无人应答'))).toHaveLength(1);
      expect(messages.filter((m) => m.to === phone && m.text.startsWith('【一刻钟】紧急'))).toHaveLength(1);
    }
    expect(messages.every((m) => !m.text.includes(elder.name) && !m.text.includes(elder.address))).toBe(true);

    // Past the no-show deadline: the caregiver came, so the job stands.
    await setClock(`${job.day}T09:30:00+08:00`);
    await quiesce(local);
    const v = await visit(job.id);
    expect(v.status).toBe('ASSIGNED');
    expect(v.incidents).toEqual([
      expect.objectContaining({ kind: 'noAnswer', note: '敲门十分钟无人应答', at: `${job.day}T09:05:00+08:00` }),
      expect.objectContaining({ kind: 'emergency' }),
    ]);
    expect((await linkPage(http, job.token, job.cookie)).text).toContain('已报告');
  });
});
