import { type Community, CommunitySchema, type Street, StreetSchema } from '../../domain/city.js';
import type * as z from 'zod';
import type { Location } from '../../domain/geo.js';
import {
  type Caregiver,
  CaregiverSchema,
  type Center,
  CenterSchema,
  type Elder,
  ElderSchema,
  type Enterprise,
  type EnterpriseAudit,
  EnterpriseSchema,
} from '../../domain/registry.js';
import { geo, keys, lists } from './keys.js';
import type { Platform } from './platform.js';
import { GSI1_KEYS, type PageQuery, queryPage } from './pagination.js';
import { batchGet, getItem, parseItem, queryAll } from './store.js';
import { phoneHashInput } from './tokens.js';

/** Items as stored: the domain object plus its keys. */
export const registryItems = {
  street: (street: Street) => ({ ...keys.street(street.id), ...lists.streetsOfCity(street.id), entity: 'Street', ...street }),
  community: (community: Community) => ({
    ...keys.community(community.id),
    ...lists.communitiesOfCity(community.streetId, community.id),
    entity: 'Community',
    ...community,
  }),
  center: (center: Center) => ({ ...keys.center(center.id), ...lists.centersOfCity(center.id), entity: 'Center', ...center }),
  elder: (elder: Elder) => ({ ...keys.elder(elder.id), ...lists.eldersOfCenter(elder.centerId, elder.id), entity: 'Elder', ...elder }),
  enterprise: (enterprise: Enterprise) => ({
    ...keys.enterprise(enterprise.id),
    ...lists.enterprisesOfCity(enterprise.status, enterprise.id),
    entity: 'Enterprise',
    ...enterprise,
  }),
  enterpriseAudit: (enterpriseId: string, entry: EnterpriseAudit, id: string, at: Date) => ({
    ...keys.enterpriseAudit(enterpriseId, at.toISOString(), id),
    entity: 'EnterpriseAudit',
    ...entry,
  }),
  caregiver: (caregiver: Caregiver) => ({
    ...keys.caregiver(caregiver.id),
    ...lists.caregiversOfEnterprise(caregiver.enterpriseId, caregiver.id),
    ...geo.caregiver(caregiver.location.lat, caregiver.location.lon, caregiver.id),
    entity: 'Caregiver',
    ...caregiver,
  }),
  publicCode: (code: string, kind: 'enterprise' | 'caregiver', id: string) => ({ ...keys.publicCode(code), entity: 'PublicCode', kind, id }),
  creditCode: (creditCode: string, enterpriseId: string) => ({ ...keys.creditCode(creditCode), entity: 'CreditCode', enterpriseId }),
  residentId: (kind: 'caregiver' | 'elder', idHash: string, id: string, centerId?: string) => ({
    ...keys.residentId(kind, idHash),
    entity: 'ResidentId',
    id,
    ...(centerId ? { centerId } : {}),
  }),
  caregiverPhone: (phoneHash: string, caregiverId: string) => ({ ...keys.caregiverPhone(phoneHash), entity: 'CaregiverPhone', caregiverId }),
};

/** What a caregiver's mobile (11 digits, as stored) is looked up by: the platform's keyed hash, never the number. */
export const caregiverPhoneHash = (p: Platform, phone: string) => p.residentIdHash(phoneHashInput(phone));

export const getStreet = (p: Platform, id: string) => getItem(p, StreetSchema, keys.street(id));
export const getCenter = (p: Platform, id: string) => getItem(p, CenterSchema, keys.center(id));
export const getCommunity = (p: Platform, id: string) => getItem(p, CommunitySchema, keys.community(id));
export const getElder = (p: Platform, id: string) => getItem(p, ElderSchema, keys.elder(id));
export const getEnterprise = (p: Platform, id: string) => getItem(p, EnterpriseSchema, keys.enterprise(id));
export const getCaregiver = (p: Platform, id: string) => getItem(p, CaregiverSchema, keys.caregiver(id));

const byGsi1 = (pk: string) => ({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': pk } });

export async function listStreets(p: Platform): Promise<Street[]> {
  return (await queryAll(p, byGsi1(lists.streetsOfCity('').GSI1PK))).map((i) => parseItem(StreetSchema, i));
}

/** All communities of the city: one partition of a few hundred small items. */
export async function listCommunities(p: Platform): Promise<Community[]> {
  return (await queryAll(p, byGsi1(lists.communitiesOfCity('', '').GSI1PK))).map((i) => parseItem(CommunitySchema, i));
}

export async function listCenters(p: Platform): Promise<Center[]> {
  return (await queryAll(p, byGsi1(lists.centersOfCity('').GSI1PK))).map((i) => parseItem(CenterSchema, i));
}

export async function listEldersOfCenter(p: Platform, centerId: string, page: z.infer<typeof PageQuery>) {
  const result = await queryPage(p, byGsi1(lists.eldersOfCenter(centerId, '').GSI1PK), page, GSI1_KEYS);
  return { items: result.items.map((i) => parseItem(ElderSchema, i)), nextCursor: result.nextCursor };
}

/**
 * Caregivers whose home base lies in the geohash cells around a location,
 * with their employers: O(local density) reads, never a Scan.
 */
export async function caregiversNear(p: Platform, location: Location, rings: 1 | 2 = 1) {
  const cells = geo.cellsAround(location.lat, location.lon, rings);
  const pages = await Promise.all(
    cells.map((cell) =>
      queryAll(p, { IndexName: 'GEO', KeyConditionExpression: 'GEOPK = :cell', ExpressionAttributeValues: { ':cell': cell } }),
    ),
  );
  const caregivers = pages.flat().map((item) => parseItem(CaregiverSchema, item));
  const enterpriseIds = [...new Set(caregivers.map((c) => c.enterpriseId))];
  const enterprises = new Map(
    (await batchGet(p, enterpriseIds.map(keys.enterprise)))
      .map((item) => parseItem(EnterpriseSchema, item))
      .map((e) => [e.id, e] as const),
  );
  return caregivers.map((caregiver) => ({ caregiver, enterprise: enterprises.get(caregiver.enterpriseId) }));
}

/** How many visits each caregiver has accepted for this elder: one Query of the elder's partition. */
export async function readServedBefore(p: Platform, elderId: string): Promise<Map<string, number>> {
  const items = await queryAll(p, {
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :served)',
    ExpressionAttributeValues: { ':pk': keys.elder(elderId).PK, ':served': 'SERVED#' },
  });
  return new Map(items.map((i) => [String(i.SK).slice('SERVED#'.length), Number(i.visits ?? 0)]));
}
