import * as z from 'zod';
import { EVALUATION_WINDOW_DAYS } from '../../domain/evaluation.js';
import { Refusal, conflict, gone, notFound } from '../../domain/errors.js';
import { MY_JOBS_REQUEST_INTERVAL_MIN, MyJobsRequest, myJobsItems, onMyJobsList } from '../../domain/my-jobs.js';
import { type Caregiver, Id } from '../../domain/registry.js';
import { addMinutes, cityDate, toCityTime } from '../../domain/time.js';
import { MAX_LEAD_DAYS, VisitSchema } from '../../domain/visit.js';
import { makeEvent } from '../../events/catalog.js';
import { type HttpEvent, type HttpResult, type RouteContext, errorBody, formOrJsonBody, html, json, parseWith, wantsJson } from '../shared/http.js';
import { keys } from '../shared/keys.js';
import { mintLink } from '../shared/links.js';
import type { Platform } from '../shared/platform.js';
import { caregiverPhoneHash, getCaregiver } from '../shared/registry-store.js';
import { batchGet, getItem, outboxPut, parseItem, queryAll, writeTogether } from '../shared/store.js';
import { TOKEN_PATTERN, hashToken } from '../shared/tokens.js';
import { getOffer, getVisit, historyPut } from '../shared/visit-store.js';
import { deviceCookie, deviceOf, langOf } from './job.js';
import { myJobsFormPage, myJobsInvalidPage, myJobsListPage } from './my-jobs-pages.js';

/**
 * "My jobs" (docs/decisions/0012): a caregiver asks by mobile number for a
 * link to their accepted jobs; it goes by SMS to the number on file, and
 * re-opens each job on the phone that holds it.
 */

type Headers = Record<string, string>;

/** A script asked (JSON body or Accept), rather than the phone's form. */
const asJson = (event: HttpEvent) => wantsJson(event) || /json/i.test(event.headers['content-type'] ?? '');

// ------------------------------------------------------------ asking for it

/**
 * A request for the link. Every well-formed number costs the same here,
 * known or not, so that neither the answer nor its time tells whether it
 * belongs to a caregiver: its keyed hash, then one transaction that puts a
 * marker under that hash, only if the last one has run out (at most one
 * request per number per interval), with the event that has notify look the
 * number up and send the SMS if it belongs to an active caregiver who may
 * work today. Everyone else gets nothing, and no sign of it.
 */
export async function requestMyJobs(p: Platform, phone: string): Promise<void> {
  const phoneHash = await caregiverPhoneHash(p, phone);
  const now = p.clock.now();
  const until = addMinutes(now, MY_JOBS_REQUEST_INTERVAL_MIN);
  const event = makeEvent('MyJobsRequested', { phoneHash }, { id: p.newId(), occurredAt: toCityTime(now) });
  // Asked within the interval (or twice at once): the SMS already sent, or on its way, is the answer.
  await writeTogether(p, [
    {
      Put: {
        TableName: p.config.tableName,
        Item: { ...keys.myJobsRequest(phoneHash), entity: 'MyJobsRequest', eventId: event.id, requestedAt: toCityTime(now), until: until.toISOString(), ttl: Math.floor(until.getTime() / 1000) + 24 * 3600 },
        // TTL deletes late, so the time is checked, not the item's presence alone.
        ConditionExpression: 'attribute_not_exists(PK) OR #until <= :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now.toISOString() },
      },
    },
    outboxPut(p, event),
  ]);
}

// ---------------------------------------------------------------- the link

/** A my-jobs link's item (notify writes it); a job link's item is none. */
const MineLinkSchema = z.object({ kind: z.literal('mine'), caregiverId: z.string(), expiresAt: z.string() }).nullable().catch(null);

/** The caregiver a my-jobs link stands for, or a refusal that reveals nothing. */
async function resolveMine(p: Platform, token: string | undefined): Promise<Caregiver> {
  if (!token || !TOKEN_PATTERN.test(token)) throw notFound('LINK_INVALID', 'this link is not valid');
  const link = await getItem(p, MineLinkSchema, keys.link(hashToken(token)));
  if (!link) throw notFound('LINK_INVALID', 'this link is not valid');
  if (p.clock.now() > new Date(link.expiresAt)) throw gone('LINK_EXPIRED', 'this link has expired; ask for a new one');
  const caregiver = await getCaregiver(p, link.caregiverId);
  if (!caregiver || caregiver.status !== 'active') throw notFound('LINK_INVALID', 'this link is not valid');
  return caregiver;
}

const DayVisits = z.object({ visits: z.array(z.object({ visitId: z.string() })) });

/**
 * The caregiver's jobs: their booked days from the evaluation week back to
 * the furthest a visit can be booked (one Query of their partition), then
 * the visits (one BatchGet). A booking is freed after a cancellation or a
 * no-show only eventually, so each visit's own assignment decides.
 */
export async function listMyJobs(p: Platform, caregiverId: string) {
  const now = p.clock.now();
  // A completed job stays listed for its evaluation week after check-out, which may be the day after the visit's.
  const from = cityDate(addMinutes(now, -(EVALUATION_WINDOW_DAYS + 1) * 24 * 60));
  const to = cityDate(addMinutes(now, (MAX_LEAD_DAYS + 1) * 24 * 60));
  const days = await queryAll(p, {
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': keys.caregiver(caregiverId).PK, ':from': keys.caregiverDay(caregiverId, from).SK, ':to': keys.caregiverDay(caregiverId, to).SK },
  });
  const visitIds = [...new Set(days.flatMap((day) => parseItem(DayVisits, day).visits.map((v) => v.visitId)))];
  const visits = (await batchGet(p, visitIds.map(keys.visit))).map((item) => parseItem(VisitSchema, item));
  return myJobsItems(visits, caregiverId, now);
}

/**
 * Re-opens one job on the phone holding the my-jobs link: a fresh job link
 * (a newer one replaces the last from this list), the job bound to this
 * phone's secret, and the move in the visit's history, in one transaction
 * conditional on the job still being this caregiver's. The old phone's
 * secret no longer matches, so it can no longer act on the job.
 */
export async function openFromMyJobs(p: Platform, token: string | undefined, visitId: string | undefined, deviceSecret: string | undefined) {
  const caregiver = await resolveMine(p, token);
  const notYours = () => conflict('NOT_ASSIGNED', 'this visit is not assigned to you');
  if (!visitId || !Id.safeParse(visitId).success) throw notYours();
  const [offer, visit] = await Promise.all([getOffer(p, visitId, caregiver.id), getVisit(p, visitId)]);
  if (!offer || !visit || offer.status !== 'ACCEPTED' || visit.assignment?.caregiverId !== caregiver.id) throw notYours();
  const now = p.clock.now();
  if (visit.status === 'CANCELLED') throw gone('VISIT_CANCELLED', 'this visit was cancelled');
  if (!onMyJobsList(visit, caregiver.id, now)) throw gone('LINK_EXPIRED', 'this job can no longer be opened');

  const link = mintLink(p, { kind: 'job', visitId, caregiverId: caregiver.id });
  const secret = deviceSecret ?? p.newToken();
  const deviceHash = hashToken(secret);
  const at = toCityTime(now);
  const moved = offer.deviceHash !== deviceHash;
  const history = moved
    ? { event: 'JobPhoneChanged', note: 'opened from the caregiver’s "my jobs" link: the job is now bound to that phone' }
    : { event: 'JobReopened', note: 'opened from the caregiver’s "my jobs" link on the phone it is bound to' };
  const written = await writeTogether(p, [
    link.put,
    {
      Update: {
        TableName: p.config.tableName,
        Key: keys.offer(visitId, caregiver.id),
        UpdateExpression: 'SET myJobsLinkHash = :link, deviceHash = :device',
        ConditionExpression: '#status = :accepted',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':link': link.tokenHash, ':device': deviceHash, ':accepted': 'ACCEPTED' },
      },
    },
    {
      ConditionCheck: {
        TableName: p.config.tableName,
        Key: keys.visit(visitId),
        ConditionExpression: '#status = :status AND assignment.caregiverId = :caregiver',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': visit.status, ':caregiver': caregiver.id },
      },
    },
    historyPut(p, visitId, { at, event: history.event, status: visit.status, actor: `caregiver:${caregiver.id}`, note: history.note }, p.newId(), now),
  ]);
  if (!written) throw conflict('NOT_ASSIGNED', 'this visit changed meanwhile; reload the list');
  return { jobToken: link.token, secret };
}

// ------------------------------------------------------------------ routes

/** A refusal on a my-jobs link: JSON for a script, the page (with the way back to the form) for a phone. */
function refused(event: HttpEvent, error: Refusal, headers: Headers): HttpResult {
  if (asJson(event)) return json(error.status, errorBody(error.code, error.message, error.field));
  return html(error.status, myJobsInvalidPage(langOf(event), error.code), headers);
}

async function orRefused(event: HttpEvent, headers: Headers, run: () => Promise<HttpResult>): Promise<HttpResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Refusal) return refused(event, error, headers);
    throw error;
  }
}

/** GET /me: the form (`?sent=1`: what it says once sent). */
export const myJobsFormRoute = async ({ event }: RouteContext, headers: Headers): Promise<HttpResult> =>
  html(200, myJobsFormPage(langOf(event), { sent: event.queryStringParameters?.sent === '1' }), headers);

/** POST /me: the same answer whether or not the number is known (202, or 303 to the "sent" page for a form). */
export async function requestMyJobsRoute({ event, platform: p }: RouteContext, headers: Headers): Promise<HttpResult> {
  const lang = langOf(event);
  let request: MyJobsRequest;
  try {
    request = parseWith(MyJobsRequest, formOrJsonBody(event));
  } catch (error) {
    // The phone's form shows what to fix on the form itself.
    if (error instanceof Refusal && !asJson(event)) return html(error.status, myJobsFormPage(lang, { refusalCode: error.code }), headers);
    throw error;
  }
  await requestMyJobs(p, request.phone);
  if (asJson(event)) return json(202, { status: 'sent' });
  return { statusCode: 303, headers: { location: `/me?lang=${lang}&sent=1`, 'cache-control': 'no-store' }, body: '' };
}

/** GET /me/{token}: the list (HTML; JSON with Accept: application/json). */
export const myJobsListRoute = ({ event, params, platform: p }: RouteContext, headers: Headers) =>
  orRefused(event, headers, async () => {
    const caregiver = await resolveMine(p, params.token);
    const items = await listMyJobs(p, caregiver.id);
    if (wantsJson(event)) return json(200, { items });
    return html(200, myJobsListPage(langOf(event), params.token!, items), headers);
  });

/**
 * POST /me/{token}/jobs/{visitId}/open: re-binds the job to this phone and
 * goes to its fresh link. The device cookie is for `/j/`, which this path
 * never sees, so a copy under `/me/` lets the next job opened here share
 * the secret instead of replacing it.
 */
export const openFromMyJobsRoute = ({ event, params, platform: p }: RouteContext, headers: Headers) =>
  orRefused(event, headers, async () => {
    const { jobToken, secret } = await openFromMyJobs(p, params.token, params.visitId, deviceOf(event));
    return {
      statusCode: 303,
      headers: { location: `/j/${jobToken}?lang=${langOf(event)}`, 'cache-control': 'no-store' },
      body: '',
      cookies: [deviceCookie(p, secret), deviceCookie(p, secret, '/me/')],
    };
  });
