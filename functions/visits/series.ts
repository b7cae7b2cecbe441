import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ServiceCode } from '../../domain/catalog.js';
import { RecurrenceSchema, occurrenceDates } from '../../domain/recurrence.js';
import { Id } from '../../domain/registry.js';
import { addMinutes, cityDate, toCityTime } from '../../domain/time.js';
import { Urgency, type Visit } from '../../domain/visit.js';
import { makeEvent } from '../../events/catalog.js';
import { isConditionFailed } from '../shared/errors.js';
import type { Platform } from '../shared/platform.js';
import { type TransactItem, writeTogether } from '../shared/store.js';
import { requestedVisitItems } from '../shared/visit-store.js';

/** A weekly series: the template its visits are made from, and how far they have been made. */
export const SeriesSchema = z.object({
  id: Id,
  centerId: Id,
  elderId: Id,
  serviceCode: ServiceCode,
  /** City time of day of the window, `HH:MM`. */
  from: z.string(),
  to: z.string(),
  durationMin: z.number().int(),
  urgency: Urgency,
  notes: z.string().optional(),
  recurrence: RecurrenceSchema,
  /** The last date up to which instances exist. */
  createdThrough: z.iso.date(),
  /** Whoever took the series' first visit is asked first for the rest. */
  preferredCaregiverId: Id.optional(),
});
export type Series = z.infer<typeof SeriesSchema>;

export const seriesKey = (id: string) => ({ PK: `SERIES#${id}`, SK: 'SERIES' });
export const seriesDueName = (id: string) => `series-${id}`;

const MAX_HORIZON_DAYS = 30;
const horizonOf = (p: Platform) => Math.min(MAX_HORIZON_DAYS, p.config.recurrenceHorizonDays);
const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The series' visit on one date: same service, window and elder as the request. */
function instance(series: Series, date: string, id: string, now: Date): Visit {
  return {
    id,
    centerId: series.centerId,
    elderId: series.elderId,
    serviceCode: series.serviceCode,
    earliestStart: `${date}T${series.from}:00+08:00`,
    latestStart: `${date}T${series.to}:00+08:00`,
    durationMin: series.durationMin,
    urgency: series.urgency,
    ...(series.notes ? { notes: series.notes } : {}),
    status: 'REQUESTED',
    wave: 0,
    createdAt: toCityTime(now),
    assignment: null,
    seriesId: series.id,
  };
}

/** Visits of the series on the given dates, each with its history and VisitRequested event, as transaction items. */
function instanceItems(p: Platform, series: Series, dates: readonly string[], now: Date, actor: string) {
  const visits = dates.map((date) => instance(series, date, p.newId(), now)).filter((v) => new Date(v.latestStart) > now);
  const items: TransactItem[] = visits.flatMap((visit) => requestedVisitItems(p, visit, actor, now, `series ${series.id}`));
  return { visits, items };
}

/** When the next batch is due: a horizon before the last date made, so visits always exist that far ahead. */
async function scheduleNext(p: Platform, series: Series) {
  if (series.createdThrough >= series.recurrence.until) return;
  const at = new Date(Math.max(Date.parse(`${dayAfter(series.createdThrough)}T00:00:00+08:00`) - horizonOf(p) * 86_400_000, p.clock.now().getTime() + 60_000));
  await p.scheduler.schedule({ name: `${seriesDueName(series.id)}-${series.createdThrough}`, at, event: makeEvent('SeriesDue', { seriesId: series.id }, { id: p.newId(), occurredAt: toCityTime(p.clock.now()) }) });
}

/**
 * Starts a series from the first request (already checked by planVisit):
 * the series and its visits up to the horizon are written together.
 */
export async function createSeries(p: Platform, first: Visit, recurrence: z.infer<typeof RecurrenceSchema>) {
  const now = p.clock.now();
  const firstDate = cityDate(new Date(first.earliestStart));
  const through = cityDate(addMinutes(now, horizonOf(p) * 24 * 60));
  const createdThrough = recurrence.until < through ? recurrence.until : through;
  const series: Series = {
    id: p.newId(),
    centerId: first.centerId,
    elderId: first.elderId,
    serviceCode: first.serviceCode,
    from: first.earliestStart.slice(11, 16),
    to: first.latestStart.slice(11, 16),
    durationMin: first.durationMin,
    urgency: first.urgency,
    ...(first.notes ? { notes: first.notes } : {}),
    recurrence,
    createdThrough: createdThrough < firstDate ? dayBefore(firstDate) : createdThrough,
  };
  const { visits, items } = instanceItems(p, series, occurrenceDates(recurrence, firstDate, series.createdThrough), now, `center:${first.centerId}`);
  await p.db.send(
    new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: p.config.tableName, Item: { ...seriesKey(series.id), entity: 'Series', ...series }, ConditionExpression: 'attribute_not_exists(PK)' } }, ...items],
    }),
  );
  await scheduleNext(p, series);
  return { series, visits };
}

export async function getSeries(p: Platform, id: string): Promise<Series | undefined> {
  const { Item } = await p.db.send(new GetCommand({ TableName: p.config.tableName, Key: seriesKey(id), ConsistentRead: true }));
  return Item ? SeriesSchema.parse(Item) : undefined;
}

/** The horizon moved: make the series' next visits, once (the series' mark is the condition). */
export async function extendSeries(p: Platform, seriesId: string): Promise<void> {
  const series = await getSeries(p, seriesId);
  if (!series) return;
  const now = p.clock.now();
  const through = cityDate(addMinutes(now, horizonOf(p) * 24 * 60));
  const target = series.recurrence.until < through ? series.recurrence.until : through;
  if (target <= series.createdThrough) return scheduleNext(p, series);
  const { items } = instanceItems(p, series, occurrenceDates(series.recurrence, dayAfter(series.createdThrough), target), now, 'system:series');
  const written = await writeTogether(p, [
    {
      Update: {
        TableName: p.config.tableName,
        Key: seriesKey(seriesId),
        UpdateExpression: 'SET createdThrough = :target',
        ConditionExpression: 'createdThrough = :was',
        ExpressionAttributeValues: { ':target': target, ':was': series.createdThrough },
      },
    },
    ...items,
  ]);
  if (!written) return; // another delivery made them
  await scheduleNext(p, { ...series, createdThrough: target });
}

/** The first caregiver to take one of the series' visits becomes its preferred one. */
export async function rememberSeriesCaregiver(p: Platform, seriesId: string, caregiverId: string): Promise<void> {
  try {
    await p.db.send(
      new UpdateCommand({
        TableName: p.config.tableName,
        Key: seriesKey(seriesId),
        UpdateExpression: 'SET preferredCaregiverId = :cg',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(preferredCaregiverId)',
        ExpressionAttributeValues: { ':cg': caregiverId },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
