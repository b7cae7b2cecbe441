import type { AnyEvent } from './catalog.js';

/** Publishes events to the bus; returns the ids of events that were not accepted. */
export interface EventPublisher {
  publish(events: readonly AnyEvent[]): Promise<{ failedIds: string[] }>;
}

/** Delivers an event to the bus at a future time (EventBridge Scheduler in AWS). */
export interface EventScheduler {
  schedule(input: { name: string; at: Date; event: AnyEvent }): Promise<void>;
  cancel(name: string): Promise<void>;
}
