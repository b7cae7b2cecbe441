import { expect } from 'vitest';
import type { Elder } from '../../domain/registry.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import type { LocalPlatform } from '../../local/platform.js';
import { type Api, api, smsAbout, startTestPlatform, tokenOf, workday } from './platform.js';

/** A caregiver's accepted job: the visit, its link and the accepting phone's cookie. */
export interface Job {
  id: string;
  token: string;
  cookie: string;
  day: string;
}

/**
 * The demo city ready for caregiver jobs: offers that wait ten minutes, the
 * hub centre's and the bureau's tokens, and the demo elder. Stops the
 * platform again if the rest fails, so that no DynamoDB Local is left behind.
 */
export async function startJobsPlatform() {
  const local = await startTestPlatform({ seedScale: 0.05, offerTimeoutSeconds: 600 });
  try {
    const http = api(local.url);
    const center = await http.token('center', DEMO_ANCHOR.hubCenterId);
    const bureau = await http.token('bureau', '150300');
    const elder = (await (await http.get(`/elders/${DEMO_ANCHOR.elderId}`, center)).json()) as Elder;
    return { local, http, center, bureau, elder };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** POST to a caregiver link as a phone would (form) or a script (JSON), with or without the bound phone's cookie. */
export function postToLink(http: Api, token: string, action: string, body: Record<string, string | string[]>, options: { cookie?: string; form?: boolean } = {}) {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const one of [v].flat()) form.append(k, one);
  return fetch(`${http.url}/j/${token}/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : { 'content-type': 'application/json', accept: 'application/json' }),
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: options.form ? form.toString() : JSON.stringify(body),
  });
}

export async function linkPage(http: Api, token: string, cookie?: string) {
  const res = await fetch(`${http.url}/j/${token}`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, text: await res.text(), cookies: res.headers.getSetCookie(), headers: res.headers };
}

/** A visit of the demo elder on `day`, 09:00–10:00 city time; its id. */
export async function requestVisit(http: Api, center: string, day: string, service = 'cleaning'): Promise<string> {
  const res = await http.post('/visits', { elderId: DEMO_ANCHOR.elderId, serviceCode: service, earliestStart: `${day}T09:00:00+08:00`, latestStart: `${day}T10:00:00+08:00` }, center, { 'idempotency-key': crypto.randomUUID() });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A visit of the demo elder on a day (or the n-th working day from now), 09:00–10:00, offered and accepted through its SMS link. */
export async function acceptedJob(local: LocalPlatform, http: Api, center: string, when: number | string, service = 'cleaning'): Promise<Job> {
  const day = typeof when === 'string' ? when : workday(local.clock.now(), when);
  const id = await requestVisit(http, center, day, service);
  const message = await smsAbout(http, id, (m) => tokenOf(m.text), 'the offer SMS');
  const token = tokenOf(message.text)!;
  const accepted = await postToLink(http, token, 'accept', {});
  expect(accepted.status).toBe(200);
  const cookie = accepted.headers.getSetCookie()[0]!.split(';')[0]!;
  return { id, token, cookie, day };
}

/** An accepted job, checked in at the home at 09:05 and out at 11:05 (a 120-minute cleaning): the platform's clock is left there. */
export async function completedJob(local: LocalPlatform, http: Api, center: string, elder: Elder, n: number): Promise<Job> {
  const job = await acceptedJob(local, http, center, n);
  const here = { lat: String(elder.location.lat), lon: String(elder.location.lon), accuracy: '10' };
  await local.clock.set(new Date(`${job.day}T09:05:00+08:00`));
  expect((await postToLink(http, job.token, 'check-in', here, { cookie: job.cookie })).status).toBe(200);
  await local.clock.set(new Date(`${job.day}T11:05:00+08:00`));
  const out = await postToLink(http, job.token, 'check-out', { ...here, note: '打扫完毕', checklist: ['rooms'] }, { cookie: job.cookie });
  expect(out.status).toBe(200);
  return job;
}
