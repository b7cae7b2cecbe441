import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AnyEvent } from '../../../events/catalog.js';
import type { EventPublisher } from '../../../events/ports.js';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

export class EventBridgePublisher implements EventPublisher {
  constructor(private readonly client: EventBridgeClient, private readonly busName: string) {}

  async publish(events: readonly AnyEvent[]) {
    const failedIds: string[] = [];
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const chunk = events.slice(i, i + MAX_ENTRIES);
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((event) => ({
            EventBusName: this.busName,
            Source: event.source,
            DetailType: event.type,
            Detail: JSON.stringify(event),
            Time: new Date(event.occurredAt),
          })),
        }),
      );
      // Entries come back in request order; a failed one carries an ErrorCode.
      result.Entries?.forEach((entry, index) => {
        const event = chunk[index];
        if (event && entry.ErrorCode) failedIds.push(event.id);
      });
    }
    return { failedIds };
  }
}
