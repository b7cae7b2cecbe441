import { findService } from '../../domain/catalog.js';
import { toGcj02 } from '../../domain/crs.js';
import { type Elder, maskPhone } from '../../domain/registry.js';
import type { Visit } from '../../domain/visit.js';
import { EVALUATION_TAGS, type Evaluation } from '../../domain/evaluation.js';
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
    job: '上门服务任务',
    address: '地址',
    contact: '联系电话',
    centre: '服务中心',
    notes: '备注',
    map: '在高德地图中查看位置',
    checkIn: '签到',
    checkInOpens: '签到开放时间：',
    checkOut: '签退',
    doorCode: '无法定位时，请输入门牌码',
    careNote: '服务记录',
    checklist: '服务清单',
    deviation: '服务时长与计划相差超过15分钟时，请说明原因',
    locating: '提交时将获取您当前的位置（仅此一次）。',
    inProgress: '已签到，服务进行中。',
    completed: '服务已完成，感谢您的辛勤付出！',
    flagged: '签到位置距服务地址较远，已记录，服务中心会核实。',
    otherDevice: '为保护老人隐私，地址等信息只在接单时使用的手机上显示。请在该手机上打开此链接。',
    report: '报告情况',
    incidentKinds: [['noAnswer', '上门无人应答（扑空）'], ['emergency', '紧急情况（跌倒、突发疾病）']],
    incidentNote: '说明（可选）',
    call120: '紧急情况请先拨打 120，再在此报告。',
    reported: '已报告，服务中心和家属已收到通知：',
    rateHousehold: '评价本次服务的家庭',
    stars: '星级',
    starLabels: ['1 很差', '2 较差', '3 一般', '4 满意', '5 非常满意'],
    tags: '标签（可多选）',
    comment: '留言（可选）',
    submitRating: '提交评价',
    rated: '您已评价此家庭：',
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
    job: 'Home-care job',
    address: 'Address',
    contact: 'Phone',
    centre: 'Care centre',
    notes: 'Notes',
    map: 'Show on the map (Amap)',
    checkIn: 'Check in',
    checkInOpens: 'Check-in opens at',
    checkOut: 'Check out',
    doorCode: 'No GPS? Enter the door card code',
    careNote: 'Care note',
    checklist: 'Checklist',
    deviation: 'If the visit took more than 15 minutes more or less than planned, say why',
    locating: 'Submitting reads your current location (this once only).',
    inProgress: 'Checked in: the visit is under way.',
    completed: 'Visit completed. Thank you for your care!',
    flagged: 'Your check-in was far from the address; it is recorded and the centre will review it.',
    otherDevice: 'To protect the elder’s privacy, the address shows only on the phone that accepted the job. Open this link on that phone.',
    report: 'Report',
    incidentKinds: [['noAnswer', 'Nobody answered the door'], ['emergency', 'Emergency (fall, sudden illness)']],
    incidentNote: 'Details (optional)',
    call120: 'In an emergency call 120 first, then report it here.',
    reported: 'Reported; the centre and the family have been alerted:',
    rateHousehold: 'Rate the household',
    stars: 'Stars',
    starLabels: ['1 Very poor', '2 Poor', '3 Fair', '4 Good', '5 Very good'],
    tags: 'Tags (any)',
    comment: 'Comment (optional)',
    submitRating: 'Send rating',
    rated: 'You rated this household:',
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
  ALREADY_REPORTED: { zh: '此情况已报告过。', en: 'This has already been reported.' },
  NO_SHOW: { zh: '您未按时签到，此单已改派他人。', en: 'You did not check in in time; the visit went to someone else.' },
  ALREADY_CHECKED_IN: { zh: '您已签到，无需重复签到。', en: 'You have already checked in.' },
  ALREADY_CHECKED_OUT: { zh: '您已签退，无需重复签退。', en: 'You have already checked out.' },
  NOT_CHECKED_IN: { zh: '请先签到再签退。', en: 'Check in before you check out.' },
  NOT_ASSIGNED: { zh: '此单不在您的名下。', en: 'This visit is not assigned to you.' },
  TOO_EARLY: { zh: '还未到签到时间。', en: 'Check-in is not open yet.' },
  LINK_EXPIRED: { zh: '此链接已过期。', en: 'This link has expired.' },
  VISIT_CANCELLED: { zh: '此服务已取消，无需上门。', en: 'This visit was cancelled; no need to go.' },
  OTHER_DEVICE: { zh: '请在接单时使用的手机上操作。', en: 'Use the phone you accepted the job with.' },
  DOOR_CODE_WRONG: { zh: '门牌码不正确，请核对门上的门牌码。', en: 'That door code is wrong; check the card on the door.' },
  DEVIATION_REASON_REQUIRED: { zh: '服务时长与计划相差较大，请填写原因。', en: 'The visit time was far off plan; please give a reason.' },
  VISIT_NOT_COMPLETED: { zh: '服务完成签退后才能评价。', en: 'You can rate once you have checked out.' },
  ALREADY_EVALUATED: { zh: '您已评价过此次服务。', en: 'You have already rated this visit.' },
  EVALUATION_CLOSED: { zh: '评价期（签退后7天）已过。', en: 'The week to rate this visit is over.' },
  INVALID_FIELD: { zh: '请检查填写的内容，或输入门牌码。', en: 'Please check what you entered, or enter the door code.' },
};


const hhmm = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

/** Mobile-first, no JavaScript, no external assets: loads fast on a cheap phone. */
export function layout(lang: Lang, title: string, body: string, switchHref: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title><style>
body{font:18px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;padding:16px;max-width:36em;color:#1b1b1b}
h1{font-size:22px}h2{font-size:20px}dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px}dt{color:#555}dd{margin:0}
button{font-size:20px;width:100%;min-height:56px;border:0;border-radius:8px;background:#0a7d38;color:#fff;margin-top:16px}
button.secondary{background:#fff;color:#1b1b1b;border:2px solid #999}select{font-size:18px;width:100%;min-height:48px;margin-top:24px}
.note{padding:12px;border-radius:8px;background:#f1f5f1}.lang{float:right;font-size:16px}
input,textarea{font-size:18px;width:100%;box-sizing:border-box;min-height:48px;margin-top:8px}label{display:block;margin-top:16px}
.check{display:flex;gap:12px;align-items:center;min-height:44px;margin:0}.check input{width:28px;min-height:28px;margin:0}.warn{background:#fff4e0}
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

/**
 * Fills a form's hidden lat/lon/accuracy from the phone's position when it is
 * submitted without a door code: one reading, at that moment, nothing kept
 * in between. Without JavaScript the door code still works.
 */
export const LOCATE_SCRIPT = `document.querySelectorAll('form[data-locate]').forEach(function(f){f.addEventListener('submit',function(e){if(f.doorCode.value||f.lat.value||!navigator.geolocation)return;e.preventDefault();navigator.geolocation.getCurrentPosition(function(p){f.lat.value=p.coords.latitude;f.lon.value=p.coords.longitude;f.accuracy.value=p.coords.accuracy;f.submit()},function(){f.submit()},{enableHighAccuracy:true,timeout:15000,maximumAge:0})})})`;

function presenceFields(t: (typeof text)[Lang]): string {
  return `<input type="hidden" name="lat"><input type="hidden" name="lon"><input type="hidden" name="accuracy">
<p>${t.locating}</p><label>${t.doorCode}<input name="doorCode" autocomplete="off" autocapitalize="characters" maxlength="9" inputmode="text"></label>`;
}

/** After check-out: the caregiver rates the household once (stars, tags, a comment), or sees the rating given. */
function ratingSection(lang: Lang, action: string, given: Pick<Evaluation, 'stars' | 'tags'> | undefined): string {
  const t = text[lang];
  const tagName = (code: string) => EVALUATION_TAGS.find((tag) => tag.code === code)?.[lang] ?? code;
  if (given) {
    return `<p class="note" role="status">${t.rated} ${'★'.repeat(given.stars)}${'☆'.repeat(5 - given.stars)} ${escapeHtml(given.tags.map(tagName).join('、'))}</p>`;
  }
  const stars = t.starLabels.map((label, i) => `<label class="check"><input type="radio" name="stars" value="${i + 1}" required>${label}</label>`).join('');
  const tags = EVALUATION_TAGS.filter((tag) => tag.about === 'household')
    .map((tag) => `<label class="check"><input type="checkbox" name="tags" value="${tag.code}">${escapeHtml(tag[lang])}</label>`)
    .join('');
  return `<form method="post" action="${action}"><h2>${t.rateHousehold}</h2><fieldset><legend>${t.stars}</legend>${stars}</fieldset>
<fieldset><legend>${t.tags}</legend>${tags}</fieldset><label>${t.comment}<textarea name="comment" rows="2" maxlength="500"></textarea></label><button type="submit">${t.submitRating}</button></form>`;
}

export interface JobPageInput {
  lang: Lang;
  token: string;
  visit: Visit;
  /** Only on the phone the job is bound to. */
  elder?: Pick<Elder, 'address' | 'location' | 'phone' | 'notes'>;
  centrePhone?: string;
  checklist: ReadonlyArray<{ code: string; zh: string; en: string }>;
  checkInOpensAt: string;
  refusalCode?: string;
  /** Whether this is the phone the job is bound to. */
  onBoundDevice: boolean;
  /** The caregiver's own rating of the household, once given. */
  evaluation?: Pick<Evaluation, 'stars' | 'tags'>;
}

/** The accepted job: where to go and, on the bound phone only, the address; check in, then check out with the care note. */
export function jobPage(input: JobPageInput): string {
  const { lang, token, visit, elder } = input;
  const t = text[lang];
  const service = findService(visit.serviceCode);
  const serviceName = service ? (lang === 'zh' ? service.nameZh : service.nameEn) : visit.serviceCode;
  const action = (name: string) => `/j/${escapeHtml(token)}/${name}?lang=${lang}`;
  let details = `<dl><dt>${t.service}</dt><dd>${escapeHtml(serviceName)}</dd><dt>${t.window}</dt><dd>${hhmm(visit.earliestStart)} – ${hhmm(visit.latestStart)}</dd>`;
  if (elder && visit.status !== 'COMPLETED') {
    const gcj = toGcj02(elder.location);
    details += `<dt>${t.address}</dt><dd>${escapeHtml(elder.address)}</dd>`;
    if (elder.phone) details += `<dt>${t.contact}</dt><dd>${escapeHtml(maskPhone(elder.phone))}</dd>`;
    if (input.centrePhone) details += `<dt>${t.centre}</dt><dd><a href="tel:${escapeHtml(input.centrePhone)}">${escapeHtml(input.centrePhone)}</a></dd>`;
    if (visit.notes) details += `<dt>${t.notes}</dt><dd>${escapeHtml(visit.notes)}</dd>`;
    details += `</dl><p><a href="https://uri.amap.com/marker?position=${gcj.lon},${gcj.lat}&amp;coordinate=gaode&amp;callnative=1" rel="noreferrer">${t.map}</a></p>`;
  } else {
    details += `</dl>${input.onBoundDevice ? '' : `<p class="note">${t.otherDevice}</p>`}`;
  }
  const refusal = input.refusalCode ? `<p class="note warn" role="alert">${escapeHtml(refusalText[input.refusalCode]?.[lang] ?? input.refusalCode)}</p>` : '';
  let body = '';
  const flagged = visit.verification?.checkIn?.flagged ? `<p class="note warn">${t.flagged}</p>` : '';
  if (visit.status === 'ASSIGNED' && elder) {
    body = `<p>${t.checkInOpens} ${hhmm(input.checkInOpensAt)}</p><form method="post" action="${action('check-in')}" data-locate>${presenceFields(t)}<button type="submit">${t.checkIn}</button></form>`;
  } else if (visit.status === 'IN_PROGRESS' && elder) {
    const items = input.checklist
      .map((item) => `<label class="check"><input type="checkbox" name="checklist" value="${escapeHtml(item.code)}">${escapeHtml(lang === 'zh' ? item.zh : item.en)}</label>`)
      .join('');
    body = `${flagged}<p class="note" role="status">${t.inProgress}</p><form method="post" action="${action('check-out')}" data-locate>
<fieldset><legend>${t.checklist}</legend>${items}</fieldset><label>${t.careNote}<textarea name="note" rows="3" maxlength="1000" required></textarea></label>
<label>${t.deviation}<input name="deviationReason" maxlength="500"></label>${presenceFields(t)}<button type="submit">${t.checkOut}</button></form>`;
  } else if (visit.status === 'COMPLETED') {
    body = `<p class="note" role="status">${t.completed}</p>${input.onBoundDevice ? ratingSection(lang, action('evaluate'), input.evaluation) : ''}`;
  } else if (visit.status === 'CANCELLED') {
    body = `<p class="note warn" role="status">${refusalText.VISIT_CANCELLED![lang]}</p>`;
  }
  if ((visit.status === 'ASSIGNED' || visit.status === 'IN_PROGRESS') && elder) {
    const kinds = t.incidentKinds as ReadonlyArray<readonly [string, string]>;
    const reported = (visit.incidents ?? []).map((i) => kinds.find(([k]) => k === i.kind)?.[1] ?? i.kind);
    body += `${reported.length ? `<p class="note warn" role="status">${t.reported} ${escapeHtml(reported.join('、'))}</p>` : ''}<form method="post" action="${action('incident')}">
<label>${t.report}<select name="kind">${kinds.map(([value, label]) => `<option value="${value}">${label}</option>`).join('')}</select></label>
<label>${t.incidentNote}<input name="note" maxlength="500"></label><p>${t.call120}</p><button type="submit" class="secondary">${t.report}</button></form>`;
  }
  const script = body.includes('data-locate') ? `<script>${LOCATE_SCRIPT}</script>` : '';
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  return layout(lang, t.title, `<h1>${t.job}</h1>${refusal}${details}${body}${script}`, `/j/${token}?lang=${other}`);
}
