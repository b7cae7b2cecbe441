import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { AnyEvent } from '../../../events/catalog.js';
import type { EventScheduler } from '../../../events/ports.js';

/**
 * One-time EventBridge Scheduler schedules that put the event on the platform
 * bus at its time (minute precision), then delete themselves.
 */
export class EventBridgeScheduler implements EventScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: { groupName: string; busArn: string; roleArn: string },
  ) {}

  async schedule({ name, at, event }: { name: string; at: Date; event: AnyEvent }) {
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.target.groupName,
          ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.target.busArn,
            RoleArn: this.target.roleArn,
            EventBridgeParameters: { Source: event.source, DetailType: event.type },
            Input: JSON.stringify(event),
          },
        }),
      );
    } catch (error) {
      // A retried dispatch schedules the same deadline again: already there is fine.
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  async cancel(name: string) {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
