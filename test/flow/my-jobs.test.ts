import { DeleteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Elder } from '../../domain/registry.js';
import type { VisitView } from '../../domain/visit.js';
import { requestMyJobs } from '../../functions/jobs/my-jobs.js';
import { sendMyJobsLink } from '../../functions/notify/my-jobs-link.js';
import { keys } from '../../functions/shared/keys.js';
import type { Platform } from '../../functions/shared/platform.js';
import { caregiverPhoneHash } from '../../functions/shared/registry-store.js';
import type { LocalPlatform } from '../../local/platform.js';
import { caregiverBody, companyBody, residentId } from '../support/bodies.js';
import { acceptedJob as acceptedOnPhone, requestVisit, startJobsPlatform } from '../support/jobs.js';
import { type Api, countItems, quiesce, tokenOf, waitFor, workday } from '../support/platform.js';

/**
 * "My jobs" (docs/decisions/0012): a caregiver asks by mobile number for a
 * link to their jobs, gets it by SMS on the number on file, and re-opens a
 * job on a new phone from it; the old phone loses the job.
 */
let local: LocalPlatform;
let http: Api;
let center: string;
let bureau: string;
let elder: Elder;

interface Sms { to: string; text: string; template: string | null }
interface Job { id: string; token: string; cookie: string; day: string; caregiverId: string }

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; field?: string } }).error;
const visit = async (id: string) => (await (await http.get(`/visits/${id}`, bureau)).json()) as VisitView;
const phoneOf = async (caregiverId: string) => ((await (await http.get(`/caregivers/${caregiverId}`, bureau)).json()) as { phone: string }).phone;
const allSms = async () => ((await (await http.get('/dev/sms?limit=1000')).json()) as { items: Sms[] }).items;
const myJobsSmsTo = async (phone: string) => (await allSms()).filter((m) => m.to === phone && m.template === 'myJobs');
const meTokenOf = (text: string) => /\/me\/([A-Za-z0-9_-]{22})$/.exec(text)?.[1];
/** An item of the care table, read directly. */
const itemAt = async (key: { PK: string; SK: string }) =>
  (await local.platform.db.send(new GetCommand({ TableName: local.platform.config.tableName, Key: key, ConsistentRead: true }))).Item;
const phoneItemOf = async (number: string) => itemAt(keys.caregiverPhone(await caregiverPhoneHash(local.platform, number)));
const dayAfter = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function form(path: string, body: Record<string, string>, cookie?: string) {
  return fetch(`${http.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(body).toString(),
  });
}
const ask = (phone: unknown) => http.post('/me', { phone }, undefined, { accept: 'application/json' });
const page = async (path: string, cookie?: string, accept?: string) => {
  const res = await fetch(`${http.url}${path}`, { headers: { ...(cookie ? { cookie } : {}), ...(accept ? { accept } : {}) } });
  return { status: res.status, text: await res.text(), headers: res.headers };
};
/** The cookie a response sets for a path, as `cd_device=…`. */
const cookieFor = (res: Response, path: string) =>
  res.headers.getSetCookie().find((c) => c.includes(`Path=${path};`))?.split(';')[0];

/** Asks for the link and waits for the SMS that carries it; the token. */
async function myJobsLink(phone: string): Promise<string> {
  const before = (await myJobsSmsTo(phone)).length;
  expect((await ask(phone)).status).toBe(202);
  const sms = await waitFor(async () => {
    const found = await myJobsSmsTo(phone);
    return found.length > before ? found[0] : undefined;
  }, 'the my-jobs SMS');
  return meTokenOf(sms.text)!;
}

/** A visit offered and accepted through its SMS link, on a phone whose cookie is returned, with its caregiver. */
async function acceptedJob(day: string): Promise<Job> {
  const job = await acceptedOnPhone(local, http, center, day);
  return { ...job, caregiverId: (await visit(job.id)).assignment!.caregiverId };
}

/** A visit given to this caregiver by hand, once dispatch has offered it. */
async function assignedJob(day: string, caregiverId: string): Promise<string> {
  const id = await requestVisit(http, center, day);
  await waitFor(async () => ((await visit(id)).status === 'OFFERED' ? true : undefined), 'the visit offered');
  const res = await http.post(`/visits/${id}/assign`, { caregiverId, reason: '老人点名要这位护理员' }, center);
  expect(res.status, await res.clone().text()).toBe(200);
  return id;
}

async function licensedCompany(): Promise<string> {
  const { id } = (await (await http.post('/enterprises', companyBody(), bureau)).json()) as { id: string };
  expect((await http.post(`/enterprises/${id}/licence`, { reason: '材料齐全' }, bureau)).status).toBe(200);
  return id;
}

let job: Job; // accepted on the "old phone"
let phone: string; // its caregiver's number on file
let meToken: string;

beforeAll(async () => {
  ({ local, http, center, bureau, elder } = await startJobsPlatform());
  job = await acceptedJob(workday(local.clock.now(), 2));
  phone = await phoneOf(job.caregiverId);
});

afterAll(async () => {
  await local?.stop();
});

describe('asking for the link', () => {
  it('answers an unknown number exactly as a known one, sends it nothing, and holds it to one request per 10 minutes', async () => {
    await quiesce(local);
    const before = await countItems(local);
    const unknown = '13900000017';
    const res = await ask(unknown);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'sent' });
    await quiesce(local);
    // As for any number: the request's marker and its event, under the number's keyed hash, never the number.
    expect(await countItems(local)).toBe(before + 2);
    const phoneHash = await caregiverPhoneHash(local.platform, unknown);
    const marker = await itemAt(keys.myJobsRequest(phoneHash));
    expect(marker).toMatchObject({ entity: 'MyJobsRequest', eventId: expect.any(String) as string });
    expect(marker).not.toHaveProperty('smsSentAt');
    const outbox = await itemAt(keys.outbox(marker!.eventId as string));
    expect(outbox?.event).toMatchObject({ type: 'MyJobsRequested', data: { phoneHash } });
    expect(JSON.stringify([marker, outbox])).not.toContain(unknown);

    // Within the interval, asked again (form or JSON): the same answer, and nothing new written.
    const viaForm = await form('/me', { phone: unknown });
    expect(viaForm.status).toBe(303);
    expect(viaForm.headers.get('location')).toBe('/me?lang=zh&sent=1');
    expect((await ask(`+86 ${unknown}`)).status).toBe(202);
    const sent = await page('/me?lang=zh&sent=1');
    expect(sent.text).toContain('如果该号码属于已登记的护理员，短信正在发送中');
    expect(sent.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(sent.headers.get('referrer-policy')).toBe('no-referrer');
    await quiesce(local);
    expect(await countItems(local)).toBe(before + 2);
    expect(await itemAt(keys.myJobsRequest(phoneHash))).toEqual(marker);
    expect((await allSms()).filter((m) => m.to === unknown)).toEqual([]);
  });

  it('does the same work on the request path for a known number as for an unknown one; the known one gets one SMS', async () => {
    const known = caregiverBody(await licensedCompany());
    expect((await http.post('/caregivers', known, bureau)).status).toBe(201);
    await quiesce(local);
    /** The platform, recording each command the request sends to the table. */
    const recording = (sent: string[]): Platform => ({
      ...local.platform,
      db: { send: (command: object) => (sent.push(command.constructor.name), local.platform.db.send(command as never)) } as unknown as DynamoDBDocumentClient,
    });
    const forKnown: string[] = [];
    const forUnknown: string[] = [];
    await requestMyJobs(recording(forKnown), known.phone);
    await requestMyJobs(recording(forUnknown), '13900000018');
    expect(forKnown).toEqual(['TransactWriteCommand']);
    expect(forUnknown).toEqual(forKnown);

    const sms = await waitFor(async () => (await myJobsSmsTo(known.phone))[0], 'the my-jobs SMS');
    expect(meTokenOf(sms.text)).toBeDefined();
    // A redelivered event finds the request marked and sends nothing more.
    const marker = await itemAt(keys.myJobsRequest(await caregiverPhoneHash(local.platform, known.phone)));
    expect(marker).toHaveProperty('smsSentAt');
    await sendMyJobsLink(local.platform, await caregiverPhoneHash(local.platform, known.phone), marker!.eventId as string);
    await quiesce(local);
    expect(await myJobsSmsTo(known.phone)).toHaveLength(1);
    expect((await allSms()).filter((m) => m.to === '13900000018')).toEqual([]);
  });

  it('refuses a missing or malformed number, naming phone', async () => {
    for (const bad of [undefined, '', '12345', '0473-1234567', '1380473123x', 13804731234]) {
      const res = await ask(bad);
      expect(res.status, String(bad)).toBe(400);
      expect(await errorOf(res)).toMatchObject({ code: 'INVALID_FIELD', field: 'phone' });
    }
    // The phone's form shows what to fix on the form itself.
    const viaForm = await form('/me?lang=en', { phone: 'abc' });
    expect(viaForm.status).toBe(400);
    expect(await viaForm.text()).toContain('Enter an 11-digit mobile number');
    const en = await page('/me?lang=en');
    expect(en.status).toBe(200);
    expect(en.text).toContain('<form method="post" action="/me?lang=en"');
    expect((await page('/me')).text).toContain('输入您登记的手机号');
  });

  it('sends a known number one SMS, however often it asks within 10 minutes, with only the link in it', async () => {
    await quiesce(local);
    // As people type it: country code and spaces are fine.
    const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    expect((await ask(spaced)).status).toBe(202);
    const sms = await waitFor(async () => (await myJobsSmsTo(phone))[0], 'the my-jobs SMS');
    expect(sms.text).toMatch(/^【一刻钟】您的服务单（24小时有效）：http:\/\/localhost:\d+\/me\/[A-Za-z0-9_-]{22}$/);
    expect(sms.text).not.toContain(elder.address);
    meToken = meTokenOf(sms.text)!;
    expect((await ask(phone)).status).toBe(202);
    expect((await form('/me', { phone })).status).toBe(303);
    await quiesce(local);
    expect(await myJobsSmsTo(phone)).toHaveLength(1);

    // Ten minutes on, a new request gets a new link; the first still works for its day.
    await local.clock.set(new Date(local.clock.now().getTime() + 11 * 60_000));
    const second = await myJobsLink(phone);
    expect(second).not.toBe(meToken);
    expect((await page(`/me/${meToken}`)).status).toBe(200);
  });

  it('sends nothing to a suspended caregiver or one whose company may not work', async () => {
    const companyId = await licensedCompany();
    const body = caregiverBody(companyId);
    const { id } = (await (await http.post('/caregivers', body, bureau)).json()) as { id: string };
    expect((await (await fetch(`${http.url}/caregivers/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${bureau}` }, body: JSON.stringify({ status: 'suspended' }) })).status)).toBe(200);
    const { id: registered } = (await (await http.post('/enterprises', companyBody(), bureau)).json()) as { id: string };
    const unlicensed = caregiverBody(registered);
    expect((await http.post('/caregivers', unlicensed, bureau)).status).toBe(201);
    for (const number of [body.phone, unlicensed.phone]) expect((await ask(number)).status).toBe(202);
    await quiesce(local);
    expect(await myJobsSmsTo(body.phone)).toEqual([]);
    expect(await myJobsSmsTo(unlicensed.phone)).toEqual([]);
  });
});

describe('the list', () => {
  let other: Job;
  let byHand: string;
  let cancelled: string;

  it('shows the caregiver’s accepted jobs, not others’ nor cancelled ones, and no address or name', async () => {
    // The same hour on the same day: dispatch passes the busy caregiver over, so someone else takes it.
    other = await acceptedJob(job.day);
    expect(other.caregiverId).not.toBe(job.caregiverId);
    byHand = await assignedJob(dayAfter(job.day, 7), job.caregiverId);
    cancelled = await assignedJob(dayAfter(job.day, 14), job.caregiverId);
    expect((await http.post(`/visits/${cancelled}/cancel`, { reason: '老人住院' }, center)).status).toBe(200);

    const list = await page(`/me/${meToken}`, undefined, 'application/json');
    expect(list.status).toBe(200);
    const { items } = JSON.parse(list.text) as { items: Array<{ visitId: string; status: string; serviceCode: string }> };
    expect(items.map((i) => i.visitId)).toEqual([job.id, byHand]); // in start order
    expect(items[0]).toMatchObject({ status: 'ASSIGNED', serviceCode: 'cleaning' });

    const html = await page(`/me/${meToken}`);
    expect(html.status).toBe(200);
    expect(html.text).toContain('助洁');
    expect(html.text).toContain(`${job.day.slice(5)} `);
    expect(html.text).toContain('09:00–10:00');
    expect(html.text).toContain(`action="/me/${meToken}/jobs/${job.id}/open?lang=zh"`);
    expect(html.text).not.toContain(other.id);
    expect(html.text).not.toContain(cancelled);
    expect(html.text).not.toContain(elder.address);
    expect(html.text).not.toContain(elder.name);
    expect(html.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await page(`/me/${meToken}?lang=en`)).text).toContain('Home cleaning');
  });

  it('re-opens a job on a new phone: it sees the address, and the old phone can no longer act', async () => {
    // A GET (a link previewer) changes nothing; only the form's POST binds.
    expect((await page(`/me/${meToken}/jobs/${job.id}/open`)).status).toBe(404);
    const opened = await form(`/me/${meToken}/jobs/${job.id}/open?lang=zh`, {});
    expect(opened.status).toBe(303);
    const location = opened.headers.get('location')!;
    expect(location).toMatch(/^\/j\/[A-Za-z0-9_-]{22}\?lang=zh$/);
    const fresh = tokenOf(location)!;
    expect(fresh).not.toBe(job.token);
    const newPhone = cookieFor(opened, '/j/')!;
    expect(newPhone).toMatch(/^cd_device=[A-Za-z0-9_-]{22}$/);
    expect(newPhone).not.toBe(job.cookie);
    expect(cookieFor(opened, '/me/')).toBe(newPhone); // so the next job opened here shares the secret

    expect((await page(`/j/${fresh}`, newPhone)).text).toContain(elder.address);
    expect((await page(`/j/${job.token}`, newPhone)).text).toContain(elder.address); // the first link, on the new phone
    expect((await page(`/j/${job.token}`, job.cookie)).text).not.toContain(elder.address);
    expect((await page(`/j/${fresh}`, job.cookie)).text).not.toContain(elder.address);
    const history = (await visit(job.id)).history.find((h) => h.event === 'JobPhoneChanged');
    expect(history).toMatchObject({ actor: `caregiver:${job.caregiverId}`, status: 'ASSIGNED' });

    // A second job opened on the same phone keeps its secret (the /me/ copy comes along), so both stay here.
    const second = await form(`/me/${meToken}/jobs/${byHand}/open`, {}, newPhone);
    expect(second.status).toBe(303);
    expect(cookieFor(second, '/j/')).toBe(newPhone);
    expect((await page(second.headers.get('location')!, newPhone)).text).toContain(elder.address);
    expect((await page(`/j/${fresh}`, newPhone)).text).toContain(elder.address);

    // Not this caregiver's, or no longer theirs: refused, and nothing moves.
    const stranger = await fetch(`${http.url}/me/${meToken}/jobs/${other.id}/open`, { method: 'POST', redirect: 'manual', headers: { accept: 'application/json' } });
    expect(stranger.status).toBe(409);
    expect(await errorOf(stranger)).toMatchObject({ code: 'NOT_ASSIGNED' });
    const gone = await form(`/me/${meToken}/jobs/${cancelled}/open`, {});
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('此服务已取消');
    expect((await form(`/me/${meToken}/jobs/..%2F..%2Fvisits/open`, {})).status).toBe(409);

    // On the visit's day: the old phone's check-in is refused, the new phone's goes through.
    await quiesce(local);
    await local.clock.set(new Date(`${job.day}T08:30:00+08:00`));
    const near = { lat: elder.location.lat, lon: elder.location.lon, accuracy: 10 };
    const checkIn = (token: string, cookie: string) =>
      fetch(`${http.url}/j/${token}/check-in`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', cookie }, body: JSON.stringify(near) });
    const old = await checkIn(job.token, job.cookie);
    expect(old.status).toBe(403);
    expect(await errorOf(old)).toMatchObject({ code: 'OTHER_DEVICE' });
    expect((await checkIn(fresh, job.cookie)).status).toBe(403);
    expect((await checkIn(fresh, newPhone)).status).toBe(200);
  });
});

describe('links that are not my-jobs links, or no longer', () => {
  it('refuses a tampered, foreign or expired token with the invalid-link page, or JSON', async () => {
    await local.clock.set(new Date(local.clock.now().getTime() + 11 * 60_000)); // past the last request's interval
    const token = await myJobsLink(phone);
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const bad = await page(`/me/${tampered}`);
    expect(bad.status).toBe(404);
    expect(bad.text).toContain('此链接无效');
    expect(bad.text).toContain('href="/me?lang=zh"');
    expect(await page(`/me/${tampered}`, undefined, 'application/json').then((r) => JSON.parse(r.text) as unknown)).toEqual({ error: { code: 'LINK_INVALID', message: 'this link is not valid' } });
    expect((await page('/me/short')).status).toBe(404);
    // A job's link is no my-jobs link, and the other way round.
    expect((await page(`/me/${job.token}`)).status).toBe(404);
    expect((await form(`/me/${job.token}/jobs/${job.id}/open`, {})).status).toBe(404);
    expect((await page(`/j/${token}`)).status).toBe(404);

    await local.clock.set(new Date(local.clock.now().getTime() + 25 * 3600_000));
    const expired = await page(`/me/${token}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('此链接已过期');
    expect((await page(`/me/${token}`, undefined, 'application/json')).text).toContain('LINK_EXPIRED');
    expect((await form(`/me/${token}/jobs/${job.id}/open`, {})).status).toBe(410);
  });
});

describe('one caregiver per mobile', () => {
  it('refuses a second caregiver with a number already registered, naming phone, and a PATCH moves the lookup', async () => {
    const companyId = await licensedCompany();
    const first = caregiverBody(companyId);
    const created = await http.post('/caregivers', first, bureau);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    await quiesce(local); // schedules the earlier tests set going may still be writing
    const before = await countItems(local);
    const twin = await http.post('/caregivers', caregiverBody(companyId, { phone: first.phone }), bureau);
    expect(twin.status).toBe(409);
    expect(await errorOf(twin)).toMatchObject({ code: 'PHONE_ALREADY_REGISTERED', field: 'phone' });
    expect(await countItems(local)).toBe(before);

    // The CSV import is held to the same rule, row by row.
    const { creditCode: companyCode } = (await (await http.get(`/enterprises/${companyId}`, bureau)).json()) as { creditCode: string };
    const csv = ['enterpriseCreditCode,name,phone,residentId,certificateType,certificateNumber,certificateValidUntil,homeLat,homeLon', `${companyCode},孙丽萍,${first.phone},${residentId('19850301')},domestic,JZ-9001,2029-01-01,39.67,106.81`].join('\n');
    const imported = await fetch(`${http.url}/import/caregivers`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${bureau}` }, body: csv });
    expect(await imported.json()).toMatchObject({ imported: 0, errors: [{ line: 2, field: 'phone' }] });

    const patch = (body: unknown) =>
      fetch(`${http.url}/caregivers/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${bureau}` }, body: JSON.stringify(body) });
    const taken = await patch({ phone });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: 'PHONE_ALREADY_REGISTERED', field: 'phone' });
    expect(await phoneOf(id)).toBe(first.phone);

    const newNumber = `1360473${String(Date.now()).slice(-4)}`;
    const moved = await patch({ phone: newNumber, name: '刘桂兰' });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ phone: newNumber, name: '刘桂兰' });
    expect((await ask(first.phone)).status).toBe(202);
    await myJobsLink(newNumber);
    await quiesce(local);
    expect(await myJobsSmsTo(first.phone)).toEqual([]);
    expect(await myJobsSmsTo(newNumber)).toHaveLength(1);
    // The old number is free again.
    expect((await http.post('/caregivers', caregiverBody(companyId, { phone: first.phone }), bureau)).status).toBe(201);
  });

  it('moves the number of a caregiver registered before phone items, even when someone else has registered their old number since', async () => {
    const companyId = await licensedCompany();
    const legacy = caregiverBody(companyId);
    const { id } = (await (await http.post('/caregivers', legacy, bureau)).json()) as { id: string };
    // Registered before phones had items: none for this caregiver's number.
    await local.platform.db.send(new DeleteCommand({ TableName: local.platform.config.tableName, Key: keys.caregiverPhone(await caregiverPhoneHash(local.platform, legacy.phone)) }));
    expect(await phoneItemOf(legacy.phone)).toBeUndefined();
    const other = await http.post('/caregivers', caregiverBody(companyId, { phone: legacy.phone }), bureau);
    expect(other.status).toBe(201);
    const { id: otherId } = (await other.json()) as { id: string };
    const othersItem = await phoneItemOf(legacy.phone);
    expect(othersItem).toMatchObject({ caregiverId: otherId });

    const newNumber = caregiverBody(companyId).phone;
    const moved = await fetch(`${http.url}/caregivers/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${bureau}` }, body: JSON.stringify({ phone: newNumber }) });
    expect(moved.status, await moved.clone().text()).toBe(200);
    expect(await moved.json()).toMatchObject({ phone: newNumber });
    expect(await phoneItemOf(newNumber)).toMatchObject({ caregiverId: id });
    expect(await phoneItemOf(legacy.phone)).toEqual(othersItem); // the other caregiver's, untouched
    expect(await phoneOf(otherId)).toBe(legacy.phone);
  });
});
