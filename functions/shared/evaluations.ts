import { conflict, notFound } from '../../domain/errors.js';
import {
  type Evaluation,
  type EvaluationParty,
  type EvaluationRequest,
  EvaluationSchema,
  evaluationRefusal,
  makeEvaluation,
  reviseEvaluation,
} from '../../domain/evaluation.js';
import { cityDate, toCityTime } from '../../domain/time.js';
import type { Visit } from '../../domain/visit.js';
import { makeEvent } from '../../events/catalog.js';
import { keys } from './keys.js';
import type { Platform } from './platform.js';
import { getElder } from './registry-store.js';
import { getItem, outboxPut, writeTogether } from './store.js';
import { getVisit, historyPut, readVisit } from './visit-store.js';

/** Who is rating: the party, and the organisation or caregiver it speaks for. */
export interface Rater {
  party: EvaluationParty;
  /** The centre's or company's id, or the caregiver's. */
  id: string;
}

const actorOf = (rater: Rater) => `${rater.party === 'household' ? 'center' : rater.party}:${rater.id}`;

/**
 * The visit as read, if this rater is a party to it. Anyone else learns
 * nothing, not even that the visit exists.
 */
function ofParty(rater: Rater, visitId: string, visit: Visit | undefined): Visit {
  const isParty =
    visit &&
    (rater.party === 'center' || rater.party === 'household'
      ? visit.centerId === rater.id
      : rater.party === 'enterprise'
        ? visit.assignment?.enterpriseId === rater.id
        : visit.assignment?.caregiverId === rater.id);
  if (!isParty) throw notFound('VISIT_NOT_FOUND', `no visit ${visitId} of yours`, 'id');
  return visit;
}

export const getEvaluation = (p: Platform, visitId: string, party: EvaluationParty) => getItem(p, EvaluationSchema, keys.evaluation(visitId, party), true);

const evaluationItem = (evaluation: Evaluation) => ({ ...keys.evaluation(evaluation.visitId, evaluation.party), entity: 'Evaluation', ...evaluation });

async function evaluationEvent(p: Platform, visit: Visit, evaluation: Evaluation, at: string) {
  const assignment = visit.assignment!;
  const elder = await getElder(p, visit.elderId);
  if (!elder) throw new Error(`visit ${visit.id} refers to a missing elder`);
  return makeEvent(
    'EvaluationSubmitted',
    {
      visitId: visit.id,
      centerId: visit.centerId,
      party: evaluation.party,
      caregiverId: assignment.caregiverId,
      enterpriseId: assignment.enterpriseId,
      streetId: elder.streetId,
      serviceDate: cityDate(new Date(visit.verification!.checkOut!.at)),
      stars: evaluation.stars,
      ...(evaluation.enterpriseStars !== undefined ? { enterpriseStars: evaluation.enterpriseStars } : {}),
      revision: evaluation.revision,
    },
    { id: p.newId(), occurredAt: at },
  );
}

/**
 * A party's evaluation of a completed visit: the evaluation, a line in the
 * visit's history and the EvaluationSubmitted event in one transaction. The
 * evaluation's key is the party, so a second one fails its condition (409).
 * `read`: the visit, when the caller has just read it (the job link has).
 */
export async function submitEvaluation(p: Platform, rater: Rater, visitId: string, request: EvaluationRequest, read?: Visit): Promise<Evaluation> {
  const visit = ofParty(rater, visitId, read ?? (await getVisit(p, visitId)));
  const now = p.clock.now();
  const refusal = evaluationRefusal(visit, now);
  if (refusal) throw refusal;
  const at = toCityTime(now);
  const evaluation = makeEvaluation({ visitId, party: rater.party, by: actorOf(rater), request, at });
  const event = await evaluationEvent(p, visit, evaluation, at);
  const written = await writeTogether(p, [
    { Put: { TableName: p.config.tableName, Item: evaluationItem(evaluation), ConditionExpression: 'attribute_not_exists(PK)' } },
    historyPut(p, visitId, { at, event: 'EvaluationSubmitted', actor: evaluation.by, note: `${rater.party}: ${evaluation.stars}★` }, event.id, now),
    outboxPut(p, event),
  ]);
  if (!written) throw conflict('ALREADY_EVALUATED', 'you have already rated this visit; change it with PUT …/evaluations/mine within a day');
  return evaluation;
}

/** A party changes its own evaluation within the edit window; a concurrent change loses (409). */
export async function changeEvaluation(p: Platform, rater: Rater, visitId: string, request: EvaluationRequest): Promise<Evaluation> {
  // The visit's one Query brings its evaluations with it.
  const record = await readVisit(p, visitId);
  const visit = ofParty(rater, visitId, record?.visit);
  const existing = record?.evaluations.find((e) => e.party === rater.party);
  const now = p.clock.now();
  // Changes close with the rating week, whatever is left of the day's edit window.
  const closed = evaluationRefusal(visit, now);
  if (closed) throw closed;
  const at = toCityTime(now);
  const revised = reviseEvaluation(existing, request, now, at);
  const event = await evaluationEvent(p, visit, revised, at);
  const written = await writeTogether(p, [
    {
      Put: {
        TableName: p.config.tableName,
        Item: evaluationItem(revised),
        ConditionExpression: 'revision = :revision',
        ExpressionAttributeValues: { ':revision': existing!.revision },
      },
    },
    historyPut(p, visitId, { at, event: 'EvaluationChanged', actor: revised.by, note: `${rater.party}: ${existing!.stars}★ → ${revised.stars}★` }, event.id, now),
    outboxPut(p, event),
  ]);
  if (!written) throw conflict('CONCURRENT_CHANGE', 'the evaluation changed meanwhile; reload and try again');
  return revised;
}
