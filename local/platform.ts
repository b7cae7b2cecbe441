import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CITY_CODE } from '../domain/principal.js';
import { dynamoClients } from '../functions/shared/dynamo.js';
import { getCenter, getEnterprise } from '../functions/shared/registry-store.js';
import { type Platform, readDispatchLeadDays, readOfferTimeouts, readRecurrenceHorizonDays, readVerificationPolicy, usePlatform } from '../functions/shared/platform.js';
import { readSmsMaxPerPhonePerHour } from '../functions/shared/sms/config.js';
import { PerPhoneHourlyCap } from '../functions/shared/sms/per-phone-cap.js';
import { newId, newLinkToken, newPublicCode, residentIdHash } from '../functions/shared/tokens.js';
import { MovableClock } from './clock.js';
import { DevIssuer } from './dev-auth.js';
import { localSecret } from './secrets.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb.js';
import { LocalEventBus } from './event-bus.js';
import { localHandlers } from './handlers.js';
import { createHttpServer } from './http-server.js';
import { lambdaContext } from './lambda-context.js';
import { LocalScheduler } from './scheduler.js';
import { seedDemoCity } from './demo-city.js';
import { SmsOutbox } from './sms-outbox.js';
import { StreamReader } from './stream-reader.js';
import { ensureTables, streamArnOf, tableNames } from './tables.js';

export interface LocalPlatformOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where DynamoDB Local keeps its files; absent → in memory. */
  dataDir?: string;
  /** Use an already running DynamoDB Local instead of starting one (tests). */
  dynamoEndpoint?: string;
  /** Table name prefix, so tests can share one DynamoDB Local. */
  tablePrefix?: string;
  publicBaseUrl?: string;
  offerTimeoutSeconds?: number;
  dispatchLeadDays?: number;
  /** At most this many SMS per phone per hour; default SMS_MAX_PER_PHONE_PER_HOUR, else 10. */
  smsMaxPerPhonePerHour?: number;
  /** Seed the Wuhai demo city (default true). */
  seed?: boolean;
  /** Companies, caregivers and elders of the demo city times this (default 1); tests use small fractions. */
  seedScale?: number;
  log?: (line: string) => void;
}

export interface LocalPlatform {
  url: string;
  port: number;
  dynamoEndpoint: string;
  platform: Platform;
  clock: MovableClock;
  scheduler: LocalScheduler;
  bus: LocalEventBus;
  stop(): Promise<void>;
}

/** Lambda's timeouts for the deployed functions (infra): HTTP 10 s, the rest 30 s. */
const HTTP_TIMEOUT_MS = 10_000;
const EVENT_TIMEOUT_MS = 30_000;

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The whole platform on one machine: DynamoDB Local, the same tables, the
 * real handlers behind a local API Gateway, the outbox relay on the table's
 * stream, the event rules, the scheduler and the SMS outbox.
 */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const log = options.log ?? ((line: string) => console.log(line));
  let dynamoLocal: DynamoDbLocal | undefined;
  let endpoint = options.dynamoEndpoint;
  if (!endpoint) {
    dynamoLocal = await startDynamoDbLocal(options.dataDir ? { dataDir: resolve(join(options.dataDir, 'dynamodb')) } : {});
    endpoint = dynamoLocal.endpoint;
  }
  const clientConfig = { endpoint, region: 'local', credentials: localCredentials };
  const { dynamo, db } = dynamoClients(clientConfig);
  const names = tableNames(options.tablePrefix);
  try {
    await ensureTables(dynamo, names);
  } catch (error) {
    await dynamoLocal?.stop();
    throw error;
  }

  const clock = new MovableClock(db, names.runtime);
  await clock.load();
  const bus = new LocalEventBus(db, names.runtime, async (target, event) => {
    await localHandlers[target](event, lambdaContext(target, EVENT_TIMEOUT_MS));
  }, log);
  const scheduler = new LocalScheduler(db, names.runtime, clock, bus, log);
  // Rendered with the base URL the platform has when it sends (set below, once the port is known).
  const outbox = new SmsOutbox(db, names.runtime, clock, () => platform.config.publicBaseUrl);
  const piiHashKey = await localSecret(db, names.runtime, 'PII_HASH_KEY');
  const env = {
    ...process.env,
    ...(options.offerTimeoutSeconds ? { OFFER_TIMEOUT_SECONDS: String(options.offerTimeoutSeconds) } : {}),
    ...(options.dispatchLeadDays ? { DISPATCH_LEAD_DAYS: String(options.dispatchLeadDays) } : {}),
  };
  const platform: Platform = {
    config: {
      tableName: names.care,
      idempotencyTable: names.idempotency,
      publicBaseUrl: '',
      offerTimeoutSeconds: readOfferTimeouts(env),
      dispatchLeadDays: readDispatchLeadDays(env),
      recurrenceHorizonDays: readRecurrenceHorizonDays(env),
      verification: readVerificationPolicy(env),
    },
    dynamo,
    db,
    clock,
    newId,
    newToken: newLinkToken,
    newPublicCode,
    residentIdHash: async (residentId) => residentIdHash(piiHashKey, residentId),
    publisher: bus,
    scheduler,
    // The same per-phone cap as in AWS, on the platform's clock, so moving the clock opens a new hour.
    sms: new PerPhoneHourlyCap(outbox, {
      db,
      tableName: names.care,
      clock,
      maxPerHour: options.smsMaxPerPhonePerHour ?? readSmsMaxPerPhonePerHour(env),
      onCapped: (c) => log(`SMS not sent: ${c.maskedPhone} already had ${c.maxPerHour} this hour (${c.template}${c.visitId ? `, visit ${c.visitId}` : ''})`),
    }),
  };
  // Handlers read one platform per process; a second one started (tests) hands the first back when it stops.
  const previousPlatform = usePlatform(platform);

  const issuer = await DevIssuer.load(db, names.runtime);
  let ready = false;
  const server = createHttpServer({
    issuer,
    clock,
    outbox,
    ready: () => ready,
    invoke: async (group, event) => localHandlers[group](event, lambdaContext(group, HTTP_TIMEOUT_MS)) as never,
    orgExists: async (role, orgId) => {
      if (role === 'bureau' || role === 'admin') return orgId === CITY_CODE;
      return Boolean(role === 'center' ? await getCenter(platform, orgId) : await getEnterprise(platform, orgId));
    },
    log,
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  platform.config.publicBaseUrl = options.publicBaseUrl ?? url;

  const streams = new DynamoDBStreamsClient(clientConfig);
  const reader = new StreamReader(streams, await streamArnOf(dynamo, names.care), { db, tableName: names.runtime }, async (event) => {
    return (await localHandlers.relay(event, lambdaContext('relay', EVENT_TIMEOUT_MS))) as never;
  }, log);

  if (options.seed !== false) {
    await seedDemoCity(db, names.care, { scale: options.seedScale ?? 1, piiHashKey, log });
  }
  reader.start();
  scheduler.start();
  bus.start();
  ready = true;

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    dynamoEndpoint: endpoint,
    platform,
    clock,
    scheduler,
    bus,
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections(); // keep-alive sockets would hold close() open
        await closed;
        await reader.stop();
        await scheduler.stop();
        await bus.stop();
        streams.destroy();
        dynamo.destroy();
        await dynamoLocal?.stop();
        usePlatform(previousPlatform);
      })()),
  };
}
