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
    // As in AWS, a schedule name is unique: scheduling it again changes nothing.
    if ((await this.find(name)).length) return;
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { PK: 'SCHEDULE', SK: `${at.toISOString()}#${name}`, name, event } }));
  }

  async cancel(name: string) {
    for (const item of await this.find(name)) {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: 'SCHEDULE', SK: item.SK } }));
    }
  }

  private async find(name: string) {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        FilterExpression: '#name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':pk': 'SCHEDULE', ':name': name },
      }),
    );
    return Items;
  }

  /** Fires every schedule whose time has come. */
  async tick(): Promise<void> {
    const now = this.clock.now().toISOString();
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND SK <= :now',
        ExpressionAttributeValues: { ':pk': 'SCHEDULE', ':now': `${now}#\uffff` },
      }),
    );
    for (const item of Items) {
      const { failedIds } = await this.bus.publish([item.event as AnyEvent]);
      if (failedIds.length) continue;
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: 'SCHEDULE', SK: item.SK } }));
    }
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
