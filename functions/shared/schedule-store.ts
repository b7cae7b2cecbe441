import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { DaySchedule } from '../../domain/dispatch.js';
import { LocationSchema } from '../../domain/geo.js';
import { conflict } from '../../domain/errors.js';
import { travelMinutes } from '../../domain/geo.js';
import type { Visit } from '../../domain/visit.js';
import { cityDate } from '../../domain/time.js';
import { isConditionFailed } from './errors.js';
import { keys } from './keys.js';
import type { Platform } from './platform.js';
import { batchGet, parseItem, type TransactItem } from './store.js';

const DayItem = z.object({
  date: z.string(),
  visits: z.array(z.object({ visitId: z.string(), start: z.string(), end: z.string(), location: LocationSchema })),
  version: z.number().int(),
});
type DayItem = z.infer<typeof DayItem>;

/** A visit occupies its caregiver from the window's first possible start to its last possible end. */
export const busyInterval = (visit: Pick<Visit, 'earliestStart' | 'latestStart' | 'durationMin'>) => ({
  start: new Date(visit.earliestStart).toISOString(),
  end: new Date(Date.parse(visit.latestStart) + visit.durationMin * 60_000).toISOString(),
});

/** The city dates a visit window touches. */
export const visitDates = (visit: Pick<Visit, 'earliestStart' | 'latestStart'>) =>
  [...new Set([cityDate(new Date(visit.earliestStart)), cityDate(new Date(visit.latestStart))])];

/** Accepted visits of many caregivers on the given dates: one BatchGet, not one read per caregiver. */
export async function readSchedules(p: Platform, caregiverIds: readonly string[], dates: readonly string[]): Promise<Map<string, DaySchedule>> {
  const items = await batchGet(p, caregiverIds.flatMap((id) => dates.map((date) => keys.caregiverDay(id, date))));
  const schedules = new Map<string, DaySchedule>();
  for (const item of items) {
    const caregiverId = String(item.PK).slice('CAREGIVER#'.length);
    const day = parseItem(DayItem, item);
    const known = schedules.get(caregiverId);
    schedules.set(caregiverId, { date: day.date, visits: [...(known?.visits ?? []), ...day.visits] });
  }
  return schedules;
}

async function readDay(p: Platform, caregiverId: string, date: string): Promise<DayItem> {
  const { Item } = await p.db.send(new GetCommand({ TableName: p.config.tableName, Key: keys.caregiverDay(caregiverId, date), ConsistentRead: true }));
  return Item ? parseItem(DayItem, Item) : { date, visits: [], version: 0 };
}

/**
 * The transaction item that books the visit into the caregiver's day, after
 * checking the daily cap and overlaps (travel included) against the day as
 * read; the version condition makes two accepts on one day take turns.
 */
export async function bookingItem(
  p: Platform,
  input: { caregiverId: string; maxVisitsPerDay: number; visit: Pick<Visit, 'id' | 'earliestStart' | 'latestStart' | 'durationMin'>; location: z.infer<typeof LocationSchema> },
): Promise<TransactItem> {
  const date = cityDate(new Date(input.visit.earliestStart));
  const day = await readDay(p, input.caregiverId, date);
  if (day.visits.length >= input.maxVisitsPerDay) throw conflict('DAILY_LIMIT_REACHED', 'you have reached your visit limit for that day');
  const mine = busyInterval(input.visit);
  const clash = day.visits.find((v) => {
    const travel = travelMinutes(v.location, input.location) * 60_000;
    return !(Date.parse(mine.end) + travel <= Date.parse(v.start) || Date.parse(v.end) + travel <= Date.parse(mine.start));
  });
  if (clash) throw conflict('SCHEDULE_CONFLICT', 'this visit overlaps another visit you have accepted');
  return {
    Put: {
      TableName: p.config.tableName,
      Item: { ...keys.caregiverDay(input.caregiverId, date), entity: 'CaregiverDay', date, visits: [...day.visits, { visitId: input.visit.id, ...mine, location: input.location }], version: day.version + 1 },
      ConditionExpression: day.version === 0 ? 'attribute_not_exists(PK)' : 'version = :version',
      ...(day.version === 0 ? {} : { ExpressionAttributeValues: { ':version': day.version } }),
    },
  };
}

/** Frees the caregiver's time when a visit is cancelled (optimistic, retried on a concurrent change). */
export async function unbook(p: Platform, caregiverId: string, visit: Pick<Visit, 'id' | 'earliestStart'>): Promise<void> {
  const date = cityDate(new Date(visit.earliestStart));
  for (let attempt = 0; attempt < 5; attempt++) {
    const day = await readDay(p, caregiverId, date);
    if (!day.visits.some((v) => v.visitId === visit.id)) return;
    try {
      await p.db.send(
        new PutCommand({
          TableName: p.config.tableName,
          Item: { ...keys.caregiverDay(caregiverId, date), entity: 'CaregiverDay', date, visits: day.visits.filter((v) => v.visitId !== visit.id), version: day.version + 1 },
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': day.version },
        }),
      );
      return;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
  throw new Error(`could not free caregiver ${caregiverId} on ${date}`);
}
