import { findService } from '../../domain/catalog.js';
import { MY_JOBS_LINK_HOURS, MY_JOBS_REQUEST_INTERVAL_MIN, type MyJobsItem } from '../../domain/my-jobs.js';
import { escapeHtml } from '../shared/html.js';
import { type Lang, layout } from './pages.js';

/** The caregiver's "my jobs" pages: ask for the link, then the list. Nothing on them is personal but the service and the time. */
const text = {
  zh: {
    title: '我的服务单',
    ask: `输入您登记的手机号，我们会把您已接服务单的链接发短信到这个号码，${MY_JOBS_LINK_HOURS}小时内有效。换了手机，也可以用它在新手机上重新打开服务单。`,
    phone: '手机号',
    send: '发送短信',
    sent: '如果该号码属于已登记的护理员，短信正在发送中。请查收短信并打开其中的链接。',
    once: `${MY_JOBS_REQUEST_INTERVAL_MIN}分钟内只发送一次。`,
    intro: '您已接的服务单。点“在本机打开”后，该服务单绑定到这部手机：地址、签到和签退只在这部手机上可用，原来的手机将不能再使用。',
    none: '目前没有已接的服务单。',
    open: '在本机打开',
    service: '服务',
    window: '开始时间',
    status: '状态',
    statuses: { ASSIGNED: '待上门', IN_PROGRESS: '服务中', COMPLETED: '已完成，可评价' } as Record<string, string>,
    invalid: '链接无效',
    again: '重新获取链接',
    refusals: {
      LINK_INVALID: '此链接无效。请重新获取“我的服务单”链接。',
      LINK_EXPIRED: '此链接已过期。请重新获取“我的服务单”链接。',
      NOT_ASSIGNED: '此服务单不在您的名下，或已不能打开。',
      VISIT_CANCELLED: '此服务已取消，无需上门。',
      INVALID_FIELD: '请输入11位手机号码。',
    } as Record<string, string>,
    other: 'English',
  },
  en: {
    title: 'My jobs',
    ask: `Enter the mobile number you are registered with. We will text a link to your accepted jobs to that number; it works for ${MY_JOBS_LINK_HOURS} hours. If your phone changed, it also opens your jobs on the new phone.`,
    phone: 'Mobile number',
    send: 'Send SMS',
    sent: 'If this number belongs to a registered caregiver, an SMS is on its way. Open the link in it.',
    once: `At most one SMS every ${MY_JOBS_REQUEST_INTERVAL_MIN} minutes.`,
    intro: 'Your accepted jobs. “Open on this phone” binds the job to this phone: the address, check-in and check-out work only here, and no longer on the old phone.',
    none: 'You have no accepted jobs at the moment.',
    open: 'Open on this phone',
    service: 'Service',
    window: 'Start between',
    status: 'Status',
    statuses: { ASSIGNED: 'To do', IN_PROGRESS: 'Under way', COMPLETED: 'Completed, to rate' } as Record<string, string>,
    invalid: 'Invalid link',
    again: 'Ask for a new link',
    refusals: {
      LINK_INVALID: 'This link is not valid. Ask for a new “my jobs” link.',
      LINK_EXPIRED: 'This link has expired. Ask for a new “my jobs” link.',
      NOT_ASSIGNED: 'This job is not yours, or can no longer be opened.',
      VISIT_CANCELLED: 'This visit was cancelled; no need to go.',
      INVALID_FIELD: 'Enter an 11-digit mobile number.',
    } as Record<string, string>,
    other: '中文',
  },
} as const;

const otherLang = (lang: Lang): Lang => (lang === 'zh' ? 'en' : 'zh');

/** `12-01 周二 09:00–10:00` / `12-01 Tue 09:00–10:00`, city time (the stored times carry +08:00). */
function when(item: MyJobsItem, lang: Lang): string {
  const weekday = new Date(`${item.earliestStart.slice(0, 10)}T00:00:00Z`).getUTCDay();
  const day = lang === 'zh' ? ['周日', '周一', '周二', '周三', '周四', '周五', '周六'][weekday] : ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][weekday];
  return `${item.earliestStart.slice(5, 10)} ${day} ${item.earliestStart.slice(11, 16)}–${item.latestStart.slice(11, 16)}`;
}

/** The form to ask for the link; after sending, the same answer whoever's number it was. */
export function myJobsFormPage(lang: Lang, options: { sent?: boolean; refusalCode?: string } = {}): string {
  const t = text[lang];
  const refusal = options.refusalCode ? `<p class="note warn" role="alert">${escapeHtml(t.refusals[options.refusalCode] ?? options.refusalCode)}</p>` : '';
  const body = options.sent
    ? `<p class="note" role="status">${t.sent}</p><p>${t.once}</p>`
    : `${refusal}<p>${t.ask}</p><form method="post" action="/me?lang=${lang}"><label>${t.phone}<input name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="20" required></label><button type="submit">${t.send}</button></form><p>${t.once}</p>`;
  return layout(lang, t.title, `<h1>${t.title}</h1>${body}`, `/me?lang=${otherLang(lang)}${options.sent ? '&sent=1' : ''}`);
}

/** The list: service, day and window, status, and a button (a POST, so that link previewers never rebind a job). */
export function myJobsListPage(lang: Lang, token: string, items: readonly MyJobsItem[]): string {
  const t = text[lang];
  const jobs = items
    .map((item) => {
      const service = findService(item.serviceCode);
      const name = service ? (lang === 'zh' ? service.nameZh : service.nameEn) : item.serviceCode;
      return `<section><dl><dt>${t.service}</dt><dd>${escapeHtml(name)}</dd><dt>${t.window}</dt><dd>${when(item, lang)}</dd><dt>${t.status}</dt><dd>${t.statuses[item.status] ?? item.status}</dd></dl>
<form method="post" action="/me/${escapeHtml(token)}/jobs/${escapeHtml(item.visitId)}/open?lang=${lang}"><button type="submit">${t.open}</button></form></section>`;
    })
    .join('');
  const body = items.length ? `<p>${t.intro}</p>${jobs}` : `<p class="note">${t.none}</p>`;
  return layout(lang, t.title, `<h1>${t.title}</h1>${body}`, `/me/${escapeHtml(token)}?lang=${otherLang(lang)}`);
}

/** A my-jobs link that is unknown, expired or not for this job: says so, and leads back to the form. */
export function myJobsInvalidPage(lang: Lang, code: string): string {
  const t = text[lang];
  const message = t.refusals[code] ?? t.refusals.LINK_INVALID!;
  return layout(lang, t.invalid, `<h1>${t.invalid}</h1><p class="note">${escapeHtml(message)}</p><p><a href="/me?lang=${lang}">${t.again}</a></p>`, `?lang=${otherLang(lang)}`);
}
