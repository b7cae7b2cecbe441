import '../shared/aws/platform.js';
import { Refusal } from '../../domain/errors.js';
import { DeclineOfferRequest } from '../../domain/visit.js';
import { type HttpEvent, type HttpResult, type RouteContext, errorBody, formOrJsonBody, html, httpHandler, json, parseWith, wantsJson } from '../shared/http.js';
import { acceptOffer, closedOfferRefusal, resolveLink } from './accept.js';
import { declineOffer } from './decline.js';
import { type Lang, invalidLinkPage, offerPage } from './pages.js';

const langOf = (event: HttpEvent): Lang => (event.queryStringParameters?.lang === 'en' ? 'en' : 'zh');

/** The caregiver's pages speak HTML; a script asking for JSON gets the usual error body. */
function refusalResponse(event: HttpEvent, refusal: Refusal, page: string) {
  return wantsJson(event)
    ? json(refusal.status, errorBody(refusal.code, refusal.message, refusal.field))
    : html(refusal.status, page);
}

/**
 * An action from the caregiver's page: JSON for a script, or post/redirect/get
 * for the phone's form (a reload does not post again); a refusal shows on the
 * page with what the caregiver can still see.
 */
async function act(ctx: RouteContext, action: () => Promise<unknown>): Promise<HttpResult> {
  const { event, params, platform } = ctx;
  const lang = langOf(event);
  try {
    const result = await action();
    if (wantsJson(event)) return json(200, result);
    return { statusCode: 303, headers: { location: `/j/${params.token}?lang=${lang}` }, body: '' };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    if (wantsJson(event)) return json(error.status, errorBody(error.code, error.message, error.field));
    try {
      const { offer, visit } = await resolveLink(platform, params.token);
      return html(error.status, offerPage({ lang, token: params.token!, offer, visit, refusalCode: error.code }));
    } catch {
      return html(error.status, invalidLinkPage(lang, error.code));
    }
  }
}

export const handler = httpHandler('jobs', {
  'GET /j/{token}': async ({ event, params, platform }) => {
    const lang = langOf(event);
    try {
      const { offer, visit } = await resolveLink(platform, params.token);
      const closed = offer.status === 'ACCEPTED' ? undefined : closedOfferRefusal(offer, visit, platform.clock.now());
      return html(200, offerPage({ lang, token: params.token!, offer, visit, ...(closed ? { refusalCode: closed.code } : {}) }));
    } catch (error) {
      if (error instanceof Refusal) return refusalResponse(event, error, invalidLinkPage(lang, error.code));
      throw error;
    }
  },

  'POST /j/{token}/accept': async (ctx) => act(ctx, () => acceptOffer(ctx.platform, ctx.params.token)),
  'POST /j/{token}/decline': async (ctx) => {
    const { reason } = parseWith(DeclineOfferRequest, formOrJsonBody(ctx.event));
    return act(ctx, () => declineOffer(ctx.platform, ctx.params.token, reason || undefined));
  },
});
