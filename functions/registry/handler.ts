import '../shared/aws/platform.js';
import * as z from 'zod';
import { Id, EnterpriseStatus } from '../../domain/registry.js';
import type {
  EnterpriseTransition} from '../../domain/registry-requests.js';
import {
  CreateCaregiverRequest,
  CreateElderRequest,
  CreateEnterpriseRequest,
  StatusChangeRequest,
  TransferElderRequest,
  UpdateCenterRequest,
  UpdateCaregiverRequest,
  UpdateElderRequest,
  UpdateEnterpriseRequest,
} from '../../domain/registry-requests.js';
import { type RouteContext, type RouteImpl, html, httpHandler, json, jsonBody, parseWith } from '../shared/http.js';
import { PageQuery } from '../shared/pagination.js';
import { toCaregiverView } from '../views.js';
import { listCenters, listCommunities, listEldersOfCenter, listStreets } from '../shared/registry-store.js';
import { createCaregiver, listCaregivers, readCaregiver, updateCaregiver } from './caregivers.js';
import { updateCenter } from './centers.js';
import { doorCardPage } from './door-card.js';
import { createElder, doorCodeOf, readElder, transferElder, updateElder } from './elders.js';
import { assertMayManage, changeEnterpriseStatus, createEnterprise, listEnterprises, readEnterpriseView, updateEnterprise } from './enterprises.js';

const idParam = (ctx: RouteContext) => parseWith(Id, ctx.params.id, 'id');
const query = (ctx: RouteContext) => ctx.event.queryStringParameters ?? {};
const actor = (ctx: RouteContext) => `${ctx.principal!.role}:${ctx.principal!.orgId}`;

const transitionRoute =
  (transition: EnterpriseTransition): RouteImpl =>
  async (ctx) => {
    const { reason } = parseWith(StatusChangeRequest, jsonBody(ctx.event));
    return json(200, await changeEnterpriseStatus(ctx.platform, idParam(ctx), transition, reason, ctx.principal!));
  };

export const handler = httpHandler('registry', {
  'GET /streets': async ({ platform }) => json(200, { items: await listStreets(platform), nextCursor: null }),
  'GET /communities': async (ctx) => {
    const { streetId } = parseWith(z.object({ streetId: Id.optional() }), query(ctx));
    const communities = await listCommunities(ctx.platform);
    return json(200, { items: streetId ? communities.filter((c) => c.streetId === streetId) : communities, nextCursor: null });
  },
  'PATCH /centers/{id}': async (ctx) => {
    const request = parseWith(UpdateCenterRequest, jsonBody(ctx.event));
    return json(200, await updateCenter(ctx.platform, ctx.principal!, idParam(ctx), request));
  },
  'GET /centers': async ({ platform }) => json(200, { items: await listCenters(platform), nextCursor: null }),

  // Elders: the route allows only centres to list, register and change; they act on their own.
  'GET /elders': async (ctx) => json(200, await listEldersOfCenter(ctx.platform, ctx.principal!.orgId, parseWith(PageQuery, query(ctx)))),
  'POST /elders': async (ctx) => {
    const request = parseWith(CreateElderRequest, jsonBody(ctx.event));
    const elder = await createElder(ctx.platform, request, ctx.principal!.orgId);
    return json(201, { id: elder.id }, { location: `/elders/${elder.id}` });
  },
  'GET /elders/{id}': async (ctx) => json(200, await readElder(ctx.platform, ctx.principal!, idParam(ctx))),
  'PATCH /elders/{id}': async (ctx) => {
    const request = parseWith(UpdateElderRequest, jsonBody(ctx.event));
    return json(200, await updateElder(ctx.platform, ctx.principal!.orgId, idParam(ctx), request));
  },

  'GET /elders/{id}/door-card': async (ctx) => html(200, await doorCardPage(await doorCodeOf(ctx.platform, ctx.principal!.orgId, idParam(ctx)))),

  'POST /elders/{id}/transfer': async (ctx) => {
    const { centerId, reason } = parseWith(TransferElderRequest, jsonBody(ctx.event));
    return json(200, await transferElder(ctx.platform, ctx.principal!, idParam(ctx), centerId, reason));
  },

  'POST /enterprises': async (ctx) => {
    const request = parseWith(CreateEnterpriseRequest, jsonBody(ctx.event));
    const enterprise = await createEnterprise(ctx.platform, request, actor(ctx));
    return json(201, { id: enterprise.id, code: enterprise.code, status: enterprise.status }, { location: `/enterprises/${enterprise.id}` });
  },
  'GET /enterprises': async (ctx) => {
    const params = parseWith(PageQuery.extend({ status: EnterpriseStatus.optional() }), query(ctx));
    return json(200, await listEnterprises(ctx.platform, params.status, params));
  },
  'GET /enterprises/{id}': async (ctx) => {
    const id = idParam(ctx);
    assertMayManage(ctx.principal!, id);
    return json(200, await readEnterpriseView(ctx.platform, id));
  },
  'PATCH /enterprises/{id}': async (ctx) => {
    const request = parseWith(UpdateEnterpriseRequest, jsonBody(ctx.event));
    return json(200, await updateEnterprise(ctx.platform, idParam(ctx), request, ctx.principal!));
  },
  'POST /enterprises/{id}/licence': transitionRoute('licence'),
  'POST /enterprises/{id}/suspend': transitionRoute('suspend'),
  'POST /enterprises/{id}/reinstate': transitionRoute('reinstate'),
  'POST /enterprises/{id}/revoke': transitionRoute('revoke'),

  'POST /caregivers': async (ctx) => {
    const request = parseWith(CreateCaregiverRequest, jsonBody(ctx.event));
    const caregiver = await createCaregiver(ctx.platform, request, ctx.principal!);
    return json(201, { id: caregiver.id, code: caregiver.code }, { location: `/caregivers/${caregiver.id}` });
  },
  'GET /caregivers': async (ctx) => {
    const params = parseWith(PageQuery.extend({ enterpriseId: Id.optional() }), query(ctx));
    return json(200, await listCaregivers(ctx.platform, ctx.principal!, params.enterpriseId, params));
  },
  'GET /caregivers/{id}': async (ctx) => json(200, toCaregiverView(await readCaregiver(ctx.platform, ctx.principal!, idParam(ctx)))),
  'PATCH /caregivers/{id}': async (ctx) => {
    const request = parseWith(UpdateCaregiverRequest, jsonBody(ctx.event));
    return json(200, toCaregiverView(await updateCaregiver(ctx.platform, ctx.principal!, idParam(ctx), request)));
  },
});
