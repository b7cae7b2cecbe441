/**
 * The city's zone is Asia/Shanghai: UTC+8 all year (China has no daylight
 * saving), so a fixed offset is exact and needs no time-zone database.
 */
const CITY_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `2026-11-30T10:00:00+08:00`: what the API shows. */
export function toCityTime(at: Date): string {
  const shifted = new Date(at.getTime() + CITY_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

/** The calendar date in the city, `2026-11-30`. */
export function cityDate(at: Date): string {
  return new Date(at.getTime() + CITY_OFFSET_MS).toISOString().slice(0, 10);
}

export const addSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);
export const addMinutes = (at: Date, minutes: number) => addSeconds(at, minutes * 60);
