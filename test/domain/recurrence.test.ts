import { describe, expect, it } from 'vitest';
import { isoWeekday, occurrenceDates } from '../../domain/recurrence.js';

describe('weekly recurrence', () => {
  it('follows the weekdays between two dates', () => {
    expect(isoWeekday('2026-11-30')).toBe(1);
    expect(occurrenceDates({ weekdays: [2, 4], until: '2026-12-31', followHolidayCalendar: false }, '2026-11-30', '2026-12-10')).toEqual([
      '2026-12-01', '2026-12-03', '2026-12-08', '2026-12-10',
    ]);
  });

  it('stops at the series end', () => {
    expect(occurrenceDates({ weekdays: [1, 2, 3, 4, 5, 6, 7], until: '2026-12-02', followHolidayCalendar: false }, '2026-11-30', '2026-12-31')).toHaveLength(3);
  });

  it('skips official holidays and adds make-up working days when asked', () => {
    const workdays = { weekdays: [1, 2, 3, 4, 5], until: '2026-10-31', followHolidayCalendar: true };
    const autumn = occurrenceDates(workdays, '2026-09-18', '2026-10-12');
    expect(autumn).toContain('2026-09-20'); // Sunday, a make-up working day
    expect(autumn).toContain('2026-10-10'); // Saturday, a make-up working day
    expect(autumn).not.toContain('2026-10-01'); // National Day
    expect(autumn).not.toContain('2026-09-25'); // Mid-Autumn (a Friday)
    const plain = occurrenceDates({ ...workdays, followHolidayCalendar: false }, '2026-09-18', '2026-10-12');
    expect(plain).toContain('2026-10-01');
    expect(plain).not.toContain('2026-09-20');
    // A Tuesday-only pattern loses holidays but gains no make-up days.
    expect(occurrenceDates({ weekdays: [2], until: '2026-10-31', followHolidayCalendar: true }, '2026-09-28', '2026-10-14')).toEqual(['2026-09-29', '2026-10-13']);
  });
});
