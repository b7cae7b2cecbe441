import '../shared/aws/platform.js';
import { ComplaintStatus, DecideComplaintRequest, FileComplaintRequest } from '../../domain/complaint.js';
import { RankingQuery, RatingStatsQuery, standingOf } from '../../domain/credit.js';
import { notFound } from '../../domain/errors.js';
import { Id } from '../../domain/registry.js';
import { cityDate } from '../../domain/time.js';
import { creditView } from '../shared/credit-store.js';
import { httpHandler, json, jsonBody, parseWith } from '../shared/http.js';
import { PageQuery } from '../shared/pagination.js';
import { getCaregiver, getEnterprise } from '../shared/registry-store.js';
import { decideComplaint, fileComplaint, listComplaints, readComplaint } from './complaints.js';
import { ExportQuery, exportPage, exportResponse, importExchange, readUpload } from './exchange.js';
import { enterpriseRanking, ratingStats } from './reports.js';


export const handler = httpHandler('credit', {
  'GET /caregivers/{id}/credit': async ({ params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const caregiver = await getCaregiver(platform, id);
    // A company sees its own caregivers only; another's are as unknown as missing ones.
    if (!caregiver || (principal!.role === 'enterprise' && caregiver.enterpriseId !== principal!.orgId)) throw notFound('CAREGIVER_NOT_FOUND', `no caregiver ${id}`, 'id');
    return json(200, await creditView(platform, 'caregiver', id, standingOf({ subject: 'caregiver', record: caregiver }, cityDate(platform.clock.now()))));
  },

  'GET /enterprises/{id}/credit': async ({ params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const enterprise = await getEnterprise(platform, id);
    if (!enterprise || (principal!.role === 'enterprise' && id !== principal!.orgId)) throw notFound('ENTERPRISE_NOT_FOUND', `no company ${id}`, 'id');
    return json(200, await creditView(platform, 'enterprise', id, standingOf({ subject: 'enterprise', record: enterprise }, cityDate(platform.clock.now()))));
  },

  'POST /visits/{id}/complaints': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const request = parseWith(FileComplaintRequest, jsonBody(event));
    const complaint = await fileComplaint(platform, principal!.orgId, id, request);
    return json(201, complaint, { location: `/complaints/${complaint.id}` });
  },

  'GET /complaints': async ({ event, platform }) => {
    const q = event.queryStringParameters ?? {};
    const status = parseWith(ComplaintStatus.default('pending'), q.status, 'status');
    const page = parseWith(PageQuery, { cursor: q.cursor, limit: q.limit });
    return json(200, await listComplaints(platform, status, page));
  },

  'GET /complaints/{id}': async ({ params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    return json(200, await readComplaint(platform, principal!, id));
  },

  'POST /complaints/{id}/decision': async ({ event, params, principal, platform }) => {
    const id = parseWith(Id, params.id, 'id');
    const request = parseWith(DecideComplaintRequest, jsonBody(event));
    return json(200, await decideComplaint(platform, principal!.orgId, id, request));
  },

  'GET /bureau/stats': async ({ event, platform }) => {
    const q = event.queryStringParameters ?? {};
    const query = parseWith(RatingStatsQuery, { from: q.from, to: q.to, streetId: q.streetId, enterpriseId: q.enterpriseId, caregiverId: q.caregiverId });
    return json(200, await ratingStats(platform, query));
  },

  'GET /bureau/rankings/enterprises': async ({ event, platform }) => {
    const q = event.queryStringParameters ?? {};
    const { limit, flagged } = parseWith(RankingQuery, { limit: q.limit, flagged: q.flagged });
    return json(200, { items: await enterpriseRanking(platform, { limit, flaggedOnly: flagged === 'true' }), nextCursor: null });
  },

  'GET /exchange/export': async ({ event, platform }) => {
    const q = event.queryStringParameters ?? {};
    const query = parseWith(ExportQuery, { kind: q.kind, format: q.format, cursor: q.cursor, limit: q.limit });
    return exportResponse(await exportPage(platform, query));
  },

  'POST /exchange/import': async ({ event, platform }) => {
    const { text, format } = readUpload(event);
    return json(200, await importExchange(platform, text, format));
  },
});
