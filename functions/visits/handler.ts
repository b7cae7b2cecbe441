import '../shared/aws/platform.js';
import { badRequest, notFound } from '../../domain/errors.js';
import { Id } from '../../domain/registry.js';
import { AssignVisitRequest, CancelVisitRequest, CreateVisitRequest, ListVisitsQuery, ReopenVisitRequest, RescheduleVisitRequest } from '../../domain/visit.js';
import { PageQuery } from '../shared/pagination.js';
import { httpHandler, json, jsonBody, parseWith } from '../shared/http.js';
import { listDesk, listVisitsOfCenter, readVisit, toView } from '../shared/visit-store.js';
import { assignVisit } from './assign-visit.js';
import { cancelVisit } from './cancel-visit.js';
import { createVisitOnce } from './create-visit.js';
import { reopenVisit, rescheduleVisit } from './reschedule-visit.js';

export const handler = httpHandler('visits', {
  'POST /visits': async ({ event, principal, platform, lambdaContext }) => {
    const idempotencyKey = event.headers['idempotency-key'];
    if (!idempotencyKey) throw badRequest('IDEMPOTENCY_KEY_REQUIRED', 'send an Idempotency-Key header', 'Idempotency-Key');
    if (idempotencyKey.length > 128) throw badRequest('INVALID_FIELD', 'Idempotency-Key: at most 128 characters', 'Idempotency-Key');
    const request = parseWith(CreateVisitRequest, jsonBody(event));
    const created = await createVisitOnce(platform, { centerId: principal!.orgId, idempotencyKey, request }, lambdaContext);
    return json(201, created, { location: `/visits/${created.id}` });
  },

  'POST /visits/{id}/reschedule': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const request = parseWith(RescheduleVisitRequest, jsonBody(event));
    const created = await rescheduleVisit(platform, principal!.orgId, id, request);
    return json(201, created, { location: `/visits/${created.id}` });
  },

  'POST /visits/{id}/assign': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const { caregiverId, reason } = parseWith(AssignVisitRequest, jsonBody(event));
    return json(200, await assignVisit(platform, principal!, id, caregiverId, reason));
  },

  'POST /visits/{id}/reopen': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const { reason } = parseWith(ReopenVisitRequest, jsonBody(event));
    const created = await reopenVisit(platform, principal!.orgId, id, reason);
    return json(201, created, { location: `/visits/${created.id}` });
  },

  'POST /visits/{id}/cancel': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const { reason } = parseWith(CancelVisitRequest, jsonBody(event));
    return json(200, await cancelVisit(platform, principal!.orgId, id, reason));
  },

  'GET /visits': async ({ event, principal, platform }) => {
    const params = event.queryStringParameters ?? {};
    const page = parseWith(PageQuery, { cursor: params.cursor, limit: params.limit });
    const query = parseWith(ListVisitsQuery, { status: params.status, from: params.from, to: params.to });
    return json(200, await listVisitsOfCenter(platform, principal!.orgId, query, page));
  },

  'GET /desk': async ({ event, principal, platform }) => {
    const params = event.queryStringParameters ?? {};
    const page = parseWith(PageQuery, { cursor: params.cursor, limit: params.limit });
    const role = principal!.role === 'enterprise' ? 'enterprise' : 'center';
    return json(200, await listDesk(platform, { role, id: principal!.orgId }, page));
  },

  'GET /visits/{id}': async ({ params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const record = await readVisit(platform, id);
    // Another centre's visit is as invisible as a missing one.
    if (!record || (principal!.role === 'center' && record.visit.centerId !== principal!.orgId)) {
      throw notFound('VISIT_NOT_FOUND', `no visit ${id}`, 'id');
    }
    return json(200, toView(record, { withScores: principal!.role === 'bureau' || principal!.role === 'admin' }));
  },
});
