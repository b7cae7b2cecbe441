import { findService } from '../../domain/catalog.js';
import type { Visit } from '../../domain/visit.js';
import type { StoredOffer } from '../shared/visit-store.js';
import { escapeHtml } from '../shared/html.js';

export type Lang = 'zh' | 'en';

const text = {
  zh: {
    title: '一刻钟上门服务',
    offer: '新的上门服务',
    service: '服务',
    window: '开始时间',
    travel: '路程约',
    minutes: '分钟',
    expires: '请在此时间前接单',
    accept: '接单',
    decline: '不接此单',
    declineReasons: [['', '不说明原因'], ['busy', '时间冲突'], ['tooFar', '路程太远'], ['unwell', '身体不适'], ['other', '其他原因']],
    accepted: '您已接单，请按时上门。',
    other: 'English',
    invalid: '链接无效',
    invalidBody: '此链接无效或已被替换。请使用最新的短信链接。',
  },
  en: {
    title: 'Care Dispatch home visit',
    offer: 'New home-care visit',
    service: 'Service',
    window: 'Start between',
    travel: 'Travel about',
    minutes: 'min',
    expires: 'Accept before',
    accept: 'Accept',
    decline: 'Decline',
    declineReasons: [['', 'No reason given'], ['busy', 'Time conflict'], ['tooFar', 'Too far'], ['unwell', 'Unwell'], ['other', 'Other']],
    accepted: 'You have accepted this visit. Please arrive on time.',
    other: '中文',
    invalid: 'Invalid link',
    invalidBody: 'This link is not valid or was replaced. Use the newest SMS link.',
  },
} as const;

/** Refusal codes as the caregiver reads them. */
const refusalText: Record<string, { zh: string; en: string }> = {
  ALREADY_ACCEPTED: { zh: '您已接过此单。', en: 'You have already accepted this visit.' },
  OFFER_TAKEN: { zh: '此单已由其他护理员接单，感谢您的关注。', en: 'Another caregiver has taken this visit. Thank you.' },
  OFFER_DECLINED: { zh: '您已拒绝此单。', en: 'You declined this offer.' },
  OFFER_EXPIRED: { zh: '此单已过期。', en: 'This offer has expired.' },
  OFFER_CLOSED: { zh: '此单已关闭。', en: 'This visit is no longer open.' },
  LINK_REPLACED: { zh: '此链接已被新链接替换，请使用最新短信。', en: 'This link was replaced; use the newest SMS.' },
  DAILY_LIMIT_REACHED: { zh: '您当天的接单数已达上限。', en: 'You have reached your visit limit for that day.' },
  SCHEDULE_CONFLICT: { zh: '此单与您已接的服务时间冲突。', en: 'This visit overlaps a visit you have already accepted.' },
};


const hhmm = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

/** Mobile-first, no JavaScript, no external assets: loads fast on a cheap phone. */
function layout(lang: Lang, title: string, body: string, switchHref: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>
body{font:18px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;padding:16px;max-width:36em;color:#1b1b1b}
h1{font-size:22px}dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px}dt{color:#555}dd{margin:0}
button{font-size:20px;width:100%;min-height:56px;border:0;border-radius:8px;background:#0a7d38;color:#fff;margin-top:16px}
button.secondary{background:#fff;color:#1b1b1b;border:2px solid #999}select{font-size:18px;width:100%;min-height:48px;margin-top:24px}
.note{padding:12px;border-radius:8px;background:#f1f5f1}.lang{float:right;font-size:16px}
</style></head><body><a class="lang" href="${escapeHtml(switchHref)}">${lang === 'zh' ? text.zh.other : text.en.other}</a>${body}</body></html>`;
}

export function offerPage(input: { lang: Lang; token: string; offer: StoredOffer; visit: Visit; refusalCode?: string }): string {
  const { lang, token, offer, visit } = input;
  const t = text[lang];
  const service = findService(visit.serviceCode);
  const serviceName = service ? (lang === 'zh' ? service.nameZh : service.nameEn) : visit.serviceCode;
  const details = `<dl><dt>${t.service}</dt><dd>${escapeHtml(serviceName)}</dd>
<dt>${t.window}</dt><dd>${hhmm(visit.earliestStart)} – ${hhmm(visit.latestStart)}</dd>
<dt>${t.travel}</dt><dd>${Math.round(offer.travelMinutes)} ${t.minutes}</dd></dl>`;
  let action: string;
  if (input.refusalCode) {
    action = `<p class="note" role="status">${escapeHtml(refusalText[input.refusalCode]?.[lang] ?? input.refusalCode)}</p>`;
  } else if (offer.status === 'ACCEPTED') {
    action = `<p class="note" role="status">${t.accepted}</p>`;
  } else {
    action = `<p>${t.expires} ${hhmm(offer.expiresAt)}</p>
<form method="post" action="/j/${escapeHtml(token)}/accept?lang=${lang}"><button type="submit">${t.accept}</button></form>
<form method="post" action="/j/${escapeHtml(token)}/decline?lang=${lang}"><select name="reason" aria-label="${t.decline}">${t.declineReasons
      .map(([value, label]) => `<option value="${value}">${label}</option>`)
      .join('')}</select><button type="submit" class="secondary">${t.decline}</button></form>`;
  }
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  return layout(lang, t.title, `<h1>${t.offer}</h1>${details}${action}`, `/j/${token}?lang=${other}`);
}

export function invalidLinkPage(lang: Lang, code = 'LINK_INVALID'): string {
  const t = text[lang];
  const body = refusalText[code]?.[lang] ?? t.invalidBody;
  return layout(lang, t.invalid, `<h1>${t.invalid}</h1><p class="note">${escapeHtml(body)}</p>`, `?lang=${lang === 'zh' ? 'en' : 'zh'}`);
}
