import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AnyEvent } from '../events/catalog.js';
import type { EventPublisher, EventScheduler } from '../events/ports.js';
import type { Clock } from '../functions/shared/platform.js';

/**
 * The local stand-in for EventBridge Scheduler: one-time schedules kept in the
 * local runtime table (so a restart loses none), fired onto the local bus when
 * the platform clock passes their time — moving the clock moves deadlines.
 */
export class LocalScheduler implements EventScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly bus: EventPublisher,
    private readonly log: (line: string) => void,
  ) {}

  async schedule({ name, at, event }: { name: string; at: Date; event: AnyEvent }) {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { PK: 'SCHEDULE', SK: name, at: at.toISOString(), event },
          // As in AWS, a schedule name is unique: scheduling it again changes nothing.
          ConditionExpression: 'attribute_not_exists(SK)',
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }

  async cancel(name: string) {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: 'SCHEDULE', SK: name } }));
  }

  /** Fires every schedule whose time has come (a local partition of a few items: read whole). */
  async tick(): Promise<void> {
    const now = this.clock.now().toISOString();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          FilterExpression: '#at <= :now',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':pk': 'SCHEDULE', ':now': now },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { failedIds } = await this.bus.publish([item.event as AnyEvent]);
        if (failedIds.length) continue;
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: 'SCHEDULE', SK: item.SK } }));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  start(intervalMs = 250): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .catch((error: Error) => this.log(`scheduler: ${error.message}`))
        .finally(() => (this.ticking = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }
}
