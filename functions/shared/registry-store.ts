import { type Caregiver, CaregiverSchema, type Center, CenterSchema, type Elder, ElderSchema, type Enterprise, EnterpriseSchema } from '../../domain/registry.js';
import type { Location } from '../../domain/geo.js';
import { geo, keys, lists } from './keys.js';
import type { Platform } from './platform.js';
import { batchGet, getItem, parseItem, queryAll } from './store.js';

/** Items as stored: the domain object plus its keys. */
export const registryItems = {
  center: (center: Center) => ({ ...keys.center(center.id), ...lists.centersOfCity(center.id), entity: 'Center', ...center }),
  elder: (elder: Elder) => ({ ...keys.elder(elder.id), ...lists.eldersOfCenter(elder.centerId, elder.id), entity: 'Elder', ...elder }),
  enterprise: (enterprise: Enterprise) => ({ ...keys.enterprise(enterprise.id), entity: 'Enterprise', ...enterprise }),
  caregiver: (caregiver: Caregiver) => ({
    ...keys.caregiver(caregiver.id),
    ...geo.caregiver(caregiver.location.lat, caregiver.location.lon, caregiver.id),
    entity: 'Caregiver',
    ...caregiver,
  }),
};

export const getElder = (p: Platform, id: string) => getItem(p, ElderSchema, keys.elder(id));
export const getCaregiver = (p: Platform, id: string) => getItem(p, CaregiverSchema, keys.caregiver(id));

export async function listCenters(p: Platform): Promise<Center[]> {
  const { GSI1PK } = lists.centersOfCity('');
  const items = await queryAll(p, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': GSI1PK } });
  return items.map((item) => parseItem(CenterSchema, item));
}

export async function listEldersOfCenter(p: Platform, centerId: string): Promise<Elder[]> {
  const { GSI1PK } = lists.eldersOfCenter(centerId, '');
  const items = await queryAll(p, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': GSI1PK } });
  return items.map((item) => parseItem(ElderSchema, item));
}

/**
 * Caregivers whose home base lies in the geohash cells around a location,
 * with their employers: O(local density) reads, never a Scan.
 */
export async function caregiversNear(p: Platform, location: Location) {
  const cells = geo.cellsAround(location.lat, location.lon);
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
