import { describe, expect, it } from 'vitest';
import { type Service, services } from '../../domain/catalog.js';
import { maskName, maskPhone } from '../../domain/registry.js';
import {
  SMS_MAX_BASE_URL_CHARS,
  SMS_PART_CHARS,
  SMS_SIGNATURE,
  SMS_TEMPLATES,
  type SmsContent,
  type SmsTemplateId,
  providerTemplateBody,
  renderSms,
  smsChars,
  smsLinkToken,
  smsTemplateParamNames,
  smsTemplateParams,
  smsVisitParams,
} from '../../domain/sms.js';
import { MY_JOBS_LINK_HOURS } from '../../domain/my-jobs.js';
import { cityDate, toCityTime } from '../../domain/time.js';

/** A realistic production base URL at the longest length the templates allow. */
const BASE = 'https://ykz.wuhai.gov.cn';
const TOKEN = smsLinkToken('AbCdEfGhIjKlMnOpQrSt_-');
const LINK_TEMPLATES = new Set<SmsTemplateId>(['offer', 'assigned', 'changed', 'reminder']);
/** About no one visit: the token is their only variable. */
const TOKEN_TEMPLATES = new Set<SmsTemplateId>(['myJobs']);
const templates = Object.keys(SMS_TEMPLATES) as SmsTemplateId[];
/** The pattern the flow tests and the benchmark use to find a link's token in an SMS. */
const tokenOfText = (text: string) => /\/j\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
const personalCare = services.find((s) => s.code === 'personalCare')!;

/** A message of any template, for a service at the latest two-digit day and time there is. */
function content(template: SmsTemplateId, service: Service, start = '2026-12-31T23:59:00+08:00'): SmsContent {
  const when = smsVisitParams(service, start);
  if (TOKEN_TEMPLATES.has(template)) return { template, params: { token: TOKEN } } as SmsContent;
  return (LINK_TEMPLATES.has(template) ? { template, params: { ...when, token: TOKEN } } : { template, params: when }) as SmsContent;
}

describe('SMS templates', () => {
  it('names the longest catalogue service the budget is made for', () => {
    expect(Math.max(...services.map((s) => smsChars(s.nameZh)))).toBe(4);
    expect(BASE.length).toBe(SMS_MAX_BASE_URL_CHARS);
  });

  it.each(templates)('%s: fits one SMS part for every service, with the signature first', (template) => {
    for (const service of services) {
      const text = renderSms(content(template, service), BASE);
      expect(smsChars(text), text).toBeLessThanOrEqual(SMS_PART_CHARS);
      expect(text.startsWith(SMS_SIGNATURE)).toBe(true);
      if (TOKEN_TEMPLATES.has(template)) continue;
      expect(text).toContain(service.nameZh);
      expect(text).toContain('31日23:59');
    }
  });

  it('the longest texts measured: offer and reminder use the whole part, the rest leave room', () => {
    const longest = Object.fromEntries(templates.map((t) => [t, Math.max(...services.map((s) => smsChars(renderSms(content(t, s), BASE))))]));
    expect(longest).toEqual({ offer: 70, assigned: 69, changed: 69, reminder: 70, cancelled: 30, offerTaken: 31, unfilled: 35, noShow: 33, noAnswer: 44, emergency: 43, checkedIn: 29, checkedOut: 29, myJobs: 69 });
  });

  it('one character more of base URL breaks a part: the limit is exact', () => {
    const longer = `${BASE}x`;
    const over = templates.filter((t) => services.some((s) => smsChars(renderSms(content(t, s), longer)) > SMS_PART_CHARS));
    expect(over).toEqual(['offer', 'reminder']);
  });

  it.each([...LINK_TEMPLATES])('%s: carries the link {base}/j/{token} at the end', (template) => {
    const text = renderSms(content(template, services[0]!), BASE);
    expect(text.endsWith(`${BASE}/j/${TOKEN}`)).toBe(true);
    expect(tokenOfText(text)).toBe(TOKEN);
  });

  it.each(templates.filter((t) => !LINK_TEMPLATES.has(t) && !TOKEN_TEMPLATES.has(t)))('%s: has no link', (template) => {
    expect(renderSms(content(template, services[0]!), BASE)).not.toContain('/j/');
    expect(renderSms(content(template, services[0]!), BASE)).not.toContain('/me/');
  });

  it('myJobs: carries only the token, as the link {base}/me/{token} at the end, and says how long it works', () => {
    const text = renderSms({ template: 'myJobs', params: { token: TOKEN } }, BASE);
    expect(text).toBe(`【一刻钟】您的服务单（${MY_JOBS_LINK_HOURS}小时有效）：${BASE}/me/${TOKEN}`);
    expect(smsChars(text)).toBeLessThanOrEqual(SMS_PART_CHARS);
    expect(smsTemplateParamNames('myJobs')).toEqual(['token']);
    expect(providerTemplateBody('myJobs', BASE)).toBe(`您的服务单（${MY_JOBS_LINK_HOURS}小时有效）：${BASE}/me/{1}`);
    expect(tokenOfText(text)).toBeUndefined(); // no job link: the flow tests' pattern does not take it for one
    // @ts-expect-error no visit, so no service, day or time
    expect(() => renderSms({ template: 'myJobs', params: { token: TOKEN, service: 'bathing' } }, BASE)).toThrow();
    // @ts-expect-error and the token is no phone number
    expect(() => renderSms({ template: 'myJobs', params: { token: '13812345678' } }, BASE)).toThrow();
  });

  it('keeps the texts the flow tests and people look for', () => {
    const bathing = services.find((s) => s.code === 'bathing')!;
    expect(renderSms(content('assigned', bathing, '2026-11-30T09:00:00+08:00'), BASE)).toMatch(/^【一刻钟】派助浴于30日09:00，/);
    expect(renderSms(content('cancelled', bathing), BASE)).toContain('已取消');
    expect(renderSms(content('unfilled', bathing), BASE)).toContain('无人接单');
    expect(renderSms(content('offerTaken', bathing), BASE)).toContain('已由他人接单');
    expect(renderSms(content('noShow', bathing), BASE)).toContain('未按时签到');
    expect(renderSms(content('changed', bathing), BASE)).toContain('改至31日23:59');
    expect(renderSms(content('reminder', bathing), BASE)).toMatch(/^【一刻钟】提醒：/);
  });

  it.each(templates)('%s: registers with the provider as a body with numbered, separated variables and no 【】', (template) => {
    const body = providerTemplateBody(template, BASE);
    expect(body).not.toMatch(/[【】]/);
    expect(body).not.toMatch(/\}\{/); // providers refuse adjacent variables
    const numbers = [...body.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers).toHaveLength(smsTemplateParamNames(template).length);
    if (LINK_TEMPLATES.has(template)) expect(body).toContain(`${BASE}/j/{${numbers.length}}`);
    // What the carrier renders from the registered body is exactly what renderSms makes.
    const params = smsTemplateParams(content(template, personalCare));
    const carrierText = SMS_SIGNATURE + body.replace(/\{(\d+)\}/g, (_, n: string) => params[Number(n) - 1]!);
    expect(carrierText).toBe(renderSms(content(template, personalCare), BASE));
  });

  it('has only service, day, time and token as variables', () => {
    const names = new Set(templates.flatMap(smsTemplateParamNames));
    expect([...names].sort()).toEqual(['day', 'service', 'time', 'token']);
  });

  it('shows the visit start in city time, whatever offset it came with', () => {
    expect(smsVisitParams('meals', '2026-11-30T01:05:00Z')).toEqual({ service: 'meals', day: 30, time: '09:05' });
    expect(smsVisitParams('meals', '2026-11-30T23:30:00+08:00')).toEqual({ service: 'meals', day: 30, time: '23:30' });
  });

  it('refuses personal data and anything that is not a template variable', () => {
    const when = smsVisitParams('bathing', '2026-11-30T09:00:00+08:00');
    // The types refuse it first …
    // @ts-expect-error an elder's name is no variable
    expect(() => renderSms({ template: 'cancelled', params: { ...when, name: '张建华' } }, BASE)).toThrow();
    // @ts-expect-error nor is an address, in any template
    expect(() => renderSms({ template: 'offer', params: { ...when, token: TOKEN, address: '海勃湾区新华街道' } }, BASE)).toThrow();
    // @ts-expect-error a phone number is not a token
    expect(() => renderSms({ template: 'offer', params: { ...when, token: '13812345678' } }, BASE)).toThrow();
    // @ts-expect-error the service is a catalogue code, not free text
    expect(() => renderSms({ template: 'cancelled', params: { ...when, service: '张建华' } }, BASE)).toThrow();
    // … and at run time, casts do not get past the schema.
    expect(() => smsLinkToken('13812345678')).toThrow();
    expect(() => smsLinkToken('张建华张建华张建华张建华张建华张建华张建华张')).toThrow();
    expect(() => renderSms({ template: 'cancelled', params: { ...when, time: '张建华' } } as unknown as SmsContent, BASE)).toThrow();
    expect(() => renderSms({ template: 'nonsense', params: when } as unknown as SmsContent, BASE)).toThrow();
  });
});

describe('masking and city time', () => {
  it('masks names and phones', () => {
    expect(maskName('张建华')).toBe('张*华');
    expect(maskName('王五')).toBe('王*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('shows times in Asia/Shanghai', () => {
    expect(toCityTime(new Date('2026-11-29T17:30:00Z'))).toBe('2026-11-30T01:30:00+08:00');
    expect(cityDate(new Date('2026-11-29T17:30:00Z'))).toBe('2026-11-30');
  });
});
