import ngeohash from 'ngeohash';
import { CITY_CODE } from '../../domain/principal.js';

/**
 * Every item's keys, in one place. One table (docs/decisions/0002):
 * entities live under `<TYPE>#<id>`; a visit's offers and history share its
 * partition so one Query reads the whole visit.
 */
export const keys = {
  center: (id: string) => ({ PK: `CENTER#${id}`, SK: 'CENTER' }),
  elder: (id: string) => ({ PK: `ELDER#${id}`, SK: 'ELDER' }),
  enterprise: (id: string) => ({ PK: `ENTERPRISE#${id}`, SK: 'ENTERPRISE' }),
  caregiver: (id: string) => ({ PK: `CAREGIVER#${id}`, SK: 'CAREGIVER' }),
  visit: (id: string) => ({ PK: `VISIT#${id}`, SK: 'VISIT' }),
  offer: (visitId: string, caregiverId: string) => ({ PK: `VISIT#${visitId}`, SK: `OFFER#${caregiverId}` }),
  history: (visitId: string, at: string, id: string) => ({ PK: `VISIT#${visitId}`, SK: `HISTORY#${at}#${id}` }),
  link: (tokenHash: string) => ({ PK: `LINK#${tokenHash}`, SK: 'LINK' }),
  outbox: (eventId: string) => ({ PK: `OUTBOX#${eventId}`, SK: 'OUTBOX' }),
  seed: (name: string) => ({ PK: `SEED#${name}`, SK: 'SEED' }),
};

/** GSI1: lists by owner. */
export const lists = {
  centersOfCity: (centerId: string) => ({ GSI1PK: `CITY#${CITY_CODE}#CENTERS`, GSI1SK: `CENTER#${centerId}` }),
  eldersOfCenter: (centerId: string, elderId: string) => ({ GSI1PK: `CENTER#${centerId}#ELDERS`, GSI1SK: `ELDER#${elderId}` }),
  visitsOfCenter: (centerId: string, startUtc: string, visitId: string) => ({
    GSI1PK: `CENTER#${centerId}#VISITS`,
    GSI1SK: `${startUtc}#${visitId}`,
  }),
};

/**
 * GEO index: caregivers by geohash cell of precision 5 (about 3.8 × 4.9 km at
 * Wuhai's latitude). The 3 × 3 block around the elder's cell covers the whole
 * 15-minute circle (≈ 2.3 km), so a dispatch reads nine small partitions.
 */
export const GEO_PRECISION = 5;
export const geoCell = (lat: number, lon: number) => ngeohash.encode(lat, lon, GEO_PRECISION);
export const geo = {
  caregiver: (lat: number, lon: number, caregiverId: string) => ({ GEOPK: `GEO#${geoCell(lat, lon)}`, GEOSK: `CAREGIVER#${caregiverId}` }),
  cellsAround: (lat: number, lon: number) => {
    const cell = geoCell(lat, lon);
    return [cell, ...ngeohash.neighbors(cell)].map((c) => `GEO#${c}`);
  },
};

/** Key and bookkeeping attributes, stripped before an item becomes a domain object. */
const storageAttributes = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GEOPK', 'GEOSK', 'entity', 'ttl']);
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !storageAttributes.has(k)));
}
