import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { AnyEvent } from '../events/catalog.js';
import type { EventPublisher } from '../events/ports.js';
import { type EventRule, eventPattern, eventRules } from '../events/rules.js';
import { matchesPattern } from './pattern.js';

export type Deliver = (target: EventRule['target'], event: EventBridgeEvent<string, AnyEvent>) => Promise<void>;

/** Attempts per delivery before it is set aside (the deployed rules retry, then use a dead-letter queue). */
const MAX_ATTEMPTS = 8;
/** Deliveries running at once, as a few concurrent Lambda invocations would. */
const CONCURRENCY = 4;

interface PendingDelivery {
  SK: string;
  target: EventRule['target'];
  rule: string;
  envelope: EventBridgeEvent<string, AnyEvent>;
  attempts: number;
  notBefore: number;
}

/**
 * The local stand-in for the EventBridge bus: matches each event against the
 * same rules CDK deploys and delivers it to the rule's target. Like
 * EventBridge, it accepts an event durably before it answers: each delivery
 * is first written to the local runtime table and removed only once the
 * target has handled it, so a crash or restart loses nothing. Failed
 * deliveries are retried with backoff; at last they go to a dead-letter
 * partition and the log.
 */
export class LocalEventBus implements EventPublisher {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly running = new Set<string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly deliver: Deliver,
    private readonly log: (line: string) => void,
  ) {}

  async publish(events: readonly AnyEvent[]) {
    const failedIds: string[] = [];
    for (const event of events) {
      const envelope: EventBridgeEvent<string, AnyEvent> = {
        version: '0',
        id: randomUUID(),
        'detail-type': event.type,
        source: event.source,
        account: '000000000000',
        time: new Date(event.occurredAt).toISOString(),
        region: 'local',
        resources: [],
        detail: event,
      };
      try {
        for (const rule of eventRules.filter((r) => matchesPattern(eventPattern(r), envelope))) {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { PK: 'DELIVERY', SK: `${Date.now().toString().padStart(15, '0')}#${randomUUID()}`, target: rule.target, rule: rule.name, envelope, attempts: 0, notBefore: 0 },
            }),
          );
        }
      } catch (error) {
        this.log(`event bus: could not accept ${event.type} ${event.id}: ${(error as Error).message}`);
        failedIds.push(event.id);
      }
    }
    this.kick();
    return { failedIds };
  }

  start(intervalMs = 100): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.draining;
  }

  /** Resolves once nothing is waiting for delivery (retries with backoff included). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.draining;
      const { Items = [] } = await this.db.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'DELIVERY' }, Limit: 1 }),
      );
      if (Items.length === 0 && this.running.size === 0) return;
      this.kick();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('event bus: deliveries still pending');
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain()
      .catch((error: Error) => this.log(`event bus: ${error.message}`))
      .finally(() => (this.draining = undefined));
  }

  /** Delivers what is due, oldest first, a few at a time, until nothing due is left. */
  private async drain(): Promise<void> {
    for (;;) {
      const { Items = [] } = await this.db.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'DELIVERY' }, Limit: 50 }),
      );
      const due = (Items as PendingDelivery[]).filter((d) => d.notBefore <= Date.now() && !this.running.has(d.SK)).slice(0, CONCURRENCY);
      if (due.length === 0) return;
      await Promise.all(due.map((d) => this.attempt(d)));
    }
  }

  private async attempt(delivery: PendingDelivery): Promise<void> {
    this.running.add(delivery.SK);
    try {
      await this.deliver(delivery.target, delivery.envelope);
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: 'DELIVERY', SK: delivery.SK } }));
    } catch (error) {
      const attempts = delivery.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        this.log(`rule ${delivery.rule}: ${delivery.envelope['detail-type']} ${delivery.envelope.detail.id} failed ${attempts} times, set aside: ${(error as Error).message}`);
        await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...delivery, PK: 'DEADLETTER', error: (error as Error).message } }));
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: 'DELIVERY', SK: delivery.SK } }));
      } else {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { PK: 'DELIVERY', SK: delivery.SK },
            UpdateExpression: 'SET attempts = :a, notBefore = :t',
            ExpressionAttributeValues: { ':a': attempts, ':t': Date.now() + 100 * 2 ** attempts },
          }),
        );
      }
    } finally {
      this.running.delete(delivery.SK);
    }
  }
}
