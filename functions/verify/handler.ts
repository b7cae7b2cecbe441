import '../shared/aws/platform.js';
import * as z from 'zod';
import { Id, PublicCode } from '../../domain/registry.js';
import { cityDate } from '../../domain/time.js';
import { type HttpEvent, type HttpResult, errorBody, html, httpHandler, json, wantsJson } from '../shared/http.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getCaregiver, getEnterprise } from '../shared/registry-store.js';
import { getItem } from '../shared/store.js';
import { VerifyView } from '../views.js';
import { type Lang, notFoundPage, verifyPage } from './page.js';
import { caregiverView, enterpriseView, ratingSummary } from './view.js';
import { readCredit } from '../shared/credit-store.js';

const CodeItem = z.object({ kind: z.enum(['enterprise', 'caregiver']), id: Id });
type CodeItem = z.infer<typeof CodeItem>;

const langOf = (event: HttpEvent): Lang => (event.queryStringParameters?.lang === 'en' ? 'en' : 'zh');

/**
 * Status changes (a suspension) must show within a minute; the same URL
 * answers HTML or JSON, so shared caches must key on Accept.
 */
const pageHeaders = {
  'cache-control': 'public, max-age=60',
  vary: 'accept',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** Printed codes are upper case; a hand-typed lower-case one means the same. Anything else is nobody's. */
function canonicalCode(raw: string | undefined): string | undefined {
  const code = raw?.trim().toUpperCase();
  return code && PublicCode.safeParse(code).success ? code : undefined;
}

async function resolveCode(platform: Platform, raw: string | undefined): Promise<{ code: string; item: CodeItem } | undefined> {
  const code = canonicalCode(raw);
  if (!code) return undefined;
  const item = await getItem(platform, CodeItem, keys.publicCode(code));
  return item ? { code, item } : undefined;
}

async function viewOf(platform: Platform, { item }: { item: CodeItem }, today: string): Promise<VerifyView | undefined> {
  if (item.kind === 'enterprise') {
    const [enterprise, credit] = await Promise.all([getEnterprise(platform, item.id), readCredit(platform, 'enterprise', item.id)]);
    return enterprise && enterpriseView(enterprise, today, ratingSummary(credit && { ...credit.counts, tier: credit.tier }));
  }
  const caregiver = await getCaregiver(platform, item.id);
  if (!caregiver) return undefined;
  return caregiverView(caregiver, await getEnterprise(platform, caregiver.enterpriseId), today);
}

/** Malformed and unknown codes answer alike, so a probe learns nothing about which codes exist. */
const notFound = (event: HttpEvent): HttpResult =>
  wantsJson(event)
    ? json(404, errorBody('CODE_NOT_FOUND', 'no company or caregiver has this code'))
    : html(404, notFoundPage(langOf(event)), { 'x-content-type-options': 'nosniff' });

export const handler = httpHandler('verify', {
  'GET /verify/{code}': async ({ event, params, platform }) => {
    const found = await resolveCode(platform, params.code);
    const today = cityDate(platform.clock.now());
    const view = found && (await viewOf(platform, found, today));
    if (!view) return notFound(event);
    // The schema is the contract and a last guard: no field outside it leaves.
    const body = VerifyView.parse(view);
    if (wantsJson(event)) return json(200, body, pageHeaders);
    return html(200, verifyPage(body, langOf(event), today), pageHeaders);
  },

  'GET /verify/{code}/qr.svg': async ({ event, params, platform }) => {
    const found = await resolveCode(platform, params.code);
    if (!found) return notFound(event);
    // Loaded on demand: the verify page itself, the hot path, does not pay for the QR encoder at cold start.
    const { default: QRCode } = await import('qrcode');
    const url = `${platform.config.publicBaseUrl.replace(/\/+$/, '')}/verify/${found.code}`;
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      statusCode: 200,
      headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' },
      body: svg,
    };
  },
});
