import type * as z from 'zod';
import { badRequest, notFound } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { UpdateCenterRequest } from '../../domain/registry-requests.js';
import { type Center, EnterpriseSchema } from '../../domain/registry.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { batchGet, parseItem, patchItem } from '../shared/store.js';
import { getCenter } from '../shared/registry-store.js';

/** A centre changes its own duty phone and partners; the bureau any centre's. Partners must be registered companies. */
export async function updateCenter(p: Platform, principal: Principal, id: string, request: z.infer<typeof UpdateCenterRequest>): Promise<Center> {
  if (principal.role === 'center' && principal.orgId !== id) throw notFound('CENTER_NOT_FOUND', `no centre ${id}`, 'id');
  const center = await getCenter(p, id);
  if (!center) throw notFound('CENTER_NOT_FOUND', `no centre ${id}`, 'id');
  if (request.partnerEnterpriseIds?.length) {
    const found = new Set((await batchGet(p, request.partnerEnterpriseIds.map(keys.enterprise))).map((i) => parseItem(EnterpriseSchema, i).id));
    const unknown = request.partnerEnterpriseIds.find((e) => !found.has(e));
    if (unknown) throw badRequest('INVALID_FIELD', `partnerEnterpriseIds: no company ${unknown}`, 'partnerEnterpriseIds');
  }
  const changed = await patchItem(p, keys.center(id), { dutyPhone: request.dutyPhone, partnerEnterpriseIds: request.partnerEnterpriseIds && [...new Set(request.partnerEnterpriseIds)] });
  if (!changed) return center;
  return (await getCenter(p, id))!;
}
