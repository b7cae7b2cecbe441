import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { renderSms, type SmsTemplateId } from '../domain/sms.js';
import { toCityTime } from '../domain/time.js';
import type { Clock, SmsMessage, SmsSender } from '../functions/shared/platform.js';

export interface OutboxSms {
  to: string;
  /** As the phone would show it, rendered from the template. */
  text: string;
  /** The registered template it came from; absent on messages stored before templates existed. */
  template: SmsTemplateId | null;
  sentAt: string;
  visitId: string | null;
}

/**
 * The local SMS adapter: messages land in a table that `GET /dev/sms` shows,
 * rendered to text with the platform's base URL (read at send time: the
 * local runtime learns its port only once it listens).
 */
export class SmsOutbox implements SmsSender {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly publicBaseUrl: () => string,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const sentAt = this.clock.now();
    const text = renderSms(message, this.publicBaseUrl());
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: 'SMS', SK: `${sentAt.toISOString()}#${randomUUID()}`, to: message.to, text, template: message.template, sentAt: toCityTime(sentAt), visitId: message.visitId ?? null },
      }),
    );
  }

  /** Newest first; all of one visit's messages with `visitId`, else the latest `limit`. */
  async list(options: { limit?: number; visitId?: string } = {}): Promise<OutboxSms[]> {
    const limit = options.limit ?? 100;
    const found: OutboxSms[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ...(options.visitId ? { FilterExpression: 'visitId = :visit' } : {}),
          ExpressionAttributeValues: { ':pk': 'SMS', ...(options.visitId ? { ':visit': options.visitId } : {}) },
          ScanIndexForward: false,
          ExclusiveStartKey,
        }),
      );
      for (const i of page.Items ?? []) {
        found.push({ to: String(i.to), text: String(i.text), template: (i.template as SmsTemplateId | undefined) ?? null, sentAt: String(i.sentAt), visitId: (i.visitId as string | null) ?? null });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && found.length < limit);
    return found.slice(0, limit);
  }
}
