import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_COMMUNITY_KM, nearestCommunity } from '../../domain/city.js';
import { fromInput } from '../../domain/crs.js';
import { badRequest, conflict, notFound } from '../../domain/errors.js';
import { type Location, distanceKm } from '../../domain/geo.js';
import type { Principal } from '../../domain/principal.js';
import { type CreateElderRequest, type UpdateElderRequest, assertInCity, planElder } from '../../domain/registry-requests.js';
import { type Elder, type MaskedElder, maskElder } from '../../domain/registry.js';
import { cancelledOnlyByConflict, isConditionFailed, isTransactionCancelled } from '../shared/errors.js';
import { keys } from '../shared/keys.js';
import { patchItem } from '../shared/store.js';
import type { Platform } from '../shared/platform.js';
import { getCenter, getCommunity, getElder, listCommunities, registryItems } from '../shared/registry-store.js';
import { toCityTime } from '../../domain/time.js';

/** The community given, or the one nearest the location (the centre rarely knows the community's id). */
async function resolveCommunity(p: Platform, location: Location, communityId: string | undefined) {
  if (communityId) {
    const community = await getCommunity(p, communityId);
    if (!community) throw notFound('COMMUNITY_NOT_FOUND', `no community ${communityId}`, 'communityId');
    if (distanceKm(location, community.location) > MAX_COMMUNITY_KM) {
      throw badRequest('COMMUNITY_FAR_AWAY', `communityId: ${communityId} is more than ${MAX_COMMUNITY_KM} km from the location`, 'communityId');
    }
    return community;
  }
  const community = nearestCommunity(location, await listCommunities(p));
  if (!community) throw notFound('COMMUNITY_NOT_FOUND', 'no community is registered in this city yet', 'location');
  return community;
}

/**
 * Registers an elder with the calling centre. With an ID number, the same
 * person registered by any centre is found (keyed hash, never the number) and
 * refused, naming the field.
 */
export async function createElder(p: Platform, request: CreateElderRequest, centerId: string): Promise<Elder> {
  const location = assertInCity(fromInput(request.location), 'location');
  const community = await resolveCommunity(p, location, request.communityId);
  const { elder, residentId } = planElder(request, {
    id: p.newId(),
    centerId,
    streetId: community.streetId,
    communityId: community.id,
    now: p.clock.now(),
  });
  const idHash = residentId ? await p.residentIdHash(residentId) : undefined;
  const idItem = idHash ? registryItems.residentId('elder', idHash, elder.id, centerId) : undefined;
  try {
    await p.db.send(
      new TransactWriteCommand({
        TransactItems: [
          ...(idItem ? [{ Put: { TableName: p.config.tableName, Item: idItem, ConditionExpression: 'attribute_not_exists(PK)' } }] : []),
          { Put: { TableName: p.config.tableName, Item: registryItems.elder(elder), ConditionExpression: 'attribute_not_exists(PK)' } },
        ],
      }),
    );
  } catch (error) {
    if (idItem && isTransactionCancelled(error) && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
      const { Item } = await p.db.send(new GetCommand({ TableName: p.config.tableName, Key: keys.residentId('elder', idHash!) }));
      const where = Item?.centerId === centerId ? 'by your centre' : 'by another centre';
      throw conflict('ELDER_ALREADY_REGISTERED', `an elder with this resident ID number is already registered ${where}`, 'residentId');
    }
    if (cancelledOnlyByConflict(error)) throw conflict('CONCURRENT_CHANGE', 'the same person is being registered at this moment; try again', 'residentId');
    throw error;
  }
  return elder;
}

/** The registering centre sees the elder in full; the bureau masked; anyone else nothing. */
export async function readElder(p: Platform, principal: Principal, id: string): Promise<Elder | MaskedElder> {
  const elder = await getElder(p, id);
  if (elder && principal.role === 'center' && elder.centerId === principal.orgId) return elder;
  if (elder && (principal.role === 'bureau' || principal.role === 'admin')) return maskElder(elder);
  throw notFound('ELDER_NOT_FOUND', `no elder ${id}`, 'id');
}

export async function updateElder(p: Platform, centerId: string, id: string, request: UpdateElderRequest): Promise<Elder> {
  const elder = await getElder(p, id);
  if (!elder || elder.centerId !== centerId) throw notFound('ELDER_NOT_FOUND', `no elder ${id}`, 'id');
  const location = request.location ? assertInCity(fromInput(request.location), 'location') : undefined;
  const community = location || request.communityId ? await resolveCommunity(p, location ?? elder.location, request.communityId) : undefined;
  const changed = await patchItem(
    p,
    keys.elder(id),
    {
      name: request.name,
      address: request.address,
      careLevel: request.careLevel,
      phone: request.phone,
      gender: request.gender,
      guardian: request.guardian,
      familyContacts: request.familyContacts,
      notes: request.notes,
      status: request.status,
      ...(request.preferences ? { preferences: { ...elder.preferences, ...request.preferences } } : {}),
      ...(location ? { location } : {}),
      ...(community ? { communityId: community.id, streetId: community.streetId } : {}),
    },
    // Only the registering centre changes its elder, even if a transfer lands meanwhile.
    { expression: 'centerId = :center', values: { ':center': centerId } },
  );
  if (!changed) return elder;
  return (await getElder(p, id))!;
}

/**
 * Hands an elder to another centre (they moved): the record, its list entry
 * and the ID claim follow, so the new centre sees them in full and the old one
 * no longer does.
 */
export async function transferElder(p: Platform, principal: Principal, id: string, centerId: string, reason: string): Promise<MaskedElder> {
  const elder = await getElder(p, id);
  const mayHand = principal.role === 'bureau' || principal.role === 'admin' || (principal.role === 'center' && elder?.centerId === principal.orgId);
  if (!elder || !mayHand) throw notFound('ELDER_NOT_FOUND', `no elder ${id}`, 'id');
  if (!(await getCenter(p, centerId))) throw notFound('CENTER_NOT_FOUND', `no centre ${centerId}`, 'centerId');
  if (centerId === elder.centerId) return maskElder(elder);
  const moved = { ...elder, centerId, notes: [elder.notes, `${toCityTime(p.clock.now())} transferred from ${elder.centerId}: ${reason}`].filter(Boolean).join('\n') };
  await p.db.send(
    new PutCommand({ TableName: p.config.tableName, Item: registryItems.elder(moved), ConditionExpression: 'centerId = :from', ExpressionAttributeValues: { ':from': elder.centerId } }),
  );
  return maskElder(moved);
}

/**
 * The code on the elder's door card, made the first time the owning centre
 * asks for the card (8 characters of the public-code alphabet, 40 bits) and
 * kept from then on; of two first requests at once, both get the one stored.
 */
export async function doorCodeOf(p: Platform, centerId: string, id: string): Promise<string> {
  const elder = await getElder(p, id);
  if (!elder || elder.centerId !== centerId) throw notFound('ELDER_NOT_FOUND', `no elder ${id}`, 'id');
  if (elder.doorCode) return elder.doorCode;
  const doorCode = p.newPublicCode().slice(0, 8);
  try {
    await p.db.send(
      new UpdateCommand({
        TableName: p.config.tableName,
        Key: keys.elder(id),
        UpdateExpression: 'SET doorCode = :code',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(doorCode)',
        ExpressionAttributeValues: { ':code': doorCode },
      }),
    );
    return doorCode;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const stored = (await getElder(p, id))?.doorCode;
    if (!stored) throw error;
    return stored;
  }
}
