import * as z from 'zod';
import { type HistoryEntry, HistoryEntrySchema, type Offer, OfferSchema, type Visit, VisitSchema, type VisitView } from '../../domain/visit.js';
import { keys, lists } from './keys.js';
import type { Platform } from './platform.js';
import { getItem, parseItem, queryAll } from './store.js';

/** An offer as stored: what the API shows, plus the link's hash and SMS bookkeeping. */
export const StoredOffer = OfferSchema.extend({
  visitId: z.string(),
  linkHash: z.string().optional(),
  smsSentAt: z.string().optional(),
  acceptedAt: z.string().optional(),
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
  return { ...visit, offers, history: record.history };
}
