import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { SmsTemplateId } from '../../../domain/sms.js';
import { isConditionFailed } from '../errors.js';
import type { Clock, SmsMessage, SmsSender } from '../platform.js';
import { maskedPhone, toE164 } from './phone.js';

/** What is logged about a message the cap held back: never the number itself. */
export interface CappedSms {
  maskedPhone: string;
  template: SmsTemplateId;
  visitId?: string;
  /** The hour window, UTC: `2026-11-30T01`. */
  hour: string;
  maxPerHour: number;
}

export interface PerPhoneCapOptions {
  db: DynamoDBDocumentClient;
  /** The platform table; counter items expire by its `ttl` attribute. */
  tableName: string;
  clock: Clock;
  maxPerHour: number;
  onCapped: (sms: CappedSms) => void;
}

/** Counters outlive their hour a little, so a late send in it still finds its count. */
const COUNTER_TTL_SECONDS = 2 * 3600;

/**
 * The counter of one phone in one hour. The number is kept only as a hash
 * (the same phone in either form gives the same key), which keeps phone
 * numbers out of keys, metrics and key-level logs; it is pseudonymous, not
 * anonymous, since mainland numbers are few enough to enumerate.
 */
export function smsCapKey(phone: string, hour: string): { PK: string; SK: string } {
  const phoneHash = createHash('sha256').update(toE164(phone)).digest('base64url');
  return { PK: `SMSCAP#${phoneHash}`, SK: `HOUR#${hour}` };
}

/**
 * At most `maxPerHour` messages per phone per clock hour, for any sender. A
 * conditional `ADD` on one counter item per phone and hour claims a slot
 * before sending, so concurrent senders cannot overshoot. A message over the
 * cap is dropped and reported to `onCapped`, never thrown: a throw would make
 * its event be redelivered, and capped again, over and over. A send that
 * fails gives its slot back, so a redelivered event is not counted twice.
 */
export class PerPhoneHourlyCap implements SmsSender {
  constructor(private readonly inner: SmsSender, private readonly options: PerPhoneCapOptions) {}

  async send(message: SmsMessage): Promise<void> {
    const { db, tableName, clock, maxPerHour } = this.options;
    const now = clock.now();
    // The city is UTC+8, a whole number of hours: UTC hours are the city's hours.
    const hour = now.toISOString().slice(0, 13);
    const Key = smsCapKey(message.to, hour);
    const hourStart = Date.parse(`${hour}:00:00Z`) / 1000;
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET #entity = :entity, #ttl = :ttl ADD #count :one',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#entity': 'entity', '#ttl': 'ttl', '#count': 'count' },
          ExpressionAttributeValues: { ':entity': 'SmsCap', ':ttl': hourStart + COUNTER_TTL_SECONDS, ':one': 1, ':max': maxPerHour },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      this.options.onCapped({
        maskedPhone: maskedPhone(message.to),
        template: message.template,
        ...(message.visitId ? { visitId: message.visitId } : {}),
        hour,
        maxPerHour,
      });
      return;
    }
    try {
      await this.inner.send(message);
    } catch (error) {
      await this.release(Key).catch(() => undefined); // best effort: the send's own error matters more
      throw error;
    }
  }

  private async release(Key: { PK: string; SK: string }): Promise<void> {
    await this.options.db.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key,
        UpdateExpression: 'ADD #count :minusOne',
        ConditionExpression: '#count > :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      }),
    );
  }
}
