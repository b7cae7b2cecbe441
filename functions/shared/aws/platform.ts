import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { dynamoClients } from '../dynamo.js';
import { type Platform, readOfferTimeouts, setPlatformFactory } from '../platform.js';
import { newId, newLinkToken, newPublicCode } from '../tokens.js';
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
  const sms = lazy(() => new EndUserMessagingSms(new PinpointSMSVoiceV2Client({}), process.env.SMS_ORIGINATION_IDENTITY));
  return {
    config: {
      tableName: required('TABLE_NAME'),
      idempotencyTable: process.env.IDEMPOTENCY_TABLE ?? '',
      publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '',
      offerTimeoutSeconds: readOfferTimeouts(process.env),
      piiHashKey: process.env.PII_HASH_KEY ?? '',
    },
    dynamo,
    db,
    clock: { now: () => new Date() },
    newId,
    newToken: newLinkToken,
    newPublicCode,
    get publisher() { return publisher(); },
    get scheduler() { return scheduler(); },
    get sms() { return sms(); },
  };
}

setPlatformFactory(awsPlatform);
