import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsLinkToken, smsVisitParams } from '../../domain/sms.js';
import type { SmsMessage } from '../../functions/shared/platform.js';
import type { LocalPlatform } from '../../local/platform.js';
import { startTestPlatform } from '../support/platform.js';

// The local runtime's SMS sender: the outbox behind the same per-phone cap as in AWS.
let local: LocalPlatform & { logs: string[] };

beforeAll(async () => {
  local = await startTestPlatform({ seed: false, smsMaxPerPhonePerHour: 2 });
}, 60_000);
afterAll(() => local.stop());

interface OutboxItem {
  to: string;
  text: string;
  template: string | null;
  visitId: string | null;
}
const outbox = async () => ((await (await fetch(`${local.url}/dev/sms`)).json()) as { items: OutboxItem[] }).items;

const token = smsLinkToken('AbCdEfGhIjKlMnOpQrSt_-');
const offer = (visitId: string): SmsMessage => ({ to: '13512345678', visitId, template: 'offer', params: { ...smsVisitParams('meals', '2026-11-30T09:00:00+08:00'), token } });

describe('the local SMS outbox', () => {
  it('stores the rendered text with its template, and holds a phone to the hourly cap on the platform clock', async () => {
    for (const visitId of ['a', 'b', 'c']) await local.platform.sms.send(offer(visitId));
    const items = await outbox();
    expect(items.map((m) => m.visitId).sort()).toEqual(['a', 'b']);
    expect(items[0]).toMatchObject({ to: '13512345678', template: 'offer', text: `【一刻钟】助餐于30日09:00，接单${local.url}/j/${token}` });
    expect(local.logs).toContain('SMS not sent: 135****5678 already had 2 this hour (offer, visit c)');
    expect(local.logs.join('\n')).not.toContain('13512345678');

    // An hour later on the platform's clock, the phone may receive again.
    await local.clock.set(new Date(local.clock.now().getTime() + 3_600_000));
    await local.platform.sms.send(offer('d'));
    expect((await outbox()).map((m) => m.visitId).sort()).toEqual(['a', 'b', 'd']);
  });
});
