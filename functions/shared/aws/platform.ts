import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { dynamoClients } from '../dynamo.js';
import { type Platform, readDispatchLeadDays, readOfferTimeouts, readRecurrenceHorizonDays, setPlatformFactory } from '../platform.js';
import { newId, newLinkToken, newPublicCode, residentIdHash } from '../tokens.js';
import { EventBridgePublisher } from './eventbridge-publisher.js';
import { EventBridgeScheduler } from './eventbridge-scheduler.js';
import { EndUserMessagingSms } from './sms.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Memoise an adapter so that a function builds only the clients it uses. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function awsPlatform(): Platform {
  const { dynamo, db } = dynamoClients();
  const publisher = lazy(() => new EventBridgePublisher(new EventBridgeClient({}), required('EVENT_BUS_NAME')));
  const scheduler = lazy(
    () =>
      new EventBridgeScheduler(new SchedulerClient({}), {
        groupName: required('SCHEDULE_GROUP'),
        busArn: required('EVENT_BUS_ARN'),
        roleArn: required('SCHEDULER_ROLE_ARN'),
      }),
  );
  // Fetched once per container; a failed fetch is not cached, so the next call tries again.
  let piiKey: Promise<string> | undefined;
  const piiHashKey = () =>
    (piiKey ??= new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: required('PII_HASH_KEY_SECRET_ARN') }))
      .then(({ SecretString }) => {
        if (!SecretString) throw new Error('the PII hash key secret is empty');
        return SecretString;
      })
      .catch((error: unknown) => {
        piiKey = undefined;
        throw error;
      }));
  const sms = lazy(() => new EndUserMessagingSms(new PinpointSMSVoiceV2Client({}), process.env.SMS_ORIGINATION_IDENTITY));
  return {
    config: {
      tableName: required('TABLE_NAME'),
      idempotencyTable: process.env.IDEMPOTENCY_TABLE ?? '',
      publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '',
      offerTimeoutSeconds: readOfferTimeouts(process.env),
      dispatchLeadDays: readDispatchLeadDays(process.env),
      recurrenceHorizonDays: readRecurrenceHorizonDays(process.env),
    },
    dynamo,
    db,
    clock: { now: () => new Date() },
    newId,
    newToken: newLinkToken,
    newPublicCode,
    residentIdHash: async (residentId) => residentIdHash(await piiHashKey(), residentId),
    get publisher() { return publisher(); },
    get scheduler() { return scheduler(); },
    get sms() { return sms(); },
  };
}

setPlatformFactory(awsPlatform);
