import { describe, expect, it } from 'vitest';
import { services } from '../../domain/catalog.js';
import { maskName, maskPhone } from '../../domain/registry.js';
import { SMS_PART_CHARS, assignedSmsText, cancelledSmsText, offerSmsText, unfilledSmsText } from '../../domain/sms.js';
import { cityDate, toCityTime } from '../../domain/time.js';

describe('offer SMS', () => {
  // A base URL of up to 25 characters leaves room for the longest service name.
  it('fits one SMS part for every service with a short public base URL', () => {
    const link = `https://ykz.wuhai.gov.cn/j/${'A'.repeat(22)}`;
    for (const service of services) {
      const text = offerSmsText({ service, earliestStart: '2026-11-30T09:00:00+08:00', link });
      expect([...text].length).toBeLessThanOrEqual(SMS_PART_CHARS);
      expect([...assignedSmsText({ service, earliestStart: '2026-11-30T09:00:00+08:00', link })].length).toBeLessThanOrEqual(SMS_PART_CHARS);
      expect([...cancelledSmsText({ service, earliestStart: '2026-11-30T09:00:00+08:00' })].length).toBeLessThanOrEqual(SMS_PART_CHARS);
      expect([...unfilledSmsText({ service, earliestStart: '2026-11-30T09:00:00+08:00' })].length).toBeLessThanOrEqual(SMS_PART_CHARS);
      expect(text.startsWith('【一刻钟】')).toBe(true);
      expect(text).toContain('30日09:00');
    }
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
