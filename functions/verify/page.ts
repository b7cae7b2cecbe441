import type { EnterpriseStatus } from '../../domain/registry.js';
import { escapeHtml } from '../shared/html.js';
import type { VerifyView } from '../views.js';
import type { Validity, VerifyStatus } from './view.js';

export type Lang = 'zh' | 'en';

type Tone = 'ok' | 'warn' | 'bad';
interface Verdict {
  label: string;
  detail: string;
}
type Bilingual<T> = Record<Lang, T>;

const ui = {
  zh: {
    brand: '一刻钟家政养老服务 · 公开核验',
    other: 'English',
    enterprise: '家政服务企业',
    caregiver: '护理员',
    code: '核验码',
    licenceNumber: '许可证编号',
    validUntil: '有效期至',
    certificates: '职业证书',
    noCertificates: '未登记证书',
    employer: '所属企业',
    ratings: '服务评价',
    noRatings: '暂无评价',
    ratingCount: (count: number, rate: string) => `${count} 条评价，好评率 ${rate}`,
    tier: '信用等级',
    noTier: '暂无',
    checkedOn: '核验日期',
    cityTime: '（北京时间）',
    privacy: '本页不显示任何人的电话、身份证号、住址或全名。',
    qr: '二维码（打印用）',
    notFound: '未找到',
    notFoundDetail: '没有与此核验码对应的企业或护理员。请核对卡片或标识上的号码；如有疑问，请联系社区养老服务中心或商务局。',
    title: '公开核验',
  },
  en: {
    brand: 'Care Dispatch · public verification',
    other: '中文',
    enterprise: 'Home-service company',
    caregiver: 'Caregiver',
    code: 'Code',
    licenceNumber: 'Licence number',
    validUntil: 'Valid until',
    certificates: 'Certificates',
    noCertificates: 'No certificate on record',
    employer: 'Employer',
    ratings: 'Ratings',
    noRatings: 'No ratings yet',
    ratingCount: (count: number, rate: string) => `${count} ratings, ${rate} positive`,
    tier: 'Credit tier',
    noTier: 'Not yet graded',
    checkedOn: 'Checked on',
    cityTime: ' (China time)',
    privacy: "This page never shows anyone's phone, ID number, address or full name.",
    qr: 'QR code (for printing)',
    notFound: 'Not found',
    notFoundDetail: 'No company or caregiver has this code. Check the number on the card or sticker; if in doubt, ask the community care centre or the commerce bureau.',
    title: 'Public verification',
  },
} as const;

const enterpriseVerdicts: Partial<Record<VerifyStatus, Bilingual<Verdict>>> = {
  valid: {
    zh: { label: '有效', detail: '持有有效许可证的家政服务企业，可以承接上门服务。' },
    en: { label: 'Valid', detail: 'A licensed home-service company with a valid licence; it may take home visits.' },
  },
  notLicensed: {
    zh: { label: '未持证', detail: '该企业已登记，但尚未取得许可，不能承接上门服务。' },
    en: { label: 'Not licensed', detail: 'This company is registered but not licensed; it may not take home visits.' },
  },
  licenceExpired: {
    zh: { label: '许可证过期', detail: '该企业的许可证已过期，续期前不能承接上门服务。' },
    en: { label: 'Licence expired', detail: "This company's licence has expired; it may not take home visits until renewed." },
  },
  suspended: {
    zh: { label: '已暂停', detail: '该企业已被商务局暂停，暂不能承接上门服务。' },
    en: { label: 'Suspended', detail: 'The commerce bureau has suspended this company; it may not take home visits.' },
  },
  revoked: {
    zh: { label: '已吊销', detail: '该企业的许可已被吊销，不能承接上门服务。' },
    en: { label: 'Revoked', detail: "This company's licence has been revoked; it may not take home visits." },
  },
};

const caregiverVerdicts: Partial<Record<VerifyStatus, Bilingual<Verdict>>> = {
  valid: {
    zh: { label: '有效', detail: '持有有效职业证书，所属企业持证经营。' },
    en: { label: 'Valid', detail: 'Holds a valid certificate and works for a licensed company.' },
  },
  suspended: {
    zh: { label: '已暂停', detail: '该护理员已被暂停上门服务。' },
    en: { label: 'Suspended', detail: 'This caregiver is suspended from home visits.' },
  },
  inactive: {
    zh: { label: '未在岗', detail: '该护理员目前不在岗，不接受派单。' },
    en: { label: 'Not active', detail: 'This caregiver is not currently working and takes no visits.' },
  },
  noCertificate: {
    zh: { label: '未持证', detail: '该护理员没有登记任何职业证书。' },
    en: { label: 'Not certified', detail: 'This caregiver has no certificate on record.' },
  },
  certificatesExpired: {
    zh: { label: '证书过期', detail: '该护理员的证书均已过期或尚未生效。' },
    en: { label: 'Certificates expired', detail: "None of this caregiver's certificates is valid today." },
  },
};

/** The employer's own trouble names a caregiver's warning: a household wants to know why. */
const employerVerdicts: Record<EnterpriseStatus | 'expired' | 'unknown', Bilingual<Verdict>> = {
  suspended: {
    zh: { label: '所属企业已暂停', detail: '该护理员所属企业已被商务局暂停，暂不能派单。' },
    en: { label: 'Employer suspended', detail: "The commerce bureau has suspended this caregiver's employer; no visits can be booked." },
  },
  revoked: {
    zh: { label: '所属企业已吊销', detail: '该护理员所属企业的许可已被吊销，不能派单。' },
    en: { label: 'Employer revoked', detail: "This caregiver's employer has lost its licence; no visits can be booked." },
  },
  registered: {
    zh: { label: '所属企业未持证', detail: '该护理员所属企业尚未取得许可，不能派单。' },
    en: { label: 'Employer not licensed', detail: "This caregiver's employer is not licensed; no visits can be booked." },
  },
  expired: {
    zh: { label: '所属企业许可证过期', detail: '该护理员所属企业的许可证已过期，不能派单。' },
    en: { label: 'Employer licence expired', detail: "The licence of this caregiver's employer has expired; no visits can be booked." },
  },
  licensed: {
    zh: { label: '所属企业不可接单', detail: '该护理员所属企业目前不能承接上门服务。' },
    en: { label: 'Employer not authorised', detail: "This caregiver's employer may not take home visits at present." },
  },
  unknown: {
    zh: { label: '所属企业不明', detail: '查不到该护理员所属企业的许可信息，不能派单。' },
    en: { label: 'Employer unknown', detail: "This caregiver's employer could not be found; no visits can be booked." },
  },
};

const enterpriseStatusNames: Record<EnterpriseStatus, Bilingual<string>> = {
  registered: { zh: '已登记，未持证', en: 'registered, not licensed' },
  licensed: { zh: '持证经营', en: 'licensed' },
  suspended: { zh: '已暂停', en: 'suspended' },
  revoked: { zh: '已吊销', en: 'revoked' },
};

const validityNames: Record<Validity, Bilingual<string>> = {
  valid: { zh: '有效', en: 'valid' },
  expired: { zh: '已过期', en: 'expired' },
  notYetValid: { zh: '尚未生效', en: 'not yet valid' },
};

/** 养老护理员 and the other vocational certificates: level 1 初级工 … 5 高级技师. */
const levelNames: Bilingual<readonly string[]> = {
  zh: ['初级工', '中级工', '高级工', '技师', '高级技师'],
  en: ['junior', 'intermediate', 'senior', 'technician', 'senior technician'],
};

const toneOf = (status: string): Tone => {
  if (status === 'valid') return 'ok';
  return ['suspended', 'revoked', 'enterpriseNotAuthorised'].includes(status) ? 'bad' : 'warn';
};

const marks: Record<Tone, string> = { ok: '✓', warn: '!', bad: '✕' };

function verdictOf(view: VerifyView, lang: Lang): Verdict {
  const status = view.status as VerifyStatus;
  if (view.kind === 'enterprise') return (enterpriseVerdicts[status] ?? enterpriseVerdicts.notLicensed!)[lang];
  if (status === 'enterpriseNotAuthorised') {
    const employer = view.enterprise;
    if (!employer) return employerVerdicts.unknown[lang];
    // A licensed employer that cannot take work has let its licence lapse.
    return employerVerdicts[employer.status === 'licensed' ? 'expired' : employer.status][lang];
  }
  return (caregiverVerdicts[status] ?? caregiverVerdicts.noCertificate!)[lang];
}

const badge = (validity: Validity, lang: Lang) =>
  `<span class="b ${validity === 'valid' ? 'ok' : 'warn'}">${validityNames[validity][lang]}</span>`;

/** Mobile-first, no JavaScript, no external assets: loads fast on a cheap phone (same look as the caregiver's pages). */
function layout(lang: Lang, title: string, body: string): string {
  const t = ui[lang];
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>
body{font:18px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;padding:16px;max-width:36em;color:#1b1b1b}
h1{font-size:22px;margin:16px 0 0}h2{font-size:18px;margin:16px 0 4px}dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px}dt{color:#555}dd{margin:0}
.brand{color:#555;font-size:15px;margin:0}.lang{float:right;font-size:16px}.kind{color:#555;margin:0}
.st{display:flex;gap:12px;align-items:center;padding:16px;border-radius:8px;margin-top:12px;color:#fff}
.st strong{font-size:30px;display:block;line-height:1.2}.st p{margin:4px 0 0;font-size:16px}
.mark{font-size:40px;font-weight:bold;width:48px;height:48px;line-height:48px;text-align:center;border-radius:50%;background:rgba(255,255,255,.25);flex:none}
.st.ok{background:#0a7d38}.st.warn{background:#a14b00}.st.bad{background:#b3261e}
ul{list-style:none;padding:0;margin:0}li{padding:8px 0;border-bottom:1px solid #e5e5e5}
.b{display:inline-block;font-size:14px;padding:0 8px;border-radius:10px;margin-left:6px}.b.ok{background:#e3f4e8;color:#0a5d2a}.b.warn{background:#fdecea;color:#8c1d18}
.code{font-family:ui-monospace,monospace;letter-spacing:1px}.small{color:#555;font-size:14px}
</style></head><body><a class="lang" href="?lang=${lang === 'zh' ? 'en' : 'zh'}">${t.other}</a><p class="brand">${t.brand}</p>${body}</body></html>`;
}

function statusBox(tone: Tone, verdict: Verdict): string {
  return `<div class="st ${tone}" role="status"><span class="mark" aria-hidden="true">${marks[tone]}</span><div><strong>${escapeHtml(verdict.label)}</strong><p>${escapeHtml(verdict.detail)}</p></div></div>`;
}

function ratingText(view: VerifyView, lang: Lang): string {
  const { count, positiveRate } = view.ratingSummary;
  if (count === 0 || positiveRate === null) return ui[lang].noRatings;
  return ui[lang].ratingCount(count, `${Math.round(positiveRate * 100)}%`);
}

function enterpriseDetails(view: VerifyView, lang: Lang): string {
  const t = ui[lang];
  const licence = view.licence;
  if (!licence) return '';
  // A green "valid" next to the dates of a suspended or revoked licence would contradict the verdict.
  const showBadge = licence.validity !== 'valid' || view.status === 'valid';
  return `<dt>${t.licenceNumber}</dt><dd class="code">${escapeHtml(licence.number || '—')}</dd>
<dt>${t.validUntil}</dt><dd>${escapeHtml(licence.validUntil)}${showBadge ? badge(licence.validity, lang) : ''}</dd>`;
}

function caregiverDetails(view: VerifyView, lang: Lang): string {
  const t = ui[lang];
  const employer = view.enterprise;
  if (!employer) return '';
  const employerOk = employer.status === 'licensed' && view.status !== 'enterpriseNotAuthorised';
  // Licensed on paper but not allowed to work today: its licence has lapsed; say so, not "licensed".
  const label = employer.status === 'licensed' && !employerOk ? { zh: '许可证过期', en: 'Licence expired' }[lang] : enterpriseStatusNames[employer.status][lang];
  return `<dt>${t.employer}</dt><dd><a href="/verify/${escapeHtml(employer.code)}?lang=${lang}">${escapeHtml(employer.name)}</a>
<span class="b ${employerOk ? 'ok' : 'warn'}">${escapeHtml(label)}</span></dd>`;
}

function certificateList(view: VerifyView, lang: Lang): string {
  const t = ui[lang];
  const certificates = view.certificates ?? [];
  if (certificates.length === 0) return `<h2>${t.certificates}</h2><p>${t.noCertificates}</p>`;
  const items = certificates.map((c) => {
    const name = lang === 'zh' ? c.nameZh : c.nameEn;
    const level = c.level !== undefined ? levelNames[lang][c.level - 1] : undefined;
    return `<li><strong>${escapeHtml(name)}</strong>${level ? ` · ${escapeHtml(level)}` : ''}${badge(c.validity, lang)}<br>
<span class="small">${t.validUntil} ${escapeHtml(c.validUntil)}</span></li>`;
  });
  return `<h2>${t.certificates}</h2><ul>${items.join('')}</ul>`;
}

/** The verify page, drawn from the public view only: what the JSON does not say, the page cannot leak. */
export function verifyPage(view: VerifyView, lang: Lang, today: string): string {
  const t = ui[lang];
  const tone = toneOf(view.status);
  const verdict = verdictOf(view, lang);
  const isEnterprise = view.kind === 'enterprise';
  const details = isEnterprise ? enterpriseDetails(view, lang) : caregiverDetails(view, lang);
  const body = `${statusBox(tone, verdict)}
<h1>${escapeHtml(view.maskedName)}</h1>
<p class="kind">${isEnterprise ? t.enterprise : t.caregiver} · ${t.code} <span class="code">${escapeHtml(view.code)}</span></p>
<dl>${details}<dt>${t.ratings}</dt><dd>${escapeHtml(ratingText(view, lang))}</dd><dt>${t.tier}</dt><dd>${escapeHtml(view.ratingSummary.tier ?? t.noTier)}</dd></dl>
${isEnterprise ? '' : certificateList(view, lang)}
<p class="small">${t.checkedOn} ${escapeHtml(today)}${t.cityTime}<br>${t.privacy}</p>
<p class="small"><a href="/verify/${escapeHtml(view.code)}/qr.svg">${t.qr}</a></p>`;
  return layout(lang, `${verdict.label} · ${view.maskedName} — ${t.title}`, body);
}

export function notFoundPage(lang: Lang): string {
  const t = ui[lang];
  const body = `${statusBox('warn', { label: t.notFound, detail: t.notFoundDetail })}`;
  return layout(lang, `${t.notFound} — ${t.title}`, body);
}
