import ngeohash from 'ngeohash';
import { CITY_CODE } from '../../domain/principal.js';

/**
 * Every item's keys, in one place. One table (docs/decisions/0002):
 * entities live under `<TYPE>#<id>`; a visit's offers and history share its
 * partition so one Query reads the whole visit.
 *
 * Access patterns on request paths (all GetItem/Query, never Scan):
 *   street, community, centre, elder, company, caregiver, visit by id  GetItem keys.X(id)
 *   streets / communities / centres of the city          Query GSI1 lists.{streets,communities,centers}OfCity
 *   elders of a centre, visits of a centre               Query GSI1 lists.{elders,visits}OfCenter
 *   companies of the city, by status                     Query GSI1 lists.enterprisesOfCity (begins_with status)
 *   caregivers of a company                              Query GSI1 lists.caregiversOfEnterprise
 *   a company's audit history                            Query PK = ENTERPRISE#id, SK begins_with AUDIT#
 *   whose is a public code / credit code / resident ID   GetItem keys.{publicCode,creditCode,residentId}
 *   which caregiver has this mobile (keyed hash)         GetItem keys.caregiverPhone(hmac(phone))
 *   a caregiver's jobs from one date to another          Query PK = CAREGIVER#id, SK BETWEEN DAY#from AND DAY#to (then BatchGet the visits)
 *   caregivers near a location                           Query GEO, 9 cells (geo.cellsAround)
 *   their accepted visits on the visit's date            BatchGet keys.caregiverDay(id, date)
 *   who has served an elder before                       Query PK = ELDER#id, SK begins_with SERVED#
 *   a visit with its offers and history                  Query PK = VISIT#id
 *   a caregiver link                                     GetItem keys.link(sha256(token))
 *   visits a hub centre or company was asked to staff    Query PK = DESK#role#id (then BatchGet the visits)
 *   a visit's evaluations                                with the visit's Query (SK EVALUATION#party)
 *   a caregiver's or company's credit and its history    Query PK = CREDIT#subject#id (history newest first by version)
 *   the national system's latest record of a subject     GetItem keys.nationalCredit (SK NATIONAL, same partition)
 *   the city's companies / their caregivers, for the     Query GSI1 lists.enterprisesOfCity (all statuses), then
 *     national credit exchange (bureau, paged)             lists.caregiversOfEnterprise per company
 *   companies ranked by credit score                     Query GSI1 lists.creditRanking (descending)
 *   complaints waiting for the bureau, by status         Query GSI1 lists.complaintsOfCity
 *   rating counts per day of a scope (city, street,      Query PK = STATS#scope#id, SK BETWEEN DAY#from AND DAY#to
 *     company, caregiver)
 */
/** Whose dispatch desk: the street's hub centre, or a company (its dispatcher). */
export interface DeskOwner {
  role: 'center' | 'enterprise';
  id: string;
}

export const keys = {
  street: (id: string) => ({ PK: `STREET#${id}`, SK: 'STREET' }),
  community: (id: string) => ({ PK: `COMMUNITY#${id}`, SK: 'COMMUNITY' }),
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
  /** A caregiver's accepted visits on one city date (busy intervals, daily cap). */
  caregiverDay: (caregiverId: string, date: string) => ({ PK: `CAREGIVER#${caregiverId}`, SK: `DAY#${date}` }),
  /** How often a caregiver has served an elder (continuity in ranking). */
  served: (elderId: string, caregiverId: string) => ({ PK: `ELDER#${elderId}`, SK: `SERVED#${caregiverId}` }),
  /** A visit the escalation ladder put before a hub centre or a company's dispatcher. */
  desk: (owner: DeskOwner, startUtc: string, visitId: string) => ({ PK: `DESK#${owner.role}#${owner.id}`, SK: `VISIT#${startUtc}#${visitId}` }),
  /** One evaluation per party per visit, in the visit's partition. */
  evaluation: (visitId: string, party: string) => ({ PK: `VISIT#${visitId}`, SK: `EVALUATION#${party}` }),
  complaint: (id: string) => ({ PK: `COMPLAINT#${id}`, SK: 'COMPLAINT' }),
  credit: (subject: string, id: string) => ({ PK: `CREDIT#${subject}#${id}`, SK: 'CREDIT' }),
  /** The national credit system's latest record of a subject, beside our own score (docs/decisions/0014). */
  nationalCredit: (subject: string, id: string) => ({ PK: `CREDIT#${subject}#${id}`, SK: 'NATIONAL' }),
  /** History in the order it was applied: by the record's version, then the entry's place in that step. */
  creditHistory: (subject: string, id: string, version: number, n: number) => ({ PK: `CREDIT#${subject}#${id}`, SK: `HISTORY#${String(version).padStart(10, '0')}#${n}` }),
  /** Marks an event the ledger has applied: a redelivery finds it and changes nothing. */
  ledgerApplied: (eventId: string) => ({ PK: `LEDGER#${eventId}`, SK: 'APPLIED' }),
  /** The stars a visit's rating by one party last counted with, and its revision: changes apply in revision order. */
  ratingApplied: (visitId: string, party: string) => ({ PK: `VISIT#${visitId}`, SK: `RATED#${party}` }),
  /** Household-side rating counts of one city day, per scope (`city`, `street`, `enterprise`, `caregiver`). */
  ratingDay: (scope: string, id: string, date: string) => ({ PK: `STATS#${scope}#${id}`, SK: `DAY#${date}` }),
  enterpriseAudit: (enterpriseId: string, at: string, id: string) => ({ PK: `ENTERPRISE#${enterpriseId}`, SK: `AUDIT#${at}#${id}` }),
  /** Uniqueness and lookup: one item per public code, credit code and (keyed-hashed) resident ID. */
  publicCode: (code: string) => ({ PK: `CODE#${code}`, SK: 'CODE' }),
  creditCode: (creditCode: string) => ({ PK: `CREDITCODE#${creditCode}`, SK: 'CREDITCODE' }),
  residentId: (kind: 'caregiver' | 'elder', idHash: string) => ({ PK: `RESIDENTID#${kind}#${idHash}`, SK: 'RESIDENTID' }),
  /** Uniqueness and lookup of a caregiver's mobile, under the same keyed hash as resident IDs (tokens.phoneHashInput). */
  caregiverPhone: (phoneHash: string) => ({ PK: `PHONE#caregiver#${phoneHash}`, SK: 'PHONE' }),
  /**
   * The last "my jobs" request for a mobile, known or not, under the phone's keyed hash:
   * at most one per interval (docs/decisions/0012).
   */
  myJobsRequest: (phoneHash: string) => ({ PK: `MYJOBS#${phoneHash}`, SK: 'MYJOBS' }),
};

/** GSI1: lists by owner. */
export const lists = {
  streetsOfCity: (streetId: string) => ({ GSI1PK: `CITY#${CITY_CODE}#STREETS`, GSI1SK: `STREET#${streetId}` }),
  communitiesOfCity: (streetId: string, communityId: string) => ({
    GSI1PK: `CITY#${CITY_CODE}#COMMUNITIES`,
    GSI1SK: `STREET#${streetId}#COMMUNITY#${communityId}`,
  }),
  enterprisesOfCity: (status: string, enterpriseId: string) => ({ GSI1PK: `CITY#${CITY_CODE}#ENTERPRISES`, GSI1SK: `${status}#${enterpriseId}` }),
  caregiversOfEnterprise: (enterpriseId: string, caregiverId: string) => ({
    GSI1PK: `ENTERPRISE#${enterpriseId}#CAREGIVERS`,
    GSI1SK: `CAREGIVER#${caregiverId}`,
  }),
  centersOfCity: (centerId: string) => ({ GSI1PK: `CITY#${CITY_CODE}#CENTERS`, GSI1SK: `CENTER#${centerId}` }),
  eldersOfCenter: (centerId: string, elderId: string) => ({ GSI1PK: `CENTER#${centerId}#ELDERS`, GSI1SK: `ELDER#${elderId}` }),
  /** Highest score first when queried backwards: the score in tenths, zero-padded. */
  creditRanking: (subject: string, score: number, id: string) => ({
    GSI1PK: `CITY#${CITY_CODE}#CREDIT#${subject}`,
    GSI1SK: `${String(Math.round(score * 10)).padStart(4, '0')}#${id}`,
  }),
  complaintsOfCity: (status: string, filedAt: string, id: string) => ({ GSI1PK: `CITY#${CITY_CODE}#COMPLAINTS#${status}`, GSI1SK: `${filedAt}#${id}` }),
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
  /** The elder's cell and `rings` rings of neighbours: 1 → 3 × 3 (the circle), 2 → 5 × 5 (the second ring). */
  cellsAround: (lat: number, lon: number, rings: 1 | 2 = 1) => {
    let cells = new Set([geoCell(lat, lon)]);
    for (let i = 0; i < rings; i++) cells = new Set([...cells].flatMap((c) => [c, ...ngeohash.neighbors(c)]));
    return [...cells].map((c) => `GEO#${c}`);
  },
};

/** Key and bookkeeping attributes, stripped before an item becomes a domain object. */
const storageAttributes = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GEOPK', 'GEOSK', 'entity', 'ttl']);
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !storageAttributes.has(k)));
}
