import '../shared/aws/platform.js';
import type { EventBridgeEvent } from 'aws-lambda';
import { parseEvent } from '../../events/catalog.js';
import { logger } from '../shared/http.js';
import { platform } from '../shared/platform.js';
import { extendSeries } from '../visits/series.js';
import { onNoShowDue, onOfferDeclined, onVisitAssigned, onVisitCancelled, onWaveDeadline, startDispatch } from './waves.js';

/** Target of the DispatchVisits rule (events/rules.ts). Redeliveries are harmless: every step re-reads and conditions its writes. */
export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const parsed = parseEvent(event.detail);
  const p = platform();
  switch (parsed.type) {
    case 'VisitRequested':
      return startDispatch(p, parsed.data.visitId);
    case 'SeriesDue':
      return extendSeries(p, parsed.data.seriesId);
    case 'DispatchDue':
      return startDispatch(p, parsed.data.visitId, true);
    case 'OfferWaveDeadline':
      return onWaveDeadline(p, parsed.data.visitId, parsed.data.wave);
    case 'VisitAssigned':
      return onVisitAssigned(p, parsed.data.visitId, parsed.data.caregiverId);
    case 'OfferDeclined':
      return onOfferDeclined(p, parsed.data.visitId);
    case 'VisitCancelled':
      return onVisitCancelled(p, parsed.data.visitId);
    case 'NoShowDue':
      return onNoShowDue(p, parsed.data.visitId, parsed.data.caregiverId);
    default:
      logger.warn('dispatch ignores event', { type: parsed.type });
  }
}
