/**
 * Handler groups: one Lambda function each in AWS, one module each under
 * functions/<group>/handler.ts. `needs` is what the function may touch; CDK
 * grants exactly that and nothing else.
 */
export type Need = 'readTable' | 'writeTable' | 'idempotency' | 'publishEvents' | 'scheduleEvents' | 'sendSms' | 'residentIdHash';

export interface HandlerGroup {
  description: string;
  trigger: 'http' | 'stream' | 'events';
  needs: readonly Need[];
}

export const handlerGroups = {
  public: { description: 'Health, service catalogue, OpenAPI', trigger: 'http', needs: [] },
  registry: { description: 'The city, companies, caregivers and elders', trigger: 'http', needs: ['readTable', 'writeTable', 'residentIdHash'] },
  verify: { description: 'Public verification of companies and caregivers by code', trigger: 'http', needs: ['readTable'] },
  imports: { description: 'CSV import of companies and caregivers', trigger: 'http', needs: ['readTable', 'writeTable', 'residentIdHash'] },
  visits: { description: 'Visit requests and their status', trigger: 'http', needs: ['readTable', 'writeTable', 'idempotency'] },
  // residentIdHash: "my jobs" keys its request marker by the mobile's keyed hash, the same as the phone lookup's.
  jobs: { description: "Caregiver's SMS-link pages and actions", trigger: 'http', needs: ['readTable', 'writeTable', 'residentIdHash'] },
  relay: { description: 'Outbox relay: table stream to the event bus', trigger: 'stream', needs: ['publishEvents'] },
  dispatch: { description: 'Offers visits to caregivers in waves', trigger: 'events', needs: ['readTable', 'writeTable', 'scheduleEvents'] },
  credit: { description: 'Credit records, complaints, rating statistics and the national credit exchange', trigger: 'http', needs: ['readTable', 'writeTable'] },
  ledger: { description: 'Keeps the credit archive and rating counters from events', trigger: 'events', needs: ['readTable', 'writeTable', 'scheduleEvents'] },
  // residentIdHash: "my jobs" checks that the caregiver's number on file still has the hash the request named.
  notify: { description: 'Sends caregivers their offer links by SMS', trigger: 'events', needs: ['readTable', 'writeTable', 'sendSms', 'residentIdHash'] },
} as const satisfies Record<string, HandlerGroup>;

export type GroupName = keyof typeof handlerGroups;
export type HttpGroupName = { [G in GroupName]: (typeof handlerGroups)[G]['trigger'] extends 'http' ? G : never }[GroupName];

export const groupNames = Object.keys(handlerGroups) as GroupName[];

/** Source file of a group's handler, relative to the repository root. */
export const handlerEntry = (group: GroupName) => `functions/${group}/handler.ts`;
