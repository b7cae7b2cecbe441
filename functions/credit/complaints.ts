import type * as z from 'zod';
import {
  type Complaint,
  ComplaintSchema,
  type ComplaintOutcome,
  type DecideComplaintRequest,
  type FileComplaintRequest,
  complaintRefusal,
} from '../../domain/complaint.js';
import { conflict, notFound } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { toCityTime } from '../../domain/time.js';
import { makeEvent } from '../../events/catalog.js';
import { keys, lists } from '../shared/keys.js';
import { GSI1_KEYS, type PageQuery, queryPage } from '../shared/pagination.js';
import type { Platform } from '../shared/platform.js';
import { getItem, outboxPut, parseItem, writeTogether } from '../shared/store.js';
import { getVisit, historyPut } from '../shared/visit-store.js';

const complaintItem = (c: Complaint) => ({ ...keys.complaint(c.id), ...lists.complaintsOfCity(c.status, new Date(c.filedAt).toISOString(), c.id), entity: 'Complaint', ...c });

/**
 * The owning centre complains about a visit's caregiver. One complaint per
 * visit and category (its id says so), so a double submit is a 409, not a
 * second mark against someone.
 */
export async function fileComplaint(p: Platform, centerId: string, visitId: string, request: z.infer<typeof FileComplaintRequest>): Promise<Complaint> {
  const visit = await getVisit(p, visitId);
  if (!visit || visit.centerId !== centerId) throw notFound('VISIT_NOT_FOUND', `no visit ${visitId} of yours`, 'id');
  const now = p.clock.now();
  const refusal = complaintRefusal(visit, now);
  if (refusal) throw refusal;
  const assignment = visit.assignment!;
  const at = toCityTime(now);
  const complaint: Complaint = {
    id: `${visitId}-${request.category}`,
    visitId,
    centerId,
    caregiverId: assignment.caregiverId,
    enterpriseId: assignment.enterpriseId,
    category: request.category,
    description: request.description,
    status: 'pending',
    filedAt: at,
  };
  const event = makeEvent(
    'ComplaintFiled',
    { visitId, centerId, complaintId: complaint.id, caregiverId: complaint.caregiverId, enterpriseId: complaint.enterpriseId, category: complaint.category },
    { id: p.newId(), occurredAt: at },
  );
  const written = await writeTogether(p, [
    { Put: { TableName: p.config.tableName, Item: complaintItem(complaint), ConditionExpression: 'attribute_not_exists(PK)' } },
    historyPut(p, visitId, { at, event: 'ComplaintFiled', actor: `center:${centerId}`, note: request.category }, event.id, now),
    outboxPut(p, event),
  ]);
  if (!written) throw conflict('ALREADY_COMPLAINED', `a ${request.category} complaint about this visit is already filed`, 'category');
  return complaint;
}

/** A complaint for the bureau, or for the centre that filed it; to anyone else it does not exist. */
export async function readComplaint(p: Platform, principal: Principal, id: string): Promise<Complaint> {
  const complaint = await getItem(p, ComplaintSchema, keys.complaint(id), true);
  if (!complaint || (principal.role === 'center' && complaint.centerId !== principal.orgId)) throw notFound('COMPLAINT_NOT_FOUND', `no complaint ${id}`, 'id');
  return complaint;
}

/**
 * The bureau decides, once: pending → upheld or dismissed, with its reason.
 * Only ComplaintDecided with `upheld` moves anyone's credit.
 */
export async function decideComplaint(p: Platform, bureauId: string, id: string, request: z.infer<typeof DecideComplaintRequest>): Promise<Complaint> {
  const complaint = await getItem(p, ComplaintSchema, keys.complaint(id), true);
  if (!complaint) throw notFound('COMPLAINT_NOT_FOUND', `no complaint ${id}`, 'id');
  if (complaint.status !== 'pending') throw conflict('ALREADY_DECIDED', `this complaint was already ${complaint.status}`, 'outcome');
  const now = p.clock.now();
  const at = toCityTime(now);
  const outcome: ComplaintOutcome = request.outcome;
  const decided: Complaint = { ...complaint, status: outcome, decision: { outcome, reason: request.reason, by: `bureau:${bureauId}`, at } };
  const event = makeEvent(
    'ComplaintDecided',
    { visitId: complaint.visitId, centerId: complaint.centerId, complaintId: id, caregiverId: complaint.caregiverId, enterpriseId: complaint.enterpriseId, outcome },
    { id: p.newId(), occurredAt: at },
  );
  const written = await writeTogether(p, [
    {
      Put: {
        TableName: p.config.tableName,
        Item: complaintItem(decided),
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending' },
      },
    },
    historyPut(p, complaint.visitId, { at, event: 'ComplaintDecided', actor: `bureau:${bureauId}`, note: `${complaint.category}: ${outcome} — ${request.reason}` }, event.id, now),
    outboxPut(p, event),
  ]);
  if (!written) throw conflict('ALREADY_DECIDED', 'this complaint was decided meanwhile', 'outcome');
  return decided;
}

/** The bureau's queue: complaints of one status, oldest first. */
export async function listComplaints(p: Platform, status: Complaint['status'], page: z.infer<typeof PageQuery>) {
  const result = await queryPage(
    p,
    { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': lists.complaintsOfCity(status, '', '').GSI1PK } },
    page,
    GSI1_KEYS,
  );
  return { items: result.items.map((item) => parseItem(ComplaintSchema, item)), nextCursor: result.nextCursor };
}
