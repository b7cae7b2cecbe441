import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { Refusal, badRequest, notFound } from '../../domain/errors.js';
import { type CreateVisitRequest, planVisit } from '../../domain/visit.js';
import type { Platform } from '../shared/platform.js';
import { getElder } from '../shared/registry-store.js';
import { requestedVisitItems } from '../shared/visit-store.js';
import { createSeries } from './series.js';

interface CreateVisitInput {
  centerId: string;
  idempotencyKey: string;
  request: CreateVisitRequest;
}

/** Stores the visit, its first history entry and its VisitRequested event in one transaction. */
async function createVisit(p: Platform, { centerId, request }: CreateVisitInput) {
  const elder = await getElder(p, request.elderId);
  if (!elder) throw notFound('ELDER_NOT_FOUND', `no elder ${request.elderId}`, 'elderId');
  const now = p.clock.now();
  const visit = planVisit({ request, centerId, elder, id: p.newId(), now });
  if (request.recurrence) {
    const { series, visits } = await createSeries(p, visit, request.recurrence);
    const [first] = visits;
    if (!first) throw badRequest('INVALID_FIELD', 'recurrence: the pattern has no day between the first visit and the end of the series', 'recurrence.weekdays');
    return { id: first.id, status: first.status, seriesId: series.id, instances: visits.map((v) => ({ id: v.id, earliestStart: v.earliestStart })) };
  }
  await p.db.send(
    new TransactWriteCommand({
      // An SDK retry after a lost response must not fail as a duplicate: the
      // same token within 10 minutes makes DynamoDB answer as before.
      ClientRequestToken: visit.id,
      TransactItems: requestedVisitItems(p, visit, `center:${centerId}`, now),
    }),
  );
  return { id: visit.id, status: visit.status };
}

/**
 * The same Idempotency-Key from the same centre gives the same answer for a
 * day; the same key with another body is refused. Powertools keeps the
 * records (docs/decisions/0004-idempotency.md).
 */
const idempotentByPlatform = new WeakMap<
  Platform,
  { config: IdempotencyConfig; run: (input: CreateVisitInput) => Promise<{ id: string; status: string; seriesId?: string; instances?: Array<{ id: string; earliestStart: string }> }> }
>();

export async function createVisitOnce(p: Platform, input: CreateVisitInput, lambdaContext: Context) {
  let idempotent = idempotentByPlatform.get(p);
  if (!idempotent) {
    const config = new IdempotencyConfig({
      eventKeyJmesPath: '[centerId, idempotencyKey]',
      payloadValidationJmesPath: 'request',
      expiresAfterSeconds: 24 * 3600,
    });
    const run = makeIdempotent((i: CreateVisitInput) => createVisit(p, i), {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: p.config.idempotencyTable, awsSdkV3Client: p.dynamo }),
      config,
    });
    idempotent = { config, run };
    idempotentByPlatform.set(p, idempotent);
  }
  // A request cut short by the Lambda timeout must not hold its key for a day.
  idempotent.config.registerLambdaContext(lambdaContext);
  try {
    return await idempotent.run(input);
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new Refusal(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request', 'Idempotency-Key');
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new Refusal(409, 'REQUEST_IN_PROGRESS', 'a request with this Idempotency-Key is still being processed', 'Idempotency-Key');
    }
    throw unwrapRefusal(error);
  }
}

/** Powertools wraps errors thrown inside the function; a refusal must come out as itself. */
function unwrapRefusal(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
    if (current instanceof Refusal) return current;
    current = current.cause;
  }
  return error;
}
