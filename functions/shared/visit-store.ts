import * as z from 'zod';
import { type Evaluation, EvaluationSchema } from '../../domain/evaluation.js';
import { type DeskVisit, EscalationStep, type HistoryEntry, HistoryEntrySchema, type ListVisitsQuery, type Offer, OfferSchema, type Visit, VisitSchema, type VisitView } from '../../domain/visit.js';
import { GSI1_KEYS, type PageQuery, queryPage } from './pagination.js';
import { type DeskOwner, keys, lists } from './keys.js';
import type { Platform } from './platform.js';
import { makeEvent } from '../../events/catalog.js';
import { toCityTime } from '../../domain/time.js';
import { batchGet, getItem, outboxPut, parseItem, queryAll, type TransactItem } from './store.js';

/** An offer as stored: what the API shows, plus the link's hash and SMS bookkeeping. */
export const StoredOffer = OfferSchema.extend({
  visitId: z.string(),
  linkHash: z.string().optional(),
  smsSentAt: z.string().optional(),
  /** When the reminder before the visit went out, and the hash of its link (a second valid link to the job). */
  reminderSentAt: z.string().optional(),
  reminderLinkHash: z.string().optional(),
  /** The job's link minted from the caregiver's "my jobs" list (a third valid link; a newer one replaces it). */
  myJobsLinkHash: z.string().optional(),
  acceptedAt: z.string().optional(),
  /** Hash of the device secret (a cookie) of the phone the job is bound to: only it sees the elder's address and acts on the job. */
  deviceHash: z.string().optional(),
});
export type StoredOffer = z.infer<typeof StoredOffer>;

export const visitItems = {
  visit: (visit: Visit) => ({
    ...keys.visit(visit.id),
    ...lists.visitsOfCenter(visit.centerId, new Date(visit.earliestStart).toISOString(), visit.id),
    entity: 'Visit',
    ...visit,
  }),
  offer: (offer: StoredOffer) => ({ ...keys.offer(offer.visitId, offer.caregiverId), entity: 'Offer', ...offer }),
  /** Sorted by the exact time (`entry.at` shows whole seconds), then id. */
  history: (visitId: string, entry: HistoryEntry, id: string, at: Date) => ({
    ...keys.history(visitId, at.toISOString(), id),
    entity: 'VisitHistory',
    ...entry,
  }),
};

export interface VisitRecord {
  visit: Visit;
  offers: StoredOffer[];
  history: HistoryEntry[];
  evaluations: Evaluation[];
}

/** The whole visit (item, offers, history) in one strongly consistent Query. */
export async function readVisit(p: Platform, id: string): Promise<VisitRecord | undefined> {
  const items = await queryAll(p, {
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': keys.visit(id).PK },
    ConsistentRead: true,
  });
  const visitItem = items.find((item) => item.SK === 'VISIT');
  if (!visitItem) return undefined;
  return {
    visit: parseItem(VisitSchema, visitItem),
    offers: items.filter((i) => String(i.SK).startsWith('OFFER#')).map((i) => parseItem(StoredOffer, i)),
    // Sort keys order history by time already.
    history: items.filter((i) => String(i.SK).startsWith('HISTORY#')).map((i) => parseItem(HistoryEntrySchema, i)),
    evaluations: items.filter((i) => String(i.SK).startsWith('EVALUATION#')).map((i) => parseItem(EvaluationSchema, i)),
  };
}

export const getVisit = (p: Platform, id: string) => getItem(p, VisitSchema, keys.visit(id), true);
export const getOffer = (p: Platform, visitId: string, caregiverId: string) =>
  getItem(p, StoredOffer, keys.offer(visitId, caregiverId), true);

/** The visit as the API shows it; the ranking's breakdown only to those who oversee dispatch. */
export function toView(record: VisitRecord, options: { withScores?: boolean } = {}): VisitView {
  const offers: Offer[] = record.offers
    .map(({ score, ...offer }) => OfferSchema.parse(options.withScores && score ? { ...offer, score } : offer))
    .sort((a, b) => a.wave - b.wave || (a.rank ?? 0) - (b.rank ?? 0) || a.caregiverId.localeCompare(b.caregiverId));
  const { expiredWave: _bookkeeping, ...visit } = record.visit;
  return { ...visit, offers, history: record.history, evaluations: record.evaluations };
}

/**
 * A centre's visits in start order, one page, from the centre's partition of
 * GSI1 (its sort key starts with the start time in UTC). A status filter is
 * applied after the page is read, so a page may hold fewer than `limit`.
 */
export async function listVisitsOfCenter(p: Platform, centerId: string, query: z.infer<typeof ListVisitsQuery>, page: z.infer<typeof PageQuery>) {
  const from = query.from ? new Date(`${query.from}T00:00:00+08:00`).toISOString() : '0';
  // '~' sorts after every visit id, so the whole last day is in.
  const to = query.to ? `${new Date(`${query.to}T23:59:59.999+08:00`).toISOString()}~` : '~';
  const result = await queryPage(
    p,
    {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ...(query.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ExpressionAttributeValues: { ':pk': lists.visitsOfCenter(centerId, '', '').GSI1PK, ':from': from, ':to': to, ...(query.status ? { ':status': query.status } : {}) },
    },
    page,
    GSI1_KEYS,
  );
  return {
    items: result.items.map((item) => {
      const { expiredWave: _bookkeeping, ...visit } = parseItem(VisitSchema, item);
      return visit;
    }),
    nextCursor: result.nextCursor,
  };
}

/**
 * The visits on a hub centre's or company's desk that still need someone
 * (OFFERED or UNFILLED), in start order; one page of desk entries, so a page
 * may hold fewer than `limit` once assigned or cancelled visits drop out.
 */
export async function listDesk(p: Platform, owner: DeskOwner, page: z.infer<typeof PageQuery>) {
  const pk = keys.desk(owner, '', '').PK;
  const entries = await queryPage(p, { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } }, page, ['PK', 'SK']);
  const steps = new Map(entries.items.map((e) => [String(e.visitId), EscalationStep.parse(e.step)]));
  const visits = (await batchGet(p, [...steps.keys()].map(keys.visit))).map((item) => parseItem(VisitSchema, item));
  const items: Array<z.infer<typeof DeskVisit>> = visits
    .filter((v) => v.status === 'OFFERED' || v.status === 'UNFILLED')
    .sort((a, b) => Date.parse(a.earliestStart) - Date.parse(b.earliestStart) || a.id.localeCompare(b.id))
    .map(({ expiredWave: _bookkeeping, ...visit }) => ({ ...visit, askedAs: steps.get(visit.id)! }));
  return { items, nextCursor: entries.nextCursor };
}

/** A history entry, as a transaction item. */
export const historyPut = (p: Platform, visitId: string, entry: HistoryEntry, id: string, at: Date): TransactItem => ({
  Put: { TableName: p.config.tableName, Item: visitItems.history(visitId, entry, id, at) },
});

/**
 * A new visit with its first history entry and its VisitRequested event: the
 * three items every way of requesting a visit writes together.
 */
export function requestedVisitItems(p: Platform, visit: Visit, actor: string, now: Date, note?: string): TransactItem[] {
  const event = makeEvent(
    'VisitRequested',
    { visitId: visit.id, centerId: visit.centerId, elderId: visit.elderId, serviceCode: visit.serviceCode, earliestStart: visit.earliestStart, latestStart: visit.latestStart, urgency: visit.urgency },
    { id: p.newId(), occurredAt: toCityTime(now) },
  );
  return [
    { Put: { TableName: p.config.tableName, Item: visitItems.visit(visit), ConditionExpression: 'attribute_not_exists(PK)' } },
    historyPut(p, visit.id, { at: toCityTime(now), event: 'VisitRequested', status: 'REQUESTED', actor, ...(note ? { note } : {}) }, event.id, now),
    outboxPut(p, event),
  ];
}

/** The caregiver now serves this elder: counted for continuity in ranking. */
export const servedUpdate = (p: Platform, elderId: string, caregiverId: string, visitId: string): TransactItem => ({
  Update: {
    TableName: p.config.tableName,
    Key: keys.served(elderId, caregiverId),
    UpdateExpression: 'ADD visits :one SET lastVisitId = :visit, entity = :entity',
    ExpressionAttributeValues: { ':one': 1, ':visit': visitId, ':entity': 'Served' },
  },
});
