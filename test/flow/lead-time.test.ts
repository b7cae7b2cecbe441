import { describe, expect, it } from 'vitest';
import type { VisitView } from '../../domain/visit.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import { api, startTestPlatform, waitFor, workday } from '../support/platform.js';

describe('visits requested far ahead', () => {
  it('wait until the lead time, then dispatch on the scheduled day', async () => {
    const far = await startTestPlatform({ seedScale: 0.05, dispatchLeadDays: 7 });
    try {
      const farHttp = api(far.url);
      const token = await farHttp.token('center', DEMO_ANCHOR.hubCenterId);
      const date = workday(far.clock.now(), 15);
      const res = await farHttp.post('/visits', { elderId: DEMO_ANCHOR.elderId, serviceCode: 'bathing', earliestStart: `${date}T09:00:00+08:00`, latestStart: `${date}T10:00:00+08:00` }, token, { 'idempotency-key': crypto.randomUUID() });
      const { id } = (await res.json()) as { id: string };
      await far.bus.idle();
      await new Promise((r) => setTimeout(r, 500));
      expect(((await (await farHttp.get(`/visits/${id}`, token)).json()) as VisitView).status).toBe('REQUESTED');
      // Seven days before the start, dispatch begins.
      await far.clock.set(new Date(Date.parse(`${date}T09:00:00+08:00`) - 7 * 86_400_000 + 60_000));
      await far.scheduler.tick();
      await waitFor(async () => (((await (await farHttp.get(`/visits/${id}`, token)).json()) as VisitView).status === 'OFFERED' ? true : undefined), 'dispatch on the due day');
    } finally {
      await far.stop();
    }
  }, 60_000);
});
