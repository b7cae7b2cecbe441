import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../functions/shared/platform.js';

/**
 * The platform's time: real time shifted by an offset that `POST /dev/clock`
 * sets for demos and tests. It keeps running; the offset is persisted so a
 * restart keeps the demo's day.
 */
export class MovableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  async load(): Promise<void> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: 'CLOCK', SK: 'CLOCK' } }));
    this.offsetMs = typeof Item?.offsetMs === 'number' ? Item.offsetMs : 0;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  async set(to: Date): Promise<void> {
    this.offsetMs = to.getTime() - Date.now();
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { PK: 'CLOCK', SK: 'CLOCK', offsetMs: this.offsetMs } }));
  }
}
