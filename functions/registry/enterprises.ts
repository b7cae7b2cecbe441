import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { conflict, forbidden, notFound } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import {
  type CreateEnterpriseRequest,
  EnterpriseListItem,
  type EnterpriseTransition,
  type EnterpriseView,
  type UpdateEnterpriseRequest,
  assertInCity,
  planEnterprise,
  transitionEnterprise,
} from '../../domain/registry-requests.js';
import { type Enterprise, type EnterpriseAudit, EnterpriseAuditSchema, type EnterpriseStatus, EnterpriseSchema } from '../../domain/registry.js';
import { fromInput } from '../../domain/crs.js';
import { toCityTime } from '../../domain/time.js';
import { cancelledOnlyByConflict, isTransactionCancelled } from '../shared/errors.js';
import { keys, lists } from '../shared/keys.js';
import { GSI1_KEYS, type PageQuery, queryPage } from '../shared/pagination.js';
import type { Platform } from '../shared/platform.js';
import { getEnterprise, registryItems } from '../shared/registry-store.js';
import { getItem, parseItem, statusUpdate, writeTogether } from '../shared/store.js';
import { setFields } from '../shared/update.js';

const actorOf = (principal: Principal) => `${principal.role}:${principal.orgId}`;

/**
 * Registers a company: the company, its credit code and its public code are
 * claimed in one transaction with the first audit entry, so a duplicate
 * credit code leaves nothing behind.
 */
export async function createEnterprise(p: Platform, request: CreateEnterpriseRequest, actor: string): Promise<Enterprise> {
  const now = p.clock.now();
  const enterprise = planEnterprise(request, { id: p.newId(), code: p.newPublicCode(), now });
  const audit: EnterpriseAudit = { at: enterprise.createdAt, action: 'registered', to: 'registered', reason: 'registered', actor };
  try {
    await p.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: p.config.tableName, Item: registryItems.enterprise(enterprise), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: p.config.tableName, Item: registryItems.creditCode(enterprise.creditCode, enterprise.id), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: p.config.tableName, Item: registryItems.publicCode(enterprise.code, 'enterprise', enterprise.id), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: p.config.tableName, Item: registryItems.enterpriseAudit(enterprise.id, audit, p.newId(), now) } },
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCancelled(error)) throw error;
    const reasons = (error.CancellationReasons ?? []).map((r) => r.Code);
    if (reasons[1] === 'ConditionalCheckFailed') {
      throw conflict('CREDIT_CODE_TAKEN', `a company with credit code ${enterprise.creditCode} is already registered`, 'creditCode');
    }
    if (cancelledOnlyByConflict(error)) throw conflict('CONCURRENT_CHANGE', 'the same company is being registered at this moment; try again', 'creditCode');
    throw error; // a public-code collision (1 in 2^50)
  }
  return enterprise;
}

/** The company by credit code, for imports. */
export async function enterpriseIdByCreditCode(p: Platform, creditCode: string): Promise<string | undefined> {
  const { Item } = await p.db.send(new GetCommand({ TableName: p.config.tableName, Key: keys.creditCode(creditCode) }));
  return typeof Item?.enterpriseId === 'string' ? Item.enterpriseId : undefined;
}

/** A company may see and change only itself; the bureau and admins any. */
export function assertMayManage(principal: Principal, enterpriseId: string, field = 'id') {
  if (principal.role === 'enterprise' && principal.orgId !== enterpriseId) {
    throw forbidden('NOT_YOUR_COMPANY', 'a company may only manage itself', field);
  }
}

/** How many of the latest audit entries a company's view carries. */
export const HISTORY_SHOWN = 50;

export async function readEnterpriseView(p: Platform, id: string): Promise<z.infer<typeof EnterpriseView>> {
  const [enterprise, audit] = await Promise.all([
    getItem(p, EnterpriseSchema, keys.enterprise(id), true),
    p.db.send(
      new QueryCommand({
        TableName: p.config.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
        ExpressionAttributeValues: { ':pk': keys.enterprise(id).PK, ':audit': 'AUDIT#' },
        ScanIndexForward: false,
        Limit: HISTORY_SHOWN,
        ConsistentRead: true,
      }),
    ),
  ]);
  if (!enterprise) throw notFound('ENTERPRISE_NOT_FOUND', `no company ${id}`, 'id');
  // Oldest first, as a history reads.
  return { ...enterprise, history: (audit.Items ?? []).map((i) => parseItem(EnterpriseAuditSchema, i)).reverse() };
}

export async function listEnterprises(p: Platform, status: z.infer<typeof EnterpriseStatus> | undefined, page: z.infer<typeof PageQuery>) {
  const { GSI1PK } = lists.enterprisesOfCity('', '');
  const result = await queryPage(
    p,
    {
      IndexName: 'GSI1',
      KeyConditionExpression: status ? 'GSI1PK = :pk AND begins_with(GSI1SK, :status)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': GSI1PK, ...(status ? { ':status': `${status}#` } : {}) },
    },
    page,
    GSI1_KEYS,
  );
  return { items: result.items.map((i) => parseItem(EnterpriseListItem, i)), nextCursor: result.nextCursor };
}

/** Licence, suspend, reinstate or revoke, with the reason in the audit history. */
export async function changeEnterpriseStatus(p: Platform, id: string, transition: EnterpriseTransition, reason: string, principal: Principal) {
  const enterprise = await getEnterprise(p, id);
  if (!enterprise) throw notFound('ENTERPRISE_NOT_FOUND', `no company ${id}`, 'id');
  const now = p.clock.now();
  const change = transitionEnterprise(enterprise, transition, now);
  const audit: EnterpriseAudit = { at: toCityTime(now), action: change.action, from: change.from, to: change.to, reason, actor: actorOf(principal) };
  const written = await writeTogether(p, [
    // The list index moves with the status, so companies list by their new status.
    statusUpdate(p, keys.enterprise(id), { from: change.from, to: change.to, set: { GSI1SK: lists.enterprisesOfCity(change.to, id).GSI1SK } }),
    { Put: { TableName: p.config.tableName, Item: registryItems.enterpriseAudit(id, audit, p.newId(), now) } },
  ]);
  if (!written) throw conflict('CONCURRENT_CHANGE', 'the company changed meanwhile; reload and try again', 'status');
  return readEnterpriseView(p, id);
}

/** Companies keep their services and sites; licence details are the bureau's to change. */
export async function updateEnterprise(p: Platform, id: string, request: UpdateEnterpriseRequest, principal: Principal) {
  assertMayManage(principal, id);
  if (principal.role === 'enterprise') {
    const bureauOnly = (['name', 'licenceNumber', 'licenceValidUntil'] as const).find((f) => request[f] !== undefined);
    if (bureauOnly) throw forbidden('BUREAU_ONLY_FIELD', `${bureauOnly} can only be changed by the bureau`, bureauOnly);
  }
  const enterprise = await getEnterprise(p, id);
  if (!enterprise) throw notFound('ENTERPRISE_NOT_FOUND', `no company ${id}`, 'id');
  const changes: Partial<Enterprise> = {
    ...(request.name !== undefined ? { name: request.name } : {}),
    ...(request.licenceNumber !== undefined ? { licenceNumber: request.licenceNumber } : {}),
    ...(request.licenceValidUntil !== undefined ? { licenceValidUntil: request.licenceValidUntil } : {}),
    ...(request.services !== undefined ? { services: [...new Set(request.services)] } : {}),
    ...(request.dispatcherPhone !== undefined ? { dispatcherPhone: request.dispatcherPhone } : {}),
    ...(request.sites !== undefined ? { sites: request.sites.map((s, i) => ({ name: s.name, location: assertInCity(fromInput(s), `sites.${i}`) })) } : {}),
  };
  const update = setFields(changes);
  if (update.fields.length === 0) return readEnterpriseView(p, id);
  const now = p.clock.now();
  const audit: EnterpriseAudit = {
    at: toCityTime(now),
    action: 'updated',
    from: enterprise.status,
    to: enterprise.status,
    reason: `changed ${update.fields.join(', ')}`,
    actor: actorOf(principal),
    changes: Object.fromEntries(update.fields.map((f) => [f, { from: enterprise[f as keyof Enterprise], to: changes[f as keyof Enterprise] }])),
  };
  await p.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: p.config.tableName,
            Key: keys.enterprise(id),
            UpdateExpression: update.UpdateExpression,
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: update.ExpressionAttributeNames,
            ExpressionAttributeValues: update.ExpressionAttributeValues,
          },
        },
        { Put: { TableName: p.config.tableName, Item: registryItems.enterpriseAudit(id, audit, p.newId(), now) } },
      ],
    }),
  );
  return readEnterpriseView(p, id);
}

