import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { dynamoClients } from '../dynamo.js';
import { logger } from '../http.js';
import { type Clock, type Platform, type SmsSender, readDispatchLeadDays, readOfferTimeouts, readRecurrenceHorizonDays, readVerificationPolicy, setPlatformFactory } from '../platform.js';
import { TencentSecret, readSmsMaxPerPhonePerHour, readSmsProvider, readTencentSmsSettings } from '../sms/config.js';
import { PerPhoneHourlyCap } from '../sms/per-phone-cap.js';
import { maskedPhone } from '../sms/phone.js';
import { RetryingSmsSender } from '../sms/retry.js';
import { type TencentCredentials, TencentCloudSms } from '../sms/tencent.js';
import { newId, newLinkToken, newPublicCode, residentIdHash } from '../tokens.js';
import { EventBridgePublisher } from './eventbridge-publisher.js';
import { EventBridgeScheduler } from './eventbridge-scheduler.js';
import { EndUserMessagingSms } from './sms.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** A secret's string, fetched once per container; a failed fetch is not cached, so the next call tries again. */
function cachedSecret(what: string, secretArn: () => string): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () =>
    (value ??= new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: secretArn() }))
      .then(({ SecretString }) => {
        if (!SecretString) throw new Error(`the secret of ${what} is empty`);
        return SecretString;
      })
      .catch((error: unknown) => {
        value = undefined;
        throw error;
      }));
}

/**
 * The configured SMS provider (SMS_PROVIDER), retried on transient failures
 * and held to SMS_MAX_PER_PHONE_PER_HOUR per phone. Each attempt is one
 * request: the SDK's own retries are off so that one policy governs.
 */
function smsSender(db: Platform['db'], tableName: string, clock: Clock): SmsSender {
  let provider: SmsSender;
  if (readSmsProvider(process.env) === 'tencent') {
    const settings = readTencentSmsSettings(process.env);
    const secret = cachedSecret('the Tencent Cloud SMS credentials', () => settings.secretArn);
    const credentials = async (): Promise<TencentCredentials> => TencentSecret.parse(JSON.parse(await secret()));
    provider = new TencentCloudSms({ ...settings, credentials });
  } else {
    provider = new EndUserMessagingSms(new PinpointSMSVoiceV2Client({ maxAttempts: 1 }), {
      publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '',
      ...(process.env.SMS_ORIGINATION_IDENTITY ? { originationIdentity: process.env.SMS_ORIGINATION_IDENTITY } : {}),
    });
  }
  const retrying = new RetryingSmsSender(provider, {
    onRetry: ({ attempt, delayMs, error, message }) =>
      logger.warn('SMS send failed, retrying', { attempt, delayMs, template: message.template, visitId: message.visitId, phone: maskedPhone(message.to), error: (error as Error).message }),
  });
  return new PerPhoneHourlyCap(retrying, {
    db,
    tableName,
    clock,
    maxPerHour: readSmsMaxPerPhonePerHour(process.env),
    onCapped: (capped) => logger.warn('SMS not sent: the phone reached its hourly cap', { ...capped }),
  });
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
  const piiHashKey = cachedSecret('the PII hash key', () => required('PII_HASH_KEY_SECRET_ARN'));
  const clock: Clock = { now: () => new Date() };
  const sms = lazy(() => smsSender(db, required('TABLE_NAME'), clock));
  return {
    config: {
      tableName: required('TABLE_NAME'),
      idempotencyTable: process.env.IDEMPOTENCY_TABLE ?? '',
      publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '',
      offerTimeoutSeconds: readOfferTimeouts(process.env),
      dispatchLeadDays: readDispatchLeadDays(process.env),
      recurrenceHorizonDays: readRecurrenceHorizonDays(process.env),
      verification: readVerificationPolicy(process.env),
    },
    dynamo,
    db,
    clock,
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
