/**
 * `npm run bench:dispatch`: a simulated week of demand on the demo city, run
 * through the real platform (HTTP API, relay, bus, dispatch, SMS outbox)
 * against DynamoDB Local. BENCH_SCALES (default "1"; the issue's full run is
 * "1,16") and BENCH_DAYS (default 7) size it. Writes bench/results/dispatch.json.
 *
 * Demand: each elder asks for a visit on a given day with probability 1%
 * (care level raises it), for a service drawn from a fixed mix, in a one-hour
 * window between 08:00 and 17:00, requested the evening before.
 *
 * Acceptance model: a caregiver offered a visit accepts with probability
 * 0.85 − 0.03 × travel minutes − 0.15 × (visits already that day / daily
 * cap), bounded to [0.05, 0.95], after 1–15 minutes. Those who do not accept
 * decline (half of them, after 1–15 minutes) or let the offer run out (the
 * other half: the full deadline counts toward time to fill). A wave's silence
 * is sent as declines once the wave is decided, so the next wave follows
 * without moving the platform's clock; time to fill adds what each wave
 * would have taken.
 *
 * Floors and bounds, measured or computed in the same run:
 *   travelVsOptimum: mean travel of filled visits ÷ mean of each visit's
 *     nearest eligible caregiver (a relaxation of the per-slot assignment, so
 *     a lower bound on the optimum; the ratio can only overstate the gap).
 *   workloadGini: over the caregivers who were offered at least one visit.
 *   rcuPerDispatch vs rcuFloorPerDispatch: read capacity the dispatch
 *     function consumed (ReturnConsumedCapacity) ÷ dispatch invocations,
 *     against reading only the visit, the elder and the eligible caregivers'
 *     items (0.5 RCU each).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { VisitView } from '../domain/visit.js';

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startLocalPlatform } = await import('../local/platform.js');
const { generateDemoCity } = await import('../local/demo-city.js');
const { localHandlers } = await import('../local/handlers.js');
const { selectCandidates } = await import('../domain/dispatch.js');
const { cityDate } = await import('../domain/time.js');


const scales = (process.env.BENCH_SCALES ?? '1').split(',').map(Number);
const DAYS = Number(process.env.BENCH_DAYS ?? 7);
const OFFER_TIMEOUT_MIN = 10;

/** mulberry32: a small seeded generator. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const serviceMix: Array<[string, number]> = [
  ['cleaning', 0.3], ['meals', 0.2], ['bathing', 0.1], ['medical', 0.1], ['companionship', 0.1], ['shopping', 0.08], ['personalCare', 0.07], ['laundry', 0.05],
];
const careLevelFactor: Record<string, number> = { intact: 0.5, mild: 1, moderate: 1.5, severe: 2, complete: 2 };

function gini(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const weighted = sorted.reduce((acc, v, i) => acc + (2 * (i + 1) - sorted.length - 1) * v, 0);
  return weighted / (sorted.length * total);
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function runScale(scale: number) {
  // Demand has its own draws, so every run asks for the same visits; answers vary a little with dispatch order.
  const demand = random(20261129 + scale);
  const rng = random(1129 + scale);
  const city = generateDemoCity({ scale });
  const enterprises = new Map(city.enterprises.map((e) => [e.enterprise.id, e.enterprise]));
  const pool = city.caregivers.map((c) => ({ caregiver: c.caregiver, enterprise: enterprises.get(c.caregiver.enterpriseId) }));
  const phoneOf = new Map(city.caregivers.map((c) => [c.caregiver.phone, c.caregiver.id]));

  const seedStart = Date.now();
  const local = await startLocalPlatform({ port: 0, seedScale: scale, offerTimeoutSeconds: OFFER_TIMEOUT_MIN * 60, dispatchLeadDays: 60, log: () => undefined });
  console.log(`scale ${scale}: seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  // Read capacity of the dispatch function only: its invocations run inside this context.
  const inDispatch = new AsyncLocalStorage<boolean>();
  let dispatchRcu = 0;
  let dispatchInvocations = 0;
  local.platform.dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (inDispatch.getStore()) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (inDispatch.getStore()) {
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) dispatchRcu += c.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  const dispatch = localHandlers.dispatch;
  localHandlers.dispatch = (event, context) => {
    dispatchInvocations++;
    return inDispatch.run(true, () => dispatch(event, context));
  };

  const base = local.url;
  const tokenFor = async (role: string, orgId: string) =>
    ((await (await fetch(`${base}/auth/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, orgId }) })).json()) as { token: string }).token;
  const bureau = await tokenFor('bureau', '150300');
  const centerTokens = new Map<string, string>();

  const visits: Array<{ id: string; elderId: string; hasEligible: boolean; nearest: number | null; floorRcu: number; timeToFillSec?: number; travel?: number; caregiverId?: string }> = [];
  const acceptedByCaregiver = new Map<string, number>();
  /** Everyone who was asked at least once: the workforce this week's demand could use. */
  const offered = new Set<string>();
  let smsSent = 0;
  const dayLoad = new Map<string, number>();

  const firstDay = new Date(local.clock.now().getTime() + 86_400_000);
  for (let d = 0; d < DAYS; d++) {
    const date = cityDate(new Date(firstDay.getTime() + d * 86_400_000));
    // Requests come the evening before.
    await local.clock.set(new Date(Date.parse(`${date}T18:00:00+08:00`) - 86_400_000));
    const todays: typeof visits = [];
    for (const { elder } of city.elders) {
      if (demand() >= 0.01 * (careLevelFactor[elder.careLevel] ?? 1)) continue;
      let r = demand();
      const service = (serviceMix.find(([, share]) => (r -= share) < 0) ?? serviceMix[0]!)[0];
      const hour = 8 + Math.floor(demand() * 9);
      const earliestStart = `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;
      const latestStart = `${date}T${String(hour + 1).padStart(2, '0')}:00:00+08:00`;
      const token = centerTokens.get(elder.centerId) ?? (await tokenFor('center', elder.centerId));
      centerTokens.set(elder.centerId, token);
      const res = await fetch(`${base}/visits`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `${date}-${elder.id}` },
        body: JSON.stringify({ elderId: elder.id, serviceCode: service, earliestStart, latestStart }),
      });
      if (res.status !== 201) continue;
      const { id } = (await res.json()) as { id: string };
      const eligible = selectCandidates({
        visit: { serviceCode: service as never, earliestStart, latestStart, durationMin: 60 },
        elder,
        pool,
        alreadyOffered: new Set(),
      }).ranked;
      todays.push({ id, elderId: elder.id, hasEligible: eligible.length > 0, nearest: eligible[0]?.travelMinutes ?? null, floorRcu: 0.5 * (2 + eligible.length) });
    }
    await local.bus.idle(120_000);

    // The caregivers answer, visit by visit, wave by wave.
    for (const visit of todays) {
      let elapsedSec = 0;
      for (let round = 0; round < 200; round++) {
        const view = (await (await fetch(`${base}/visits/${visit.id}`, { headers: { authorization: `Bearer ${bureau}` } })).json()) as VisitView;
        if (view.status !== 'OFFERED') break;
        const open = view.offers.filter((o) => o.wave === view.wave && o.status === 'PENDING');
        const { items: sms } = (await (await fetch(`${base}/dev/sms?visitId=${visit.id}&limit=1000`)).json()) as { items: Array<{ to: string; text: string }> };
        const links = new Map(sms.map((m) => [phoneOf.get(m.to), /\/j\/([A-Za-z0-9_-]+)/.exec(m.text)?.[1]]));
        for (const o of open) offered.add(o.caregiverId);
        const answers = open.map((o) => {
          const load = (dayLoad.get(`${o.caregiverId}#${date}`) ?? 0) / 6;
          const p = Math.min(0.95, Math.max(0.05, 0.85 - 0.03 * o.travelMinutes - 0.15 * load));
          return { offer: o, accepts: rng() < p, delayMin: 1 + rng() * 14, silent: rng() < 0.5 };
        });
        const winner = answers.filter((a) => a.accepts).sort((a, b) => a.delayMin - b.delayMin)[0];
        if (winner) {
          const accepted = await fetch(`${base}/j/${links.get(winner.offer.caregiverId)}/accept`, { method: 'POST', headers: { accept: 'application/json' } });
          if (accepted.status === 200) {
            elapsedSec += winner.delayMin * 60;
            visit.timeToFillSec = elapsedSec;
            visit.travel = winner.offer.travelMinutes;
            visit.caregiverId = winner.offer.caregiverId;
            acceptedByCaregiver.set(winner.offer.caregiverId, (acceptedByCaregiver.get(winner.offer.caregiverId) ?? 0) + 1);
            dayLoad.set(`${winner.offer.caregiverId}#${date}`, (dayLoad.get(`${winner.offer.caregiverId}#${date}`) ?? 0) + 1);
            break;
          }
        }
        // Nobody took it: the wave took as long as its slowest answer, or the full deadline if anyone stayed silent.
        elapsedSec += answers.some((a) => a.silent) ? OFFER_TIMEOUT_MIN * 60 : Math.max(...answers.map((a) => a.delayMin)) * 60;
        for (const a of answers) {
          await fetch(`${base}/j/${links.get(a.offer.caregiverId)}/decline`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: '{}' });
        }
        await local.bus.idle(120_000);
      }
    }
    for (const visit of todays) {
      const { items } = (await (await fetch(`${base}/dev/sms?visitId=${visit.id}&limit=1000`)).json()) as { items: Array<{ text: string }> };
      // Offers only (they carry a link); notices of an unfilled visit go to dispatchers, not caregivers.
      smsSent += items.filter((m) => m.text.includes('/j/')).length;
    }
    visits.push(...todays);
    console.log(`  day ${d + 1}/${DAYS}: ${todays.length} visits`);
  }

  const filled = visits.filter((v) => v.timeToFillSec !== undefined);
  const withEligible = visits.filter((v) => v.hasEligible);
  const servedBefore = new Map<string, Set<string>>();
  let repeatVisits = 0;
  let continued = 0;
  for (const v of filled) {
    const seen = servedBefore.get(v.elderId) ?? new Set<string>();
    if (seen.size > 0) {
      repeatVisits++;
      if (seen.has(v.caregiverId!)) continued++;
    }
    seen.add(v.caregiverId!);
    servedBefore.set(v.elderId, seen);
  }
  const filledWithBound = filled.filter((v) => v.nearest !== null);
  const run = {
    scale,
    days: DAYS,
    visits: visits.length,
    fillRate: withEligible.length ? +(filled.filter((v) => v.hasEligible).length / withEligible.length).toFixed(4) : null,
    medianTimeToFillSec: median(filled.map((v) => v.timeToFillSec!)),
    smsPerFilledVisit: filled.length ? +(smsSent / filled.length).toFixed(3) : null,
    travelVsOptimum: filledWithBound.length
      ? +((filledWithBound.reduce((a, v) => a + v.travel!, 0) / filledWithBound.reduce((a, v) => a + Math.max(v.nearest!, 0.1), 0))).toFixed(3)
      : null,
    workloadGini: +gini([...offered].map((id) => acceptedByCaregiver.get(id) ?? 0)).toFixed(3),
    continuityRate: repeatVisits ? +(continued / repeatVisits).toFixed(3) : null,
    rcuPerDispatch: dispatchInvocations ? +(dispatchRcu / dispatchInvocations).toFixed(2) : null,
    rcuFloorPerDispatch: visits.length ? +(visits.reduce((a, v) => a + v.floorRcu, 0) / visits.length).toFixed(2) : null,
  };
  localHandlers.dispatch = dispatch;
  await local.stop();
  return run;
}

const runs = [];
for (const scale of scales) runs.push(await runScale(scale));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/dispatch.json', import.meta.url), `${JSON.stringify({ when: new Date().toISOString(), runs }, null, 2)}\n`);
console.table(runs);
