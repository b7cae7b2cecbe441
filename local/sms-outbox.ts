import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { toCityTime } from '../domain/time.js';
import type { Clock, SmsMessage, SmsSender } from '../functions/shared/platform.js';

export interface OutboxSms {
  to: string;
  text: string;
  sentAt: string;
  visitId: string | null;
}

/** The local SMS adapter: messages land in a table that `GET /dev/sms` shows. */
export class SmsOutbox implements SmsSender {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, private readonly clock: Clock) {}

  async send(message: SmsMessage): Promise<void> {
    const sentAt = this.clock.now();
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: 'SMS', SK: `${sentAt.toISOString()}#${randomUUID()}`, to: message.to, text: message.text, sentAt: toCityTime(sentAt), visitId: message.visitId ?? null },
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
      for (const i of page.Items ?? []) found.push({ to: String(i.to), text: String(i.text), sentAt: String(i.sentAt), visitId: (i.visitId as string | null) ?? null });
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && found.length < limit);
    return found.slice(0, limit);
  }
}
