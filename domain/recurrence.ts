import * as z from 'zod';

/**
 * A weekly pattern on a visit request: "meals Monday to Friday at 11:30".
 * Instances share the first request's time of day and are created a horizon
 * ahead; with `followHolidayCalendar`, official holidays are skipped and, for
 * a Monday-to-Friday pattern, make-up working days (调休) are added.
 */
export const RecurrenceSchema = z.strictObject({
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  /** Last day of the series (city date); at most a year after the first visit. */
  until: z.iso.date(),
  followHolidayCalendar: z.boolean().default(false),
});
export type Recurrence = z.infer<typeof RecurrenceSchema>;

export interface HolidayCalendar {
  /** Days off by the State Council's notice (放假). */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days instead (调休上班). */
  makeUpWorkdays: ReadonlySet<string>;
  /** The calendar is known through this date; later days follow the plain weekly pattern. */
  knownThrough: string;
}

const range = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
};

/**
 * China's 2026 public holidays and make-up working days, from the State
 * Council General Office's notice on the 2026 holiday arrangements. Update
 * this table each year when the next notice is published (usually in
 * November); until then later dates follow the plain weekly pattern.
 */
export const CN_HOLIDAYS_2026: HolidayCalendar = {
  holidays: new Set([
    ...range('2026-01-01', '2026-01-03'), // 元旦
    ...range('2026-02-15', '2026-02-23'), // 春节
    ...range('2026-04-04', '2026-04-06'), // 清明节
    ...range('2026-05-01', '2026-05-05'), // 劳动节
    ...range('2026-06-19', '2026-06-21'), // 端午节
    ...range('2026-09-25', '2026-09-27'), // 中秋节
    ...range('2026-10-01', '2026-10-07'), // 国庆节
  ]),
  makeUpWorkdays: new Set(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']),
  knownThrough: '2026-12-31',
};

/** ISO weekday, 1 Monday … 7 Sunday, of a city date. */
export const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** The series' dates from `from` to `to` (both city dates, inclusive). */
export function occurrenceDates(recurrence: Recurrence, from: string, to: string, calendar: HolidayCalendar = CN_HOLIDAYS_2026): string[] {
  const last = recurrence.until < to ? recurrence.until : to;
  if (from > last) return [];
  const weekdays = new Set(recurrence.weekdays);
  const workingWeek = [1, 2, 3, 4, 5].every((d) => weekdays.has(d));
  return range(from, last).filter((date) => {
    const inPattern = weekdays.has(isoWeekday(date));
    if (!recurrence.followHolidayCalendar || date > calendar.knownThrough) return inPattern;
    if (calendar.holidays.has(date)) return false;
    return inPattern || (workingWeek && calendar.makeUpWorkdays.has(date));
  });
}
