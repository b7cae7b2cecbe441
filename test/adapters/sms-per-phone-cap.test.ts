import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { smsVisitParams } from '../../domain/sms.js';
import { dynamoClients } from '../../functions/shared/dynamo.js';
import type { SmsMessage, SmsSender } from '../../functions/shared/platform.js';
import { SmsSendError } from '../../functions/shared/sms/errors.js';
import { type CappedSms, PerPhoneHourlyCap, smsCapKey } from '../../functions/shared/sms/per-phone-cap.js';
import { RetryingSmsSender } from '../../functions/shared/sms/retry.js';
import { ensureTables, tableNames } from '../../local/tables.js';

// The cap against DynamoDB Local: the conditional counter is the whole point, so no mock.
const { dynamo, db } = dynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const names = tableNames(`t${randomBytes(4).toString('hex')}_`);

beforeAll(async () => {
  await ensureTables(dynamo, names);
}, 60_000);
afterAll(() => dynamo.destroy());

const when = smsVisitParams('bathing', '2026-11-30T09:00:00+08:00');
const sms = (to: string, visitId = 'v1'): SmsMessage => ({ to, visitId, template: 'cancelled', params: when });

/** Records what got through to the provider. */
class RecordingSender implements SmsSender {
  readonly sent: SmsMessage[] = [];
  failNext = 0;
  async send(message: SmsMessage) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new SmsSendError('provider down', { transient: true, code: 'InternalError.Timeout' });
    }
    this.sent.push(message);
  }
}

let now: Date;
let inner: RecordingSender;
let capped: CappedSms[];
let phone: string;
const capOf = (maxPerHour: number, sender: SmsSender = inner) =>
  new PerPhoneHourlyCap(sender, { db, tableName: names.care, clock: { now: () => now }, maxPerHour, onCapped: (c) => void capped.push(c) });
const counter = async (at = now) => (await db.send(new GetCommand({ TableName: names.care, Key: smsCapKey(phone, at.toISOString().slice(0, 13)) }))).Item;

beforeEach(() => {
  now = new Date('2026-11-30T01:15:00Z'); // 09:15 in the city
  inner = new RecordingSender();
  capped = [];
  // A phone of its own per test: counters live in one table for the whole file.
  phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
});

describe('PerPhoneHourlyCap on DynamoDB Local', () => {
  it('lets the first N through in an hour, drops the rest without throwing, and logs them masked', async () => {
    const cap = capOf(3);
    for (let i = 0; i < 5; i++) await expect(cap.send(sms(phone, `v${i}`))).resolves.toBeUndefined();
    expect(inner.sent.map((m) => m.visitId)).toEqual(['v0', 'v1', 'v2']);
    expect(capped).toHaveLength(2);
    expect(capped[0]).toEqual({ maskedPhone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, template: 'cancelled', visitId: 'v3', hour: '2026-11-30T01', maxPerHour: 3 });
    expect(JSON.stringify(capped)).not.toContain(phone);
  });

  it('counts the same phone in either form, and other phones apart', async () => {
    const cap = capOf(2);
    await cap.send(sms(phone));
    await cap.send(sms(`+86${phone}`));
    await cap.send(sms(phone));
    await cap.send(sms('13800000001'));
    expect(inner.sent.map((m) => m.to)).toEqual([phone, `+86${phone}`, '13800000001']);
    expect(capped.map((c) => c.maskedPhone)).toEqual([`${phone.slice(0, 3)}****${phone.slice(-4)}`]);
  });

  it('opens a new window each clock hour', async () => {
    const cap = capOf(1);
    await cap.send(sms(phone));
    now = new Date('2026-11-30T01:59:59Z');
    await cap.send(sms(phone));
    now = new Date('2026-11-30T02:00:00Z');
    await cap.send(sms(phone));
    expect(inner.sent).toHaveLength(2);
    expect(capped.map((c) => c.hour)).toEqual(['2026-11-30T01']);
  });

  it('keeps the counter under a hashed key, with a TTL after its hour', async () => {
    await capOf(5).send(sms(phone));
    const item = await counter();
    expect(item).toMatchObject({ entity: 'SmsCap', count: 1, ttl: Date.parse('2026-11-30T03:00:00Z') / 1000 });
    expect(JSON.stringify(item)).not.toContain(phone.slice(3));
  });

  it('holds under concurrency: of 12 sends at once with a cap of 4, exactly 4 go out', async () => {
    const cap = capOf(4);
    await Promise.all(Array.from({ length: 12 }, (_, i) => cap.send(sms(phone, `v${i}`))));
    expect(inner.sent).toHaveLength(4);
    expect(capped).toHaveLength(8);
    expect((await counter())?.count).toBe(4);
  });

  it('gives the slot back when the send fails, so the redelivered event is not counted twice', async () => {
    const cap = capOf(1);
    inner.failNext = 1;
    await expect(cap.send(sms(phone))).rejects.toThrow('provider down');
    expect((await counter())?.count).toBe(0);
    await cap.send(sms(phone)); // the redelivery
    expect(inner.sent).toHaveLength(1);
    expect(capped).toEqual([]);
  });

  it('counts a message once, however many attempts the retry inside it makes', async () => {
    inner.failNext = 2;
    const cap = capOf(10, new RetryingSmsSender(inner, { sleep: async () => undefined }));
    await cap.send(sms(phone));
    expect(inner.sent).toHaveLength(1);
    expect((await counter())?.count).toBe(1);
  });
});
