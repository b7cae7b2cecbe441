import '../shared/aws/platform.js';
import type { EventBridgeEvent } from 'aws-lambda';
import { parseEvent } from '../../events/catalog.js';
import { platform } from '../shared/platform.js';
import { applyToCredit } from './apply.js';

/** Target of the KeepCreditArchive rule (events/rules.ts): scores, their history and the rating counters. */
export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  await applyToCredit(platform(), parseEvent(event.detail));
}
