import '../shared/aws/platform.js';
import { createHash } from 'node:crypto';
import { Refusal } from '../../domain/errors.js';
import { toCityTime } from '../../domain/time.js';
import { CheckInRequest, CheckOutRequest, ReportIncidentRequest, checklistFor } from '../../domain/verification.js';
import { DeclineOfferRequest } from '../../domain/visit.js';
import { type HttpResult, type RouteContext, errorBody, formOrJsonBody, html, httpHandler, json, parseWith, wantsJson } from '../shared/http.js';
import { getCenter } from '../shared/registry-store.js';
import { acceptOffer, closedOfferRefusal, resolveLink } from './accept.js';
import { declineOffer } from './decline.js';
import { myJobsFormRoute, myJobsListRoute, openFromMyJobsRoute, requestMyJobsRoute } from './my-jobs.js';
import { checkIn, checkOut, deviceCookie, deviceOf, evaluateHousehold, langOf, openJob, reportIncident } from './job.js';
import { EvaluationRequest } from '../../domain/evaluation.js';
import { getEvaluation } from '../shared/evaluations.js';
import { LOCATE_SCRIPT, invalidLinkPage, jobPage, offerPage } from './pages.js';

/** Nothing but our own inline script (by its hash), our styles and our forms; no referrer leaves with the token in it. */
const PAGE_HEADERS = {
  'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256').update(LOCATE_SCRIPT).digest('base64')}'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/**
 * What the link shows now: the offer while it is one, the job once this
 * caregiver holds it (binding the phone on first sight of a job assigned
 * by hand). A refusal from an action shows on the same page.
 */
async function linkPage(ctx: RouteContext, status: number, refusalCode?: string): Promise<HttpResult> {
  const { event, params, platform: p } = ctx;
  const lang = langOf(event);
  const token = params.token!;
  const link = await resolveLink(p, token);
  const { offer, visit } = link;
  if (offer.status === 'ACCEPTED' && visit.assignment?.caregiverId === offer.caregiverId) {
    const job = await openJob(p, link, deviceOf(event), true);
    const [centre, evaluation] = await Promise.all([
      job.elder ? getCenter(p, visit.centerId) : undefined,
      visit.status === 'COMPLETED' && job.onBoundDevice ? getEvaluation(p, visit.id, 'caregiver') : undefined,
    ]);
    const page = jobPage({
      lang,
      token,
      visit,
      ...(job.elder ? { elder: job.elder } : {}),
      ...(centre?.dutyPhone ? { centrePhone: centre.dutyPhone } : {}),
      checklist: checklistFor(visit.serviceCode),
      checkInOpensAt: toCityTime(new Date(Date.parse(visit.earliestStart) - p.config.verification.checkInLeadMin * 60_000)),
      ...(refusalCode ? { refusalCode } : {}),
      onBoundDevice: job.onBoundDevice,
      ...(evaluation ? { evaluation } : {}),
    });
    const result = html(status, page, PAGE_HEADERS);
    return job.newDeviceSecret ? { ...result, cookies: [deviceCookie(p, job.newDeviceSecret)] } : result;
  }
  const closed = offer.status === 'ACCEPTED' ? undefined : closedOfferRefusal(offer, visit, p.clock.now());
  const code = refusalCode ?? closed?.code;
  return html(status, offerPage({ lang, token, offer, visit, ...(code ? { refusalCode: code } : {}) }), PAGE_HEADERS);
}

/**
 * An action from the caregiver's page: JSON for a script, or post/redirect/get
 * for the phone's form (a reload does not post again); a refusal, bad input
 * included, shows on the page with what the caregiver can still see.
 */
async function act(ctx: RouteContext, action: () => Promise<unknown>, cookies: string[] = []): Promise<HttpResult> {
  const { event, params } = ctx;
  const lang = langOf(event);
  try {
    const result = await action();
    if (wantsJson(event)) return { ...json(200, result), cookies };
    return { statusCode: 303, headers: { location: `/j/${params.token}?lang=${lang}` }, body: '', cookies };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    if (wantsJson(event)) return json(error.status, errorBody(error.code, error.message, error.field));
    try {
      return await linkPage(ctx, error.status, error.code);
    } catch {
      return html(error.status, invalidLinkPage(lang, error.code), PAGE_HEADERS);
    }
  }
}

export const handler = httpHandler('jobs', {
  'GET /j/{token}': async (ctx) => {
    try {
      return await linkPage(ctx, 200);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const { event } = ctx;
      return wantsJson(event)
        ? json(error.status, errorBody(error.code, error.message, error.field))
        : html(error.status, invalidLinkPage(langOf(event), error.code), PAGE_HEADERS);
    }
  },

  'POST /j/{token}/accept': async (ctx) => {
    // The phone that accepts is the one the job is bound to (with the secret it already has, if any).
    const secret = deviceOf(ctx.event) ?? ctx.platform.newToken();
    return act(ctx, () => acceptOffer(ctx.platform, ctx.params.token, secret), [deviceCookie(ctx.platform, secret)]);
  },
  'POST /j/{token}/decline': async (ctx) => {
    const { reason } = parseWith(DeclineOfferRequest, formOrJsonBody(ctx.event));
    return act(ctx, () => declineOffer(ctx.platform, ctx.params.token, reason || undefined));
  },
  'POST /j/{token}/check-in': async (ctx) =>
    act(ctx, () => checkIn(ctx.platform, ctx.params.token, deviceOf(ctx.event), parseWith(CheckInRequest, formOrJsonBody(ctx.event)))),
  'POST /j/{token}/incident': async (ctx) =>
    act(ctx, () => reportIncident(ctx.platform, ctx.params.token, deviceOf(ctx.event), parseWith(ReportIncidentRequest, formOrJsonBody(ctx.event)))),
  'POST /j/{token}/evaluate': async (ctx) =>
    act(ctx, () => evaluateHousehold(ctx.platform, ctx.params.token, deviceOf(ctx.event), parseWith(EvaluationRequest, formOrJsonBody(ctx.event)))),
  'POST /j/{token}/check-out': async (ctx) =>
    act(ctx, () => checkOut(ctx.platform, ctx.params.token, deviceOf(ctx.event), parseWith(CheckOutRequest, formOrJsonBody(ctx.event)))),

  // "My jobs" (my-jobs.ts): ask for the link by mobile, the list, re-open a job on this phone.
  'GET /me': async (ctx) => myJobsFormRoute(ctx, PAGE_HEADERS),
  'POST /me': async (ctx) => requestMyJobsRoute(ctx, PAGE_HEADERS),
  'GET /me/{token}': async (ctx) => myJobsListRoute(ctx, PAGE_HEADERS),
  'POST /me/{token}/jobs/{visitId}/open': async (ctx) => openFromMyJobsRoute(ctx, PAGE_HEADERS),
});
