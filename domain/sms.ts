import * as z from 'zod';
import { type Service, ServiceCode, findService } from './catalog.js';
import { toCityTime } from './time.js';

/** Carriers require a registered signature at the start of every message. */
export const SMS_SIGNATURE = '【一刻钟】';

/** The signature as providers register it (SignName): the carrier adds the brackets. */
export const SMS_SIGN_NAME = SMS_SIGNATURE.slice(1, -1);

/** One SMS part holds 70 characters when the text is Chinese (UCS-2). */
export const SMS_PART_CHARS = 70;

/** A caregiver link token: 128 random bits in base64url. */
export const LINK_TOKEN_CHARS = 22;

/**
 * The longest PUBLIC_BASE_URL with which every template still fits one part
 * for the longest service name (`https://ykz.wuhai.gov.cn` is 24 characters).
 * The tests prove both that it fits and that one character more does not.
 */
export const SMS_MAX_BASE_URL_CHARS = 24;

/** Day of the month, city time. */
export const SmsDay = z.number().int().min(1).max(31).brand<'SmsDay'>();
export type SmsDay = z.output<typeof SmsDay>;

/** Start time `HH:MM`, city time. */
export const SmsTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).brand<'SmsTime'>();
export type SmsTime = z.output<typeof SmsTime>;

/** The link token, the only variable part of a link (the base is fixed text of the registered template). */
export const SmsLinkToken = z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${LINK_TOKEN_CHARS}}$`)).brand<'SmsLinkToken'>();
export type SmsLinkToken = z.output<typeof SmsLinkToken>;

/**
 * The only variables an SMS can carry: a service code (rendered as its
 * catalogue name), a day, a time and a link token. Nothing here can hold an
 * elder's name, address or phone: the service is an enum, day and time are
 * branded values made by `smsVisitParams`, and unknown keys are refused.
 */
const visitShape = { service: ServiceCode, day: SmsDay, time: SmsTime };
const VisitParams = z.strictObject(visitShape);
const LinkParams = z.strictObject({ ...visitShape, token: SmsLinkToken });
/** A link about no one visit (the caregiver's own "my jobs" list): the token alone. */
const TokenParams = z.strictObject({ token: SmsLinkToken });

const variant = <T extends string, P extends typeof VisitParams | typeof LinkParams | typeof TokenParams>(template: T, params: P) =>
  z.object({ template: z.literal(template), params });

/** Every SMS the platform sends: a registered template and its variables. */
export const SmsContent = z.discriminatedUnion('template', [
  variant('offer', LinkParams),
  variant('assigned', LinkParams),
  variant('changed', LinkParams),
  variant('reminder', LinkParams),
  variant('cancelled', VisitParams),
  variant('offerTaken', VisitParams),
  variant('unfilled', VisitParams),
  variant('noShow', VisitParams),
  variant('noAnswer', VisitParams),
  variant('emergency', VisitParams),
  variant('checkedIn', VisitParams),
  variant('checkedOut', VisitParams),
  variant('myJobs', TokenParams),
]);
export type SmsContent = z.output<typeof SmsContent>;
export type SmsTemplateId = SmsContent['template'];
export type SmsParamName = 'service' | 'day' | 'time' | 'token';

/**
 * Template bodies as registered with the carriers, after the signature.
 * `{base}` is the deployment's PUBLIC_BASE_URL, fixed text of the registered
 * template (carriers refuse a variable domain); the rest are variables. No two
 * variables touch (providers refuse `{1}{2}`), and no body uses 【】.
 */
export const SMS_TEMPLATES = {
  /** A new offer: the link opens it. */
  offer: '{service}于{day}日{time}，接单{base}/j/{token}',
  /** A visit given to the caregiver by hand (hub centre or company dispatcher): the job's link. */
  assigned: '派{service}于{day}日{time}，{base}/j/{token}',
  /** The caregiver's visit moved to a new time: the link shows the job. */
  changed: '{service}改至{day}日{time}，{base}/j/{token}',
  /** Before the visit, with the job's link (check-in starts there). */
  reminder: '提醒：{day}日{time}有{service}{base}/j/{token}',
  /** The caregiver's visit is off. */
  cancelled: '您{day}日{time}的{service}服务已取消，无需上门。',
  /** An open offer was taken by someone else: it is closed, so no link. */
  offerTaken: '{day}日{time}的{service}已由他人接单，本单已关闭。',
  /** To companies' dispatchers and the street's hub centre: a visit nearby found nobody. */
  unfilled: '{day}日{time}的{service}无人接单，请协调派人并在平台处理。',
  /** To the requesting centre: the assigned caregiver did not check in; dispatch is asking others. */
  noShow: '{day}日{time}的{service}护理员未按时签到，已重新派单。',
  /** To the centre and the elder's family: the caregiver came and nobody answered the door. */
  noAnswer: '{day}日{time}的{service}：护理员上门无人应答，请尽快联系老人并回复服务中心。',
  /** To family contacts who opted in: the caregiver has arrived. */
  checkedIn: '{day}日{time}的{service}：护理员已到达并签到。',
  /** To family contacts who opted in: the visit is done. */
  checkedOut: '{day}日{time}的{service}已完成，护理员已签退。',
  /** To the centre and the elder's family: the caregiver reports an emergency at the home. */
  emergency: '紧急：{day}日{time}的{service}上门时老人出现紧急情况，请立即联系服务中心。',
  /** The caregiver asked for their jobs: the list (and the way back to each job on a new phone). */
  myJobs: '您的服务单（24小时有效）：{base}/me/{token}',
} as const satisfies Record<SmsTemplateId, string>;

const PLACEHOLDER = /\{(service|day|time|token|base)\}/g;

/** The variables of a template in the order they appear: providers number them {1}, {2}, … */
export function smsTemplateParamNames(template: SmsTemplateId): SmsParamName[] {
  return [...SMS_TEMPLATES[template].matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name): name is SmsParamName => name !== 'base');
}

/** Day and time of a visit's start in city time, with its service: the variables every template has. */
export function smsVisitParams(service: Service | ServiceCode, earliestStart: string): { service: ServiceCode; day: SmsDay; time: SmsTime } {
  const cityTime = toCityTime(new Date(earliestStart)); // 2026-11-30T09:00:00+08:00, whatever offset came in
  return {
    service: typeof service === 'string' ? service : service.code,
    day: SmsDay.parse(Number(cityTime.slice(8, 10))),
    time: SmsTime.parse(cityTime.slice(11, 16)),
  };
}

/** A raw link token as an SMS variable; anything that is not one is refused. */
export const smsLinkToken = (token: string): SmsLinkToken => SmsLinkToken.parse(token);

/** Variable values as text, keyed by name; validates the content first (no unknown keys). */
function paramValues(content: SmsContent): Record<SmsParamName, string> {
  const { params } = SmsContent.parse(content);
  const token = 'token' in params ? params.token : '';
  if (!('service' in params)) return { service: '', day: '', time: '', token };
  const service = findService(params.service);
  if (!service) throw new Error(`unknown service ${params.service}`);
  return { service: service.nameZh, day: String(params.day), time: params.time, token };
}

/** The variables as a provider wants them: strings in template order ({1}, {2}, …). */
export function smsTemplateParams(content: SmsContent): string[] {
  const values = paramValues(content);
  return smsTemplateParamNames(content.template).map((name) => values[name]);
}

/**
 * The text a phone shows: signature, then the template with its variables.
 * The one renderer for every adapter that sends text (AWS, the local outbox),
 * so that what they send is what the carrier would render from the template.
 */
export function renderSms(content: SmsContent, publicBaseUrl: string): string {
  const values = paramValues(content);
  const body = SMS_TEMPLATES[content.template].replace(PLACEHOLDER, (_, name: SmsParamName | 'base') => (name === 'base' ? publicBaseUrl : values[name]));
  return `${SMS_SIGNATURE}${body}`;
}

/**
 * A template as it is registered with a provider for this deployment: the
 * base URL written in, variables numbered {1}, {2}, … in order.
 */
export function providerTemplateBody(template: SmsTemplateId, publicBaseUrl: string): string {
  let n = 0;
  return SMS_TEMPLATES[template].replace(PLACEHOLDER, (_, name: string) => (name === 'base' ? publicBaseUrl : `{${++n}}`));
}

/** Length as carriers count it: characters (code points), not UTF-16 units. */
export const smsChars = (text: string) => [...text].length;
