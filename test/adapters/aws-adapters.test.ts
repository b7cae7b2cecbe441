import { DEFAULT_VERIFICATION_POLICY } from '../../domain/verification.js';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { smsLinkToken, smsVisitParams } from '../../domain/sms.js';
import { makeEvent } from '../../events/catalog.js';
import { handler as relay } from '../../functions/relay/handler.js';
import { EventBridgePublisher } from '../../functions/shared/aws/eventbridge-publisher.js';
import { EventBridgeScheduler } from '../../functions/shared/aws/eventbridge-scheduler.js';
import { EndUserMessagingSms } from '../../functions/shared/aws/sms.js';
import { dynamoClients } from '../../functions/shared/dynamo.js';
import { usePlatform } from '../../functions/shared/platform.js';

const eventBridge = mockClient(EventBridgeClient);
const scheduler = mockClient(SchedulerClient);
const sms = mockClient(PinpointSMSVoiceV2Client);

const offerSent = (n: number) =>
  makeEvent(
    'OfferSent',
    { visitId: 'v1', centerId: 'c1', caregiverId: `cg-${n}`, enterpriseId: 'e1', wave: 1, expiresAt: '2026-11-30T09:10:00+08:00' },
    { id: `evt-${n}`, occurredAt: '2026-11-30T09:00:00+08:00' },
  );

beforeEach(() => {
  eventBridge.reset();
  scheduler.reset();
  sms.reset();
});

describe('EventBridgePublisher', () => {
  it('sends at most 10 entries per call and reports the ids EventBridge refused', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((_, i) => (i === 2 ? { ErrorCode: 'ThrottlingException' } : { EventId: `x${i}` })),
    }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'care-dispatch');
    const events = Array.from({ length: 12 }, (_, i) => offerSent(i));
    const { failedIds } = await publisher.publish(events);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]!.args[0].input.Entries?.[0]).toMatchObject({ EventBusName: 'care-dispatch', Source: 'care-dispatch', DetailType: 'OfferSent' });
    expect(JSON.parse(calls[0]!.args[0].input.Entries![0]!.Detail!)).toEqual(events[0]);
    expect(failedIds).toEqual(['evt-2']);
  });
});

describe('EventBridgeScheduler', () => {
  const target = { groupName: 'care-dispatch', busArn: 'arn:aws:events:cn-northwest-1:1:event-bus/care-dispatch', roleArn: 'arn:aws:iam::1:role/s' };

  it('creates a one-time schedule that puts the event on the bus and deletes itself', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    const event = makeEvent('OfferWaveDeadline', { visitId: 'v1', wave: 1 }, { id: 'e', occurredAt: '2026-11-30T09:00:00+08:00' });
    await new EventBridgeScheduler(new SchedulerClient({}), target).schedule({ name: 'wave1-v1', at: new Date('2026-11-30T01:10:00.500Z'), event });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toMatchObject({
      Name: 'wave1-v1',
      GroupName: 'care-dispatch',
      ScheduleExpression: 'at(2026-11-30T01:10:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: target.busArn, RoleArn: target.roleArn, EventBridgeParameters: { Source: 'care-dispatch', DetailType: 'OfferWaveDeadline' }, Input: JSON.stringify(event) },
    });
  });

  it('treats an existing schedule and a missing one on cancel as done', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    const s = new EventBridgeScheduler(new SchedulerClient({}), target);
    const event = makeEvent('OfferWaveDeadline', { visitId: 'v1', wave: 1 }, { id: 'e', occurredAt: '2026-11-30T09:00:00+08:00' });
    await expect(s.schedule({ name: 'n', at: new Date(), event })).resolves.toBeUndefined();
    await expect(s.cancel('n')).resolves.toBeUndefined();
  });
});

describe('EndUserMessagingSms', () => {
  it('sends the rendered template as a transactional SMS to the E.164 number', async () => {
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'm1' });
    const token = 'AbCdEfGhIjKlMnOpQrSt_-';
    const sender = new EndUserMessagingSms(new PinpointSMSVoiceV2Client({}), { publicBaseUrl: 'https://ykz.wuhai.gov.cn', originationIdentity: 'pool-1' });
    await sender.send({ to: '13904731000', visitId: 'v1', template: 'offer', params: { ...smsVisitParams('bathing', '2026-11-30T09:00:00+08:00'), token: smsLinkToken(token) } });
    expect(sms.commandCalls(SendTextMessageCommand)[0]!.args[0].input).toEqual({
      DestinationPhoneNumber: '+8613904731000',
      MessageBody: `【一刻钟】助浴于30日09:00，接单https://ykz.wuhai.gov.cn/j/${token}`,
      MessageType: 'TRANSACTIONAL',
      OriginationIdentity: 'pool-1',
      Context: { template: 'offer', visitId: 'v1' },
    });
  });
});

describe('outbox relay handler', () => {
  const record = (sequence: string, item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' = 'INSERT'): DynamoDBRecord => ({
    eventName,
    dynamodb: { SequenceNumber: sequence, NewImage: marshall(item, { removeUndefinedValues: true }) as never },
  });

  beforeEach(() => {
    const { dynamo, db } = dynamoClients({ region: 'local' });
    usePlatform({
      config: { tableName: 't', idempotencyTable: 'i', publicBaseUrl: '', offerTimeoutSeconds: { routine: 1, urgent: 1 }, dispatchLeadDays: 7, recurrenceHorizonDays: 14, verification: DEFAULT_VERIFICATION_POLICY },
      dynamo,
      db,
      clock: { now: () => new Date() },
      newId: () => 'id',
      newToken: () => 'token',
      newPublicCode: () => 'CODE000000',
      residentIdHash: async (id) => id,
      publisher: new EventBridgePublisher(new EventBridgeClient({}), 'care-dispatch'),
      scheduler: { schedule: async () => undefined, cancel: async () => undefined },
      sms: { send: async () => undefined },
    });
  });

  it('publishes outbox inserts only, in order, and retries from the first refused one', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure' }] });
    const result = await relay({
      Records: [
        record('1', { PK: 'OUTBOX#evt-1', entity: 'Outbox', event: offerSent(1) }),
        record('2', { PK: 'VISIT#v1', entity: 'Visit' }),
        record('3', { PK: 'OUTBOX#evt-x', entity: 'Outbox', event: { type: 'Nonsense' } }),
        record('4', { PK: 'OUTBOX#evt-2', entity: 'Outbox', event: offerSent(2) }),
        record('5', { PK: 'OUTBOX#evt-3', entity: 'Outbox', event: offerSent(3) }, 'MODIFY'),
      ],
    });
    const sent = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).id);
    expect(sent).toEqual(['evt-1', 'evt-2']);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '4' }] });
  });
});
