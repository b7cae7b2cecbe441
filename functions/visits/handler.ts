import '../shared/aws/platform.js';
import { badRequest, notFound } from '../../domain/errors.js';
import { Id } from '../../domain/registry.js';
import { AssignVisitRequest, CancelVisitRequest, CreateVisitRequest, ListVisitsQuery, ReopenVisitRequest, RescheduleVisitRequest } from '../../domain/visit.js';
import { PageQuery } from '../shared/pagination.js';
import { EvaluationRequest } from '../../domain/evaluation.js';
import type { Principal } from '../../domain/principal.js';
import { type Rater, changeEvaluation, submitEvaluation } from '../shared/evaluations.js';
import { httpHandler, json, jsonBody, parseWith } from '../shared/http.js';
import { listDesk, listVisitsOfCenter, readVisit, toView } from '../shared/visit-store.js';
import { assignVisit } from './assign-visit.js';
import { cancelVisit } from './cancel-visit.js';
import { createVisitOnce } from './create-visit.js';
import { reopenVisit, rescheduleVisit } from './reschedule-visit.js';

/** A centre rates for the household, a company as the employer. */
const raterOf = (principal: Principal): Rater => ({ party: principal.role === 'enterprise' ? 'enterprise' : 'center', id: principal.orgId });

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

  'POST /visits/{id}/evaluations': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const request = parseWith(EvaluationRequest, jsonBody(event));
    return json(201, await submitEvaluation(platform, raterOf(principal!), id, request));
  },
  'PUT /visits/{id}/evaluations/mine': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const request = parseWith(EvaluationRequest, jsonBody(event));
    return json(200, await changeEvaluation(platform, raterOf(principal!), id, request));
  },
  'POST /visits/{id}/follow-up': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const request = parseWith(EvaluationRequest, jsonBody(event));
    return json(201, await submitEvaluation(platform, { party: 'household', id: principal!.orgId }, id, request));
  },
  'PUT /visits/{id}/follow-up': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const request = parseWith(EvaluationRequest, jsonBody(event));
    return json(200, await changeEvaluation(platform, { party: 'household', id: principal!.orgId }, id, request));
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
