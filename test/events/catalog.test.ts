import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_VERSION, eventJsonSchemas, eventTypes, makeEvent, safeParseEvent } from '../../events/catalog.js';
import { schemaFileName, schemasDir } from '../../events/schema-files.js';
import { eventPattern, eventRules } from '../../events/rules.js';
import { handlerGroups } from '../../functions/groups.js';
import { matchesPattern } from '../../local/pattern.js';

describe('event catalogue', () => {
  it('covers every event of the design, each with a JSON Schema', () => {
    const design = ['VisitRequested', 'OfferSent', 'OfferDeclined', 'OfferExpired', 'VisitAssigned', 'VisitUnfilled', 'VisitCancelled',
      'VisitCheckedIn', 'VisitCompleted', 'VisitNoShow', 'EvaluationSubmitted', 'CertificateExpiring'];
    expect(eventTypes).toEqual(expect.arrayContaining(design));
    const schemas = eventJsonSchemas();
    for (const type of eventTypes) {
      expect(schemas[type]).toMatchObject({ type: 'object', properties: { type: { const: type }, version: { const: 1 } } });
    }
  });

  it('validates envelopes by type', () => {
    const event = makeEvent('VisitUnfilled', { visitId: 'v1', centerId: 'c1', reason: 'none' }, { id: 'e1', occurredAt: '2026-11-30T09:00:00+08:00' });
    expect(safeParseEvent(event).success).toBe(true);
    expect(safeParseEvent({ ...event, data: { visitId: 'v1' } }).success).toBe(false);
    expect(safeParseEvent({ ...event, type: 'Unknown' }).success).toBe(false);
  });

  it('routes each rule to an event-driven handler group, by source and detail-type', () => {
    for (const rule of eventRules) {
      expect(handlerGroups[rule.target].trigger).toBe('events');
      for (const type of rule.detailTypes) {
        expect(matchesPattern(eventPattern(rule), { source: 'care-dispatch', 'detail-type': type, detail: {} })).toBe(true);
        expect(matchesPattern(eventPattern(rule), { source: 'someone-else', 'detail-type': type })).toBe(false);
      }
    }
  });
});

describe('pattern matching', () => {
  it('matches nested values and lists, and refuses operators it does not know', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['Outbox'] } } } };
    expect(matchesPattern(pattern, { eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'Outbox' } } } })).toBe(true);
    expect(matchesPattern(pattern, { eventName: 'MODIFY', dynamodb: { NewImage: { entity: { S: 'Outbox' } } } })).toBe(false);
    expect(matchesPattern(pattern, { eventName: 'INSERT', dynamodb: {} })).toBe(false);
    expect(matchesPattern({ tags: ['a'] }, { tags: ['b', 'a'] })).toBe(true);
    expect(() => matchesPattern({ n: [{ prefix: 'x' }] as never }, { n: 'x' })).toThrow(/unsupported/);
  });
});

describe('exported JSON Schemas', () => {
  it('are up to date with the zod schemas (run `npm run schemas` after a change)', () => {
    for (const [type, schema] of Object.entries(eventJsonSchemas())) {
      const file = new URL(schemaFileName(type, EVENT_VERSION), schemasDir);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(schema);
    }
  });
});
