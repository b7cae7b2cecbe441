import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { fromInput } from '../../domain/crs.js';
import { badRequest, conflict, forbidden, notFound } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { type CreateCaregiverRequest, type CaregiverListItem, type UpdateCaregiverRequest, assertInCity, planCaregiver } from '../../domain/registry-requests.js';
import { type Caregiver, CaregiverSchema, type Enterprise, maskName } from '../../domain/registry.js';
import { cancelledOnlyByConflict, isTransactionCancelled } from '../shared/errors.js';
import { geo, keys, lists } from '../shared/keys.js';
import { GSI1_KEYS, type PageQuery, queryPage } from '../shared/pagination.js';
import type { Platform } from '../shared/platform.js';
import { getCaregiver, getEnterprise, registryItems } from '../shared/registry-store.js';
import { parseItem } from '../shared/store.js';
import { patchCaregiver, phonePut, phoneTaken } from './caregiver-phone.js';
import { assertMayManage } from './enterprises.js';

/**
 * Registers a caregiver with their public code and the keyed hash of their ID
 * number in one transaction: the same person cannot be registered twice, and
 * a refusal writes nothing.
 */
export async function createCaregiver(
  p: Platform,
  request: CreateCaregiverRequest,
  principal: Principal,
  /** The employer as already read (imports read it once per file). */
  known?: Enterprise,
): Promise<Caregiver> {
  assertMayManage(principal, request.enterpriseId, 'enterpriseId');
  const enterprise = known?.id === request.enterpriseId ? known : await getEnterprise(p, request.enterpriseId);
  if (!enterprise) throw notFound('ENTERPRISE_NOT_FOUND', `no company ${request.enterpriseId}`, 'enterpriseId');
  if (enterprise.status === 'revoked') throw conflict('ENTERPRISE_REVOKED', 'the company’s registration is revoked', 'enterpriseId');
  const { caregiver, residentId } = planCaregiver(request, { id: p.newId(), code: p.newPublicCode(), now: p.clock.now() });
  try {
    await p.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: p.config.tableName, Item: registryItems.caregiver(caregiver), ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName: p.config.tableName,
              Item: registryItems.residentId('caregiver', await p.residentIdHash(residentId), caregiver.id),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName: p.config.tableName, Item: registryItems.publicCode(caregiver.code, 'caregiver', caregiver.id), ConditionExpression: 'attribute_not_exists(PK)' } },
          await phonePut(p, caregiver.phone, caregiver.id),
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCancelled(error) && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') {
      throw conflict('CAREGIVER_ALREADY_REGISTERED', 'a caregiver with this resident ID number is already registered', 'residentId');
    }
    if (isTransactionCancelled(error) && error.CancellationReasons?.[3]?.Code === 'ConditionalCheckFailed') throw phoneTaken();
    if (cancelledOnlyByConflict(error)) throw conflict('CONCURRENT_CHANGE', 'the same person is being registered at this moment; try again', 'residentId');
    throw error;
  }
  return caregiver;
}

/** The caregiver a resident ID number belongs to, if registered. */
export async function caregiverIdByResidentId(p: Platform, residentId: string): Promise<string | undefined> {
  const { Item } = await p.db.send(new GetCommand({ TableName: p.config.tableName, Key: keys.residentId('caregiver', await p.residentIdHash(residentId)) }));
  return typeof Item?.id === 'string' ? Item.id : undefined;
}

export async function listCaregivers(
  p: Platform,
  principal: Principal,
  enterpriseId: string | undefined,
  page: z.infer<typeof PageQuery>,
): Promise<{ items: z.infer<typeof CaregiverListItem>[]; nextCursor: string | null }> {
  const owner = enterpriseId ?? (principal.role === 'enterprise' ? principal.orgId : undefined);
  if (!owner) throw badRequest('INVALID_FIELD', 'enterpriseId: required: whose caregivers?', 'enterpriseId');
  assertMayManage(principal, owner, 'enterpriseId');
  const result = await queryPage(
    p,
    { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': lists.caregiversOfEnterprise(owner, '').GSI1PK } },
    page,
    GSI1_KEYS,
  );
  return {
    items: result.items.map((item) => {
      const c = parseItem(CaregiverSchema, item);
      return { id: c.id, code: c.code, maskedName: maskName(c.name), status: c.status, certificates: c.certificates };
    }),
    nextCursor: result.nextCursor,
  };
}

export async function readCaregiver(p: Platform, principal: Principal, id: string): Promise<Caregiver> {
  const caregiver = await getCaregiver(p, id);
  // Another company's caregiver is as invisible as a missing one.
  if (!caregiver || (principal.role === 'enterprise' && caregiver.enterpriseId !== principal.orgId)) {
    throw notFound('CAREGIVER_NOT_FOUND', `no caregiver ${id}`, 'id');
  }
  return caregiver;
}

export async function updateCaregiver(p: Platform, principal: Principal, id: string, request: UpdateCaregiverRequest): Promise<Caregiver> {
  const caregiver = await readCaregiver(p, principal, id);
  // A suspension is the bureau's decision: a company can neither impose nor lift it.
  if (principal.role === 'enterprise' && request.status !== undefined && (request.status === 'suspended' || caregiver.status === 'suspended')) {
    throw forbidden('BUREAU_ONLY_FIELD', 'only the bureau suspends a caregiver or lifts a suspension', 'status');
  }
  let newEmployer: Enterprise | undefined;
  if (request.enterpriseId !== undefined && request.enterpriseId !== caregiver.enterpriseId) {
    if (principal.role === 'enterprise') throw forbidden('BUREAU_ONLY_FIELD', 'only the bureau moves a caregiver to another company', 'enterpriseId');
    newEmployer = await getEnterprise(p, request.enterpriseId);
    if (!newEmployer) throw notFound('ENTERPRISE_NOT_FOUND', `no company ${request.enterpriseId}`, 'enterpriseId');
    if (newEmployer.status === 'revoked') throw conflict('ENTERPRISE_REVOKED', 'the company’s registration is revoked', 'enterpriseId');
  }
  const location = request.home ? assertInCity(fromInput(request.home), 'home') : undefined;
  const changed = await patchCaregiver(p, caregiver, {
    name: request.name,
    phone: request.phone,
    certificates: request.certificates,
    training: request.training,
    gender: request.gender,
    languages: request.languages,
    availability: request.availability,
    maxVisitsPerDay: request.maxVisitsPerDay,
    status: request.status,
    ...(location ? { location, ...geo.caregiver(location.lat, location.lon, id) } : {}),
    ...(newEmployer ? { enterpriseId: newEmployer.id, ...lists.caregiversOfEnterprise(newEmployer.id, id) } : {}),
  });
  if (!changed) return caregiver;
  return readCaregiver(p, principal, id);
}
