/**
 * `npm run bench:dispatch`: a simulated week of demand on the demo city, run
 * through the real platform (HTTP API, relay, bus, dispatch, SMS outbox)
 * against DynamoDB Local. BENCH_SCALES (default "1"; the issue's full run is
 * "1,16"), BENCH_DAYS (default 7; one figure per scale as "7,1") and
 * BENCH_DEMAND (default 1, see below) size it.
 * Writes bench/results/dispatch.json.
 *
 * Demand: each elder asks for a visit on a given day with probability 1%
 * (care level raises it), for a service drawn from a fixed mix, in a one-hour
 * window between 08:00 and 17:00, requested the evening before. On the first
 * evening 2% of the elders also start a weekly series for the week (meals
 * Monday to Friday; other services Monday, Wednesday and Friday, or Tuesday
 * and Thursday) at a fixed hour. Dispatch runs with a lead time of one day,
 * so each series visit is dispatched the day before, when the caregiver who
 * took the series' earlier visits is known.
 *
 * Acceptance model: a caregiver offered a visit accepts with probability
 * 0.85 − 0.03 × travel minutes − 0.15 × (visits already that day / 6), plus
 * 0.1 for an elder they have served before, bounded to [0.05, 0.95], after
 * 1–15 minutes. Those who do not accept decline (half of them, after 1–15
 * minutes) or let the offer run out (the other half: the full deadline counts
 * toward time to fill). A wave's silence is sent as declines once the wave is
 * decided, so the next wave follows without moving the platform's clock; time
 * to fill adds what each wave would have taken. Nobody answers the escalation
 * ladder's SMS in the simulation: a visit that reaches it counts as not filled.
 * The simulation answers a day's offers the evening before and then moves the
 * clock a day on, so visits are not checked in: the no-show check is set a
 * year out, or every visit would come back as a no-show.
 *
 * Floors and bounds, measured or computed in the same run:
 *   travelVsOptimum: mean travel of filled visits ÷ their mean travel in an
 *     offline optimum: per time slot (date and start hour), a min-cost
 *     assignment (munkres) of the slot's visits to eligible caregivers, each
 *     at most one visit per slot, knowing every visit in advance and ignoring
 *     whether anyone would accept; a lower bound on what any dispatch can do.
 *   workloadGini: over the caregivers who were offered at least one visit.
 *   continuityRate: of the visits of weekly series after the series' first
 *     filled one, the share served by a caregiver who served the elder before.
 *   rcuPerDispatch vs rcuFloorPerDispatch: read capacity the dispatch
 *     function consumed (ReturnConsumedCapacity) ÷ dispatch invocations,
 *     against reading only the visit, the elder and the eligible caregivers'
 *     items (0.5 RCU each).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { munkres } from 'munkres';
import type { VisitView } from '../domain/visit.js';

process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.NO_SHOW_GRACE_MINUTES = String(365 * 24 * 60);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { startLocalPlatform } = await import('../local/platform.js');
const { generateDemoCity } = await import('../local/demo-city.js');
const { localHandlers } = await import('../local/handlers.js');
const { selectCandidates } = await import('../domain/dispatch.js');
const { cityDate } = await import('../domain/time.js');


const scales = (process.env.BENCH_SCALES ?? '1').split(',').map(Number);
/** Days simulated, one figure for every scale or one per scale ("7,1"). */
const daysList = (process.env.BENCH_DAYS ?? '7').split(',').map(Number);
const daysFor = (index: number) => daysList[Math.min(index, daysList.length - 1)]!;
/**
 * Share of the modelled demand to request, one figure or one per scale
 * ("1,0.0625"). At scale 16 the full demand (16× the visits, each dispatch
 * reading 16× the caregivers) takes hours on DynamoDB Local; a sixteenth
 * keeps the visit count of scale 1 while every dispatch still meets the
 * 16-fold density.
 */
const demandList = (process.env.BENCH_DEMAND ?? '1').split(',').map(Number);
const demandFor = (index: number) => demandList[Math.min(index, demandList.length - 1)]!;
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

interface SimVisit {
  id: string;
  elderId: string;
  date: string;
  /** Date and start hour: visits of one slot compete for the same caregivers. */
  slot: string;
  seriesId?: string;
  /** Eligible caregivers in the circle at request time, with travel minutes. */
  eligible: Array<{ caregiverId: string; travelMinutes: number }>;
  timeToFillSec?: number;
  travel?: number;
  caregiverId?: string;
  escalated?: boolean;
}

/**
 * The offline optimum's travel per visit: within each slot, a min-cost
 * assignment of visits to distinct eligible caregivers. A visit the
 * assignment cannot serve (more visits than caregivers) keeps its nearest.
 */
function optimumTravel(visits: readonly SimVisit[]): Map<string, number> {
  const bySlot = new Map<string, SimVisit[]>();
  for (const v of visits.filter((x) => x.eligible.length > 0)) bySlot.set(v.slot, [...(bySlot.get(v.slot) ?? []), v]);
  const result = new Map<string, number>();
  const UNREACHABLE = 1e6;
  for (const slotVisits of bySlot.values()) {
    const columns = [...new Set(slotVisits.flatMap((v) => v.eligible.map((e) => e.caregiverId)))];
    const index = new Map(columns.map((id, i) => [id, i]));
    const matrix = slotVisits.map((v) => {
      const row = new Array<number>(columns.length).fill(UNREACHABLE);
      for (const e of v.eligible) row[index.get(e.caregiverId)!] = e.travelMinutes;
      return row;
    });
    for (const [row, column] of munkres(matrix)) {
      const cost = matrix[row]![column]!;
      const visit = slotVisits[row]!;
      result.set(visit.id, cost < UNREACHABLE ? cost : visit.eligible[0]!.travelMinutes);
    }
  }
  return result;
}

async function runScale(scale: number, days: number, demandShare: number) {
  // Demand has its own draws, so every run asks for the same visits; answers vary a little with dispatch order.
  const demand = random(20261129 + scale);
  const rng = random(1129 + scale);
  const city = generateDemoCity({ scale });
  const enterprises = new Map(city.enterprises.map((e) => [e.enterprise.id, e.enterprise]));
  const pool = city.caregivers.map((c) => ({ caregiver: c.caregiver, enterprise: enterprises.get(c.caregiver.enterpriseId) }));
  const phoneOf = new Map(city.caregivers.map((c) => [c.caregiver.phone, c.caregiver.id]));
  const elders = new Map(city.elders.map(({ elder }) => [elder.id, elder]));

  const seedStart = Date.now();
  const local = await startLocalPlatform({
    port: 0,
    seedScale: scale,
    offerTimeoutSeconds: OFFER_TIMEOUT_MIN * 60,
    dispatchLeadDays: 1,
    // The simulation answers a whole day's offers at one moment of platform time; a per-hour cap would drop them.
    smsMaxPerPhonePerHour: 1_000_000,
    log: () => undefined,
  });
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

  const visits: SimVisit[] = [];
  const acceptedByCaregiver = new Map<string, number>();
  /** Everyone who was asked at least once: the workforce this week's demand could use. */
  const offered = new Set<string>();
  const servedBy = new Map<string, Set<string>>();
  let smsSent = 0;
  let offersMade = 0;
  let wavesSent = 0;
  const dayLoad = new Map<string, number>();

  const eligibleFor = (elderId: string, serviceCode: string, earliestStart: string, latestStart: string) =>
    selectCandidates({
      visit: { serviceCode: serviceCode as never, earliestStart, latestStart, durationMin: 60 },
      elder: elders.get(elderId)!,
      pool,
      alreadyOffered: new Set(),
    }).ranked.map((c) => ({ caregiverId: c.caregiverId, travelMinutes: c.travelMinutes }));

  async function requestVisit(elderId: string, centerId: string, body: Record<string, unknown>, key: string) {
    const token = centerTokens.get(centerId) ?? (await tokenFor('center', centerId));
    centerTokens.set(centerId, token);
    const res = await fetch(`${base}/visits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ elderId, ...body }),
    });
    if (res.status !== 201) return undefined;
    return (await res.json()) as { id: string; seriesId?: string; instances?: Array<{ id: string; earliestStart: string }> };
  }

  const viewOf = async (id: string) => (await (await fetch(`${base}/visits/${id}`, { headers: { authorization: `Bearer ${bureau}` } })).json()) as VisitView;
  /**
   * The visit once dispatch has acted on the last answers: a wave open, or no
   * longer waiting on one. Events reach dispatch through the table's stream a
   * moment later; right after seeding a large city, the stream reader first
   * passes every seeded item, which takes minutes at scale 16.
   */
  async function settled(id: string): Promise<VisitView> {
    for (let i = 0; ; i++) {
      const view = await viewOf(id);
      const open = view.offers.some((o) => o.wave === view.wave && o.status === 'PENDING');
      const waiting = view.status === 'REQUESTED' ? i < 20 * 60 * 20 : view.status === 'OFFERED' && !view.escalation && !open && i < 600;
      if (!waiting) return view;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const firstDay = new Date(local.clock.now().getTime() + 86_400_000);
  const dates = Array.from({ length: days }, (_, d) => cityDate(new Date(firstDay.getTime() + d * 86_400_000)));
  const weekday = (date: string) => new Date(`${date}T12:00:00+08:00`).getUTCDay() || 7;
  for (const [d, date] of dates.entries()) {
    // Requests come the evening before; series visits due by then are dispatched as the clock moves.
    await local.clock.set(new Date(Date.parse(`${date}T18:00:00+08:00`) - 86_400_000));
    await local.scheduler.tick();
    if (d === 0) {
      for (const { elder } of city.elders) {
        if (demand() >= 0.02 * demandShare) continue;
        let r = demand();
        const service = (serviceMix.find(([, share]) => (r -= share) < 0) ?? serviceMix[0]!)[0];
        const weekdays = service === 'meals' ? [1, 2, 3, 4, 5] : demand() < 0.5 ? [1, 3, 5] : [2, 4];
        const hour = 8 + Math.floor(demand() * 9);
        const first = dates.find((x) => weekdays.includes(weekday(x)));
        if (!first) continue;
        const at = (x: string, h: number) => `${x}T${String(h).padStart(2, '0')}:00:00+08:00`;
        const created = await requestVisit(elder.id, elder.centerId, {
          serviceCode: service, earliestStart: at(first, hour), latestStart: at(first, hour + 1),
          recurrence: { weekdays, until: dates.at(-1) },
        }, `series-${elder.id}`);
        for (const instance of created?.instances ?? []) {
          const x = cityDate(new Date(instance.earliestStart));
          visits.push({ id: instance.id, elderId: elder.id, date: x, slot: `${x}T${hour}`, seriesId: created!.seriesId!, eligible: eligibleFor(elder.id, service, at(x, hour), at(x, hour + 1)) });
        }
      }
    }
    for (const { elder } of city.elders) {
      if (demand() >= 0.01 * demandShare * (careLevelFactor[elder.careLevel] ?? 1)) continue;
      let r = demand();
      const service = (serviceMix.find(([, share]) => (r -= share) < 0) ?? serviceMix[0]!)[0];
      const hour = 8 + Math.floor(demand() * 9);
      const earliestStart = `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;
      const latestStart = `${date}T${String(hour + 1).padStart(2, '0')}:00:00+08:00`;
      const created = await requestVisit(elder.id, elder.centerId, { serviceCode: service, earliestStart, latestStart }, `${date}-${elder.id}`);
      if (created) visits.push({ id: created.id, elderId: elder.id, date, slot: `${date}T${hour}`, eligible: eligibleFor(elder.id, service, earliestStart, latestStart) });
    }
    await local.bus.idle(120_000);

    // The caregivers answer, visit by visit, wave by wave.
    const todays = visits.filter((v) => v.date === date);
    const dayStart = Date.now();
    for (const [n, visit] of todays.entries()) {
      if (n > 0 && n % 250 === 0) console.log(`    ${n}/${todays.length} visits answered, ${((Date.now() - dayStart) / 1000).toFixed(0)} s`);
      let elapsedSec = 0;
      for (let round = 0; ; round++) {
        if (round === 200) {
          if (process.env.BENCH_DEBUG) console.log(`    gave up on ${visit.id}: ${JSON.stringify((await viewOf(visit.id)).offers.slice(-3))}`);
          break;
        }
        const view = await settled(visit.id);
        if (view.status !== 'OFFERED') break;
        if (view.escalation) {
          visit.escalated = true;
          break;
        }
        const open = view.offers.filter((o) => o.wave === view.wave && o.status === 'PENDING');
        if (open.length === 0) continue; // the next wave is still on its way (dense scales read long)
        wavesSent++;
        offersMade += open.length;
        // The offers' SMS follow them through the notify function: wait until every open offer has its link.
        let links = new Map<string | undefined, string | undefined>();
        for (let i = 0; i < 600 && !open.every((o) => links.get(o.caregiverId)); i++) {
          if (i > 0) await new Promise((r) => setTimeout(r, 50));
          const { items: sms } = (await (await fetch(`${base}/dev/sms?visitId=${visit.id}&limit=1000`)).json()) as { items: Array<{ to: string; text: string; template: string | null }> };
          links = new Map(sms.filter((m) => m.template === 'offer').reverse().map((m) => [phoneOf.get(m.to), /\/j\/([A-Za-z0-9_-]+)/.exec(m.text)?.[1]]));
        }
        for (const o of open) offered.add(o.caregiverId);
        const answers = open.map((o) => {
          const load = (dayLoad.get(`${o.caregiverId}#${date}`) ?? 0) / 6;
          const familiar = servedBy.get(visit.elderId)?.has(o.caregiverId) ? 0.1 : 0;
          const p = Math.min(0.95, Math.max(0.05, 0.85 - 0.03 * o.travelMinutes - 0.15 * load + familiar));
          return { offer: o, accepts: rng() < p, delayMin: 1 + rng() * 14, silent: rng() < 0.5 };
        });
        const winner = answers.filter((a) => a.accepts).sort((a, b) => a.delayMin - b.delayMin)[0];
        if (winner) {
          const accepted = await fetch(`${base}/j/${links.get(winner.offer.caregiverId)}/accept`, { method: 'POST', headers: { accept: 'application/json' } });
          if (accepted.status !== 200 && process.env.BENCH_DEBUG) console.log(`    accept of ${visit.id}: ${accepted.status} ${await accepted.clone().text()}`);
          if (accepted.status === 200) {
            elapsedSec += winner.delayMin * 60;
            visit.timeToFillSec = elapsedSec;
            visit.travel = winner.offer.travelMinutes;
            visit.caregiverId = winner.offer.caregiverId;
            acceptedByCaregiver.set(winner.offer.caregiverId, (acceptedByCaregiver.get(winner.offer.caregiverId) ?? 0) + 1);
            dayLoad.set(`${winner.offer.caregiverId}#${date}`, (dayLoad.get(`${winner.offer.caregiverId}#${date}`) ?? 0) + 1);
            servedBy.set(visit.elderId, (servedBy.get(visit.elderId) ?? new Set()).add(winner.offer.caregiverId));
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
      const { items } = (await (await fetch(`${base}/dev/sms?visitId=${visit.id}&limit=1000`)).json()) as { items: Array<{ template: string | null }> };
      // Offers only: reminders, notices of a taken offer and the escalation ladder's messages are not what dispatch spends to fill a visit.
      smsSent += items.filter((m) => m.template === 'offer').length;
    }
    console.log(`  day ${d + 1}/${days}: ${todays.length} visits`);
  }

  const filled = visits.filter((v) => v.timeToFillSec !== undefined);
  if (process.env.BENCH_DEBUG) {
    const why = new Map<string, number>();
    for (const v of visits.filter((x) => x.timeToFillSec === undefined && x.eligible.length > 0)) {
      const view = await viewOf(v.id);
      const key = `${view.status} ${view.escalation ?? ''} ${v.seriesId ? 'series' : ''} ${(view.unfilledReason ?? '').replace(/\d+/g, 'N').slice(0, 60)}`;
      why.set(key, (why.get(key) ?? 0) + 1);
    }
    console.log(why);
  }
  const withEligible = visits.filter((v) => v.eligible.length > 0);
  // Continuity: series visits after the series' first filled one.
  const seriesSeen = new Map<string, Set<string>>();
  let seriesRepeats = 0;
  let continued = 0;
  for (const v of filled.filter((x) => x.seriesId).sort((a, b) => a.date.localeCompare(b.date))) {
    const seen = seriesSeen.get(v.elderId) ?? new Set<string>();
    if (seen.size > 0) {
      seriesRepeats++;
      if (seen.has(v.caregiverId!)) continued++;
    }
    seriesSeen.set(v.elderId, seen.add(v.caregiverId!));
  }
  const optimum = optimumTravel(visits);
  const filledWithBound = filled.filter((v) => optimum.has(v.id));
  const run = {
    scale,
    days: days,
    visits: visits.length,
    seriesVisits: visits.filter((v) => v.seriesId).length,
    fillRate: withEligible.length ? +(filled.filter((v) => v.eligible.length > 0).length / withEligible.length).toFixed(4) : null,
    escalated: visits.filter((v) => v.escalated).length,
    medianTimeToFillSec: median(filled.map((v) => v.timeToFillSec!)),
    smsPerFilledVisit: filled.length ? +(smsSent / filled.length).toFixed(3) : null,
    offersPerWave: wavesSent ? +(offersMade / wavesSent).toFixed(2) : null,
    travelVsOptimum: filledWithBound.length
      ? +(filledWithBound.reduce((a, v) => a + v.travel!, 0) / filledWithBound.reduce((a, v) => a + Math.max(optimum.get(v.id)!, 0.1), 0)).toFixed(3)
      : null,
    workloadGini: +gini([...offered].map((id) => acceptedByCaregiver.get(id) ?? 0)).toFixed(3),
    workloadGiniWorking: +gini([...acceptedByCaregiver.values()]).toFixed(3),
    continuityRate: seriesRepeats ? +(continued / seriesRepeats).toFixed(3) : null,
    rcuPerDispatch: dispatchInvocations ? +(dispatchRcu / dispatchInvocations).toFixed(2) : null,
    rcuFloorPerDispatch: visits.length ? +(visits.reduce((a, v) => a + 0.5 * (2 + v.eligible.length), 0) / visits.length).toFixed(2) : null,
  };
  localHandlers.dispatch = dispatch;
  await local.stop();
  return run;
}

const runs = [];
for (const [index, scale] of scales.entries()) {
  const run = await runScale(scale, daysFor(index), demandFor(index));
  console.log(JSON.stringify(run)); // each scale's figures as soon as they exist: scale 16 runs long
  runs.push(run);
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/dispatch.json', import.meta.url), `${JSON.stringify({ when: new Date().toISOString(), runs }, null, 2)}\n`);
console.table(runs);
