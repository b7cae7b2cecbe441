import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { AnyEvent } from '../events/catalog.js';
import type { EventPublisher } from '../events/ports.js';
import { type EventRule, eventPattern, eventRules } from '../events/rules.js';
import { matchesPattern } from './pattern.js';

export type Deliver = (target: EventRule['target'], event: EventBridgeEvent<string, AnyEvent>) => Promise<void>;

/** Attempts per delivery; EventBridge retries for longer, but locally a stuck handler should show up fast. */
const MAX_ATTEMPTS = 4;

/**
 * The local stand-in for the EventBridge bus: matches each event against the
 * same rules CDK deploys and delivers it to the rule's target asynchronously,
 * retrying with backoff like EventBridge does.
 */
export class LocalEventBus implements EventPublisher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deliver: Deliver, private readonly log: (line: string) => void) {}

  async publish(events: readonly AnyEvent[]) {
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
      for (const rule of eventRules.filter((r) => matchesPattern(eventPattern(r), envelope))) {
        const delivery = this.deliverWithRetry(rule, envelope).finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
    return { failedIds: [] };
  }

  private async deliverWithRetry(rule: EventRule, envelope: EventBridgeEvent<string, AnyEvent>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deliver(rule.target, envelope);
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) {
          this.log(`rule ${rule.name}: ${envelope['detail-type']} ${envelope.detail.id} failed after ${attempt} attempts: ${(error as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  /** Resolves once every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }
}
