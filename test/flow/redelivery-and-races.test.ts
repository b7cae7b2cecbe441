import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitView } from '../../domain/visit.js';
import { type AnyEvent, makeEvent } from '../../events/catalog.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import { localHandlers } from '../../local/handlers.js';
import { lambdaContext } from '../../local/lambda-context.js';
import type { LocalPlatform } from '../../local/platform.js';
import { type Api, api, startTestPlatform, tokenOf, waitFor, workday } from '../support/platform.js';

let local: LocalPlatform;
let http: Api;
let center: string;

interface Sms { to: string; text: string; visitId: string | null }

const day = (n: number) => workday(local.clock.now(), n);

async function offeredVisit(n: number): Promise<VisitView> {
  const res = await http.post(
    '/visits',
    { elderId: DEMO_ANCHOR.elderId, serviceCode: 'bathing', earliestStart: `${day(n)}T09:00:00+08:00`, latestStart: `${day(n)}T10:00:00+08:00` },
    center,
    { 'idempotency-key': crypto.randomUUID() },
  );
  const { id } = (await res.json()) as { id: string };
  await waitFor(async () => ((await sms(id)).length > 0 ? true : undefined), 'offer SMS');
  return visit(id);
}

const visit = async (id: string) => (await (await http.get(`/visits/${id}`, center)).json()) as VisitView;
const sms = async (visitId: string) => ((await (await http.get('/dev/sms')).json()) as { items: Sms[] }).items.filter((m) => m.visitId === visitId);

/** Hands the dispatch or notify handler an event again, exactly as the bus would. */
async function redeliver(target: 'dispatch' | 'notify', event: AnyEvent) {
  const envelope: EventBridgeEvent<string, AnyEvent> = {
    version: '0', id: crypto.randomUUID(), 'detail-type': event.type, source: event.source, account: '000000000000',
    time: new Date(event.occurredAt).toISOString(), region: 'local', resources: [], detail: event,
  };
  await localHandlers[target](envelope, lambdaContext(target, 30_000));
}

beforeAll(async () => {
  local = await startTestPlatform({ offerTimeoutSeconds: 120, seedScale: 0.05 });
  http = api(local.url);
  center = await http.token('center', DEMO_ANCHOR.hubCenterId);
});

afterAll(async () => {
  await local?.stop();
});

describe('events delivered twice change nothing', () => {
  it('VisitRequested, OfferSent and OfferWaveDeadline, redelivered', async () => {
    const v = await offeredVisit(1);
    const meta = () => ({ id: crypto.randomUUID(), occurredAt: v.createdAt });
    await redeliver('dispatch', makeEvent('VisitRequested', {
      visitId: v.id, centerId: v.centerId, elderId: v.elderId, serviceCode: v.serviceCode, earliestStart: v.earliestStart, latestStart: v.latestStart, urgency: v.urgency,
    }, meta()));
    const offer = v.offers[0]!;
    await redeliver('notify', makeEvent('OfferSent', {
      visitId: v.id, centerId: v.centerId, caregiverId: offer.caregiverId, enterpriseId: offer.enterpriseId, wave: 1, expiresAt: offer.expiresAt,
    }, meta()));
    const after = await visit(v.id);
    expect(after.offers).toEqual(v.offers);
    expect(after.history).toEqual(v.history);
    expect(await sms(v.id)).toHaveLength(v.offers.length);

    // The deadline twice: one expiry, one next wave.
    await local.clock.set(new Date(new Date(offer.expiresAt).getTime() + 1000));
    const deadline = makeEvent('OfferWaveDeadline', { visitId: v.id, wave: 1 }, meta());
    await redeliver('dispatch', deadline);
    await redeliver('dispatch', deadline);
    const expired = await visit(v.id);
    expect(expired.history.filter((h) => h.event === 'OfferExpired')).toHaveLength(1);
    expect(expired.wave).toBe(2);
  });
});

describe('an accept and a deadline at the same moment', () => {
  it('an accept after the offer expired is refused, and the deadline moves on', async () => {
    const v = await offeredVisit(2);
    const [message] = await sms(v.id);
    await local.clock.set(new Date(new Date(v.offers[0]!.expiresAt).getTime() + 1000));
    const late = await http.post(`/j/${tokenOf(message!.text)}/accept`, '', undefined, { accept: 'application/json' });
    expect(late.status).toBe(410);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('OFFER_EXPIRED');
    await local.scheduler.tick();
    await waitFor(async () => ((await visit(v.id)).wave === 2 || (await visit(v.id)).status === 'UNFILLED' ? true : undefined), 'the next wave');
  });

  it('an accept before the deadline wins; the deadline then does nothing', async () => {
    const v = await offeredVisit(3);
    const [message] = await sms(v.id);
    expect((await http.post(`/j/${tokenOf(message!.text)}/accept`, '', undefined, { accept: 'application/json' })).status).toBe(200);
    await redeliver('dispatch', makeEvent('OfferWaveDeadline', { visitId: v.id, wave: 1 }, { id: crypto.randomUUID(), occurredAt: v.createdAt }));
    const after = await visit(v.id);
    expect(after.status).toBe('ASSIGNED');
    expect(after.history.map((h) => h.event)).not.toContain('OfferExpired');
  });
});

describe('links and tokens that are not right', () => {
  it('a replaced link says so; a malformed path is a 400, not a 500', async () => {
    const v = await offeredVisit(4);
    const [message] = await sms(v.id);
    const old = tokenOf(message!.text)!;
    // The offer this SMS belongs to: its caregiver has the phone it went to.
    const bureau = await http.token('bureau', '150300');
    const phones = await Promise.all(v.offers.map(async (o) => ((await (await http.get(`/caregivers/${o.caregiverId}`, bureau)).json()) as { phone: string }).phone));
    const offer = v.offers[phones.indexOf(message!.to)]!;
    // Mint a new link for the same offer, as a redelivery before the SMS went out would.
    await local.platform.db.send(new UpdateCommand({
      TableName: local.platform.config.tableName,
      Key: { PK: `VISIT#${v.id}`, SK: `OFFER#${offer.caregiverId}` },
      UpdateExpression: 'SET linkHash = :other',
      ExpressionAttributeValues: { ':other': 'f'.repeat(64) },
    }));
    const page = await http.get(`/j/${old}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('此链接已被新链接替换');
    expect((await http.get('/j/%ZZ')).status).toBe(400);
    expect((await http.get('/visits/%ZZ', center)).status).toBe(400);
    expect((await http.get('/visits/not%20an%20id', center)).status).toBe(400);
  });

  it('tokens for other roles, other audiences or without a signature are refused', async () => {
    expect((await http.get('/elders', await http.token('bureau', '150300'))).status).toBe(403);
    const [header, payload] = center.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, aud: 'someone-else' })).toString('base64url')}.${center.split('.')[2]}`;
    expect((await http.get('/elders', forged)).status).toBe(401);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    expect((await http.get('/elders', unsigned)).status).toBe(401);
    expect((await http.get('/elders', center.replace(/^Bearer /, ''))).status).toBe(200);
  });
});

