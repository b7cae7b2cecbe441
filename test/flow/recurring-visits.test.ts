import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { VisitView } from '../../domain/visit.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import { api, startTestPlatform, tokenOf, waitFor, workday } from '../support/platform.js';

describe('recurring visits', () => {
  it('make visits a horizon ahead, more as time passes, and ask first whoever took the first', async () => {
    const series = await startTestPlatform({ seedScale: 0.05, dispatchLeadDays: 60, offerTimeoutSeconds: 600 });
    try {
      const h = api(series.url);
      const token = await h.token('center', DEMO_ANCHOR.hubCenterId);
      const bureau = await h.token('bureau', '150300');
      const first = workday(series.clock.now(), 1);
      const until = new Date(Date.parse(`${first}T00:00:00Z`) + 40 * 86_400_000).toISOString().slice(0, 10);
      const res = await h.post('/visits', {
        elderId: DEMO_ANCHOR.elderId, serviceCode: 'bathing', earliestStart: `${first}T09:00:00+08:00`, latestStart: `${first}T10:00:00+08:00`,
        recurrence: { weekdays: [1, 3, 5], until },
      }, token, { 'idempotency-key': crypto.randomUUID() });
      expect(res.status).toBe(201);
      const created = (await res.json()) as { id: string; seriesId: string; instances: Array<{ id: string; earliestStart: string }> };
      // A 14-day horizon holds about six Monday/Wednesday/Friday visits.
      expect(created.instances.length).toBeGreaterThanOrEqual(5);
      expect(created.instances.length).toBeLessThanOrEqual(7);
      expect(created.instances.every((i) => [1, 3, 5].includes(((new Date(i.earliestStart.slice(0, 10)).getUTCDay() + 6) % 7) + 1))).toBe(true);
      expect(created.instances.every((i) => i.earliestStart.endsWith('T09:00:00+08:00'))).toBe(true);

      // Whoever takes the first is asked first for the next.
      const sms = async (visitId: string) => ((await (await h.get(`/dev/sms?visitId=${visitId}`)).json()) as { items: Array<{ text: string; to: string }> }).items;
      const [firstMessage] = await waitFor(async () => ((await sms(created.id)).length ? sms(created.id) : undefined), 'first offer');
      expect((await h.post(`/j/${tokenOf(firstMessage!.text)}/accept`, '', undefined, { accept: 'application/json' })).status).toBe(200);
      const taker = ((await (await h.get(`/visits/${created.id}`, bureau)).json()) as VisitView).assignment!.caregiverId;
      await series.bus.idle();
      // The next instances were dispatched at once, before the accept; a fresh one made later shows the preference.
      await series.clock.set(new Date(Date.parse(`${first}T08:00:00+08:00`) + 10 * 86_400_000));
      await series.scheduler.tick();
      await series.bus.idle();
      const later = await waitFor(async () => {
        const { items } = await series.platform.db.send(new QueryCommand({
          TableName: series.platform.config.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#${DEMO_ANCHOR.hubCenterId}#VISITS` },
        })).then((r) => ({ items: r.Items ?? [] }));
        const mine = items.filter((i) => i.seriesId === created.seriesId);
        return mine.length > created.instances.length ? mine : undefined;
      }, 'the next batch of the series');
      const fresh = later.find((i) => !created.instances.some((c) => c.id === i.id))!;
      const view = await waitFor(async () => {
        const v = (await (await h.get(`/visits/${String(fresh.id)}`, bureau)).json()) as VisitView;
        return v.offers.length ? v : undefined;
      }, 'offers of a later instance');
      expect(view.offers[0]!.caregiverId).toBe(taker);
      expect(view.offers[0]!.score!.components.preferred).toBe(1);
    } finally {
      await series.stop();
    }
  }, 90_000);

  it('refuses a series that ends before it starts', async () => {
    const series = await startTestPlatform({ seedScale: 0.05 });
    const http = api(series.url);
    const token = await http.token('center', DEMO_ANCHOR.hubCenterId);
    const first = workday(series.clock.now(), 1);
    const res = await http.post('/visits', {
      elderId: DEMO_ANCHOR.elderId, serviceCode: 'meals', earliestStart: `${first}T11:00:00+08:00`, latestStart: `${first}T11:30:00+08:00`,
      recurrence: { weekdays: [1], until: '2020-01-01' },
    }, token, { 'idempotency-key': crypto.randomUUID() });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { field: string; message: string } }).error;
    expect(error.field, error.message).toBe('recurrence.until');
    await series.stop();
  });
});
