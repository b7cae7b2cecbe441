import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreditView, creditScore } from '../../domain/credit.js';
import type { Elder } from '../../domain/registry.js';
import { cityDate } from '../../domain/time.js';
import type { VisitView } from '../../domain/visit.js';
import { makeEvent } from '../../events/catalog.js';
import { applyToCredit } from '../../functions/ledger/apply.js';
import { DEMO_ANCHOR } from '../../local/demo-city.js';
import type { LocalPlatform } from '../../local/platform.js';
import { type Job, acceptedJob, completedJob, linkPage, postToLink, startJobsPlatform } from '../support/jobs.js';
import { type Api, countItems, quiesce } from '../support/platform.js';

/**
 * Three-party evaluation and the credit archive, through HTTP against
 * DynamoDB Local: who may rate what and when, complaints and the bureau's
 * decision, and the scores and positive-rating rate that follow.
 */
let local: LocalPlatform;
let http: Api;
let center: string;
let otherCenter: string;
let bureau: string;
let elder: Elder;
let job: Job;
let assignment: { caregiverId: string; enterpriseId: string };
/** The second completed visit's assignment: dispatch may give it to the same caregiver or not. */
let secondAssignment: { caregiverId: string; enterpriseId: string };
/** A company with nothing to do with the visits, and its token. */
let strangerCompanyId: string;
let strangerCompany: string;

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; field?: string } }).error;
const send = (method: string, path: string, body: unknown, token?: string) =>
  fetch(`${http.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
const visit = async (id: string) => (await (await http.get(`/visits/${id}`, bureau)).json()) as VisitView;
const credit = async (kind: 'caregivers' | 'enterprises', id: string) => (await (await http.get(`/${kind}/${id}/credit`, bureau)).json()) as CreditView;

/** Refused, with this status and code or field, and nothing written. */
async function refused(request: () => Promise<Response>, status: number, expected: { code?: string; field?: string }) {
  await quiesce(local); // what the last accepted request set going has settled
  const before = await countItems(local);
  const res = await request();
  expect(res.status).toBe(status);
  expect(await errorOf(res)).toMatchObject(expected);
  expect(await countItems(local)).toBe(before);
}

beforeAll(async () => {
  ({ local, http, center, bureau, elder } = await startJobsPlatform());
  otherCenter = await http.token('center', 'ctr-binhe-hub');
  job = await completedJob(local, http, center, elder, 2);
  const { assignment: a } = await visit(job.id);
  assignment = { caregiverId: a!.caregiverId, enterpriseId: a!.enterpriseId };
  const companies = (await (await http.get('/enterprises?status=licensed', bureau)).json()) as { items: Array<{ id: string }> };
  strangerCompanyId = companies.items.find((c) => c.id !== assignment.enterpriseId)!.id;
  strangerCompany = await http.token('enterprise', strangerCompanyId);
  await quiesce(local);
});

afterAll(async () => {
  await local?.stop();
});

describe('who may rate a visit, and when', () => {
  it('refuses a visit that is not completed yet, and anyone who is not a party to it', async () => {
    const open = await acceptedJob(local, http, center, 4);
    await quiesce(local);
    await refused(() => http.post(`/visits/${open.id}/evaluations`, { stars: 5, tags: [] }, center), 409, { code: 'VISIT_NOT_COMPLETED' });
    await refused(() => postToLink(http, open.token, 'evaluate', { stars: '5' }, { cookie: open.cookie }), 409, { code: 'VISIT_NOT_COMPLETED' });

    await refused(() => http.post(`/visits/${job.id}/evaluations`, { stars: 5, tags: [] }, otherCenter), 404, { code: 'VISIT_NOT_FOUND' });
    await refused(() => http.post(`/visits/${job.id}/evaluations`, { stars: 5, tags: [] }, strangerCompany), 404, { code: 'VISIT_NOT_FOUND' });
    await refused(() => http.post(`/visits/${job.id}/evaluations`, { stars: 5, tags: [] }, bureau), 403, { code: 'FORBIDDEN' });
    // Nor can anyone complain about a visit that has not taken place.
    await refused(() => http.post(`/visits/${open.id}/complaints`, { category: 'late', description: '还没来就先投诉' }, center), 409, { code: 'NO_CAREGIVER' });
    expect((await http.post(`/visits/${open.id}/cancel`, { reason: '老人住院' }, center)).status).toBe(200);
    await quiesce(local);
  });

  it('refuses bad input, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ stars: 6, tags: [] }, 'stars'],
      [{ stars: 0 }, 'stars'],
      [{ stars: 4.5 }, 'stars'],
      [{ stars: true }, 'stars'],
      [{ stars: '0x5' }, 'stars'],
      [{ stars: [5] }, 'stars'],
      [{ tags: [] }, 'stars'],
      [{ stars: 5, tags: ['juggling'] }, 'tags.0'],
      [{ stars: 5, tags: ['punctual', 'punctual'] }, 'tags'],
      [{ stars: 5, tags: ['safeHome'] }, 'tags'], // a tag about the household, from the centre
      [{ stars: 5, comment: 'x'.repeat(501) }, 'comment'],
      [{ stars: 5, enterpriseStars: 9 }, 'enterpriseStars'],
      [{ stars: 5, mood: 'good' }, 'body'],
    ];
    await quiesce(local);
    const before = await countItems(local);
    for (const [body, field] of cases) {
      const res = await http.post(`/visits/${job.id}/evaluations`, body, center);
      expect(res.status, field).toBe(400);
      expect((await errorOf(res)).field).toBe(field);
    }
    expect(await countItems(local)).toBe(before);
    const employer = await http.token('enterprise', assignment.enterpriseId);
    await refused(() => http.post(`/visits/${job.id}/evaluations`, { stars: 4, enterpriseStars: 5 }, employer), 400, { field: 'enterpriseStars' });
  });

  it('takes one evaluation per party: centre, household follow-up, employer and caregiver', async () => {
    const byCentre = await http.post(`/visits/${job.id}/evaluations`, { stars: 5, tags: ['punctual', 'patient'], comment: '老人很满意', enterpriseStars: 4 }, center);
    expect(byCentre.status).toBe(201);
    expect(await byCentre.json()).toMatchObject({ party: 'center', about: 'caregiver', stars: 5, enterpriseStars: 4, revision: 1 });
    await refused(() => http.post(`/visits/${job.id}/evaluations`, { stars: 1 }, center), 409, { code: 'ALREADY_EVALUATED' });

    const followUp = await http.post(`/visits/${job.id}/follow-up`, { stars: 4, tags: ['polite'] }, center);
    expect(followUp.status).toBe(201);
    expect(await followUp.json()).toMatchObject({ party: 'household', by: `center:${DEMO_ANCHOR.hubCenterId}`, stars: 4 });
    // Let the ledger count this call before its correction: were the correction's event applied first, the
    // ledger would rightly count it as the first rating and skip the older one, leaving no 'ratingChanged' to see.
    await quiesce(local);
    // The call's record corrected the same day: same stars, other tags.
    const corrected = await send('PUT', `/visits/${job.id}/follow-up`, { stars: 4, tags: ['polite', 'patient'] }, center);
    expect(corrected.status).toBe(200);
    expect(await corrected.json()).toMatchObject({ party: 'household', stars: 4, tags: ['polite', 'patient'], revision: 2 });
    await refused(() => send('PUT', `/visits/${job.id}/follow-up`, { stars: 4, tags: ['safeHome'] }, center), 400, { field: 'tags' });

    // Two submissions at once by the same party (a double tap on two screens): exactly one is kept.
    const employer = await http.token('enterprise', assignment.enterpriseId);
    const race = await Promise.all([4, 3].map((stars) => http.post(`/visits/${job.id}/evaluations`, { stars, tags: ['skilled'] }, employer)));
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);

    // The caregiver, from the job's link: only on the bound phone, with tags about the household.
    await refused(() => postToLink(http, job.token, 'evaluate', { stars: '5' }), 403, { code: 'OTHER_DEVICE' });
    const tampered = `${job.token.slice(0, -1)}${job.token.endsWith('A') ? 'B' : 'A'}`;
    await refused(() => postToLink(http, tampered, 'evaluate', { stars: '5' }, { cookie: job.cookie }), 404, { code: 'LINK_INVALID' });
    await refused(() => postToLink(http, job.token, 'evaluate', { stars: '5', tags: ['punctual'] }, { cookie: job.cookie }), 400, { field: 'tags' });
    const before = await linkPage(http, job.token, job.cookie);
    expect(before.text).toContain('评价本次服务的家庭');
    expect(before.text).not.toContain(elder.address);
    const rated = await postToLink(http, job.token, 'evaluate', { stars: '4', tags: ['welcoming', 'safeHome'], comment: '' }, { cookie: job.cookie, form: true });
    expect(rated.status).toBe(303);
    const after = await linkPage(http, job.token, job.cookie);
    expect(after.text).toContain('您已评价此家庭');
    expect(after.text).toContain('配合热情');
    await refused(() => postToLink(http, job.token, 'evaluate', { stars: '4' }, { cookie: job.cookie }), 409, { code: 'ALREADY_EVALUATED' });

    const { evaluations, history } = await visit(job.id);
    expect(evaluations.map((e) => [e.party, e.about, e.stars]).sort()).toEqual([
      ['caregiver', 'household', 4],
      ['center', 'caregiver', 5],
      ['enterprise', 'caregiver', expect.any(Number)], // whichever of the race won
      ['household', 'caregiver', 4],
    ]);
    expect(history.filter((h) => h.event === 'EvaluationSubmitted')).toHaveLength(4);
  });

  it('lets a party change its own within 24 hours, and closes rating a week after check-out', async () => {
    const changed = await send('PUT', `/visits/${job.id}/evaluations/mine`, { stars: 2, tags: ['late'] }, center);
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ stars: 2, revision: 2, tags: ['late'] });
    await refused(() => send('PUT', `/visits/${job.id}/evaluations/mine`, { stars: 5 }, strangerCompany), 404, { code: 'VISIT_NOT_FOUND' });

    const second = await completedJob(local, http, center, elder, 6);
    const { assignment: a } = await visit(second.id);
    secondAssignment = { caregiverId: a!.caregiverId, enterpriseId: a!.enterpriseId };
    await quiesce(local);
    await refused(() => send('PUT', `/visits/${second.id}/evaluations/mine`, { stars: 5 }, center), 404, { code: 'EVALUATION_NOT_FOUND' });
    expect((await http.post(`/visits/${second.id}/evaluations`, { stars: 3 }, center)).status).toBe(201);
    await local.clock.set(new Date(Date.parse(`${second.day}T11:05:00+08:00`) + 25 * 3600_000));
    await quiesce(local);
    await refused(() => send('PUT', `/visits/${second.id}/evaluations/mine`, { stars: 5 }, center), 409, { code: 'EDIT_WINDOW_CLOSED' });
    await local.clock.set(new Date(Date.parse(`${second.day}T11:05:00+08:00`) + 8 * 24 * 3600_000));
    await quiesce(local);
    await refused(() => http.post(`/visits/${second.id}/follow-up`, { stars: 5 }, center), 410, { code: 'EVALUATION_CLOSED' });
    await refused(() => send('PUT', `/visits/${second.id}/evaluations/mine`, { stars: 5 }, center), 410, { code: 'EVALUATION_CLOSED' });
    await quiesce(local);
  });
});

describe('complaints', () => {
  it('go to the bureau, which decides each once; only an upheld one counts against credit', async () => {
    await refused(() => http.post(`/visits/${job.id}/complaints`, { category: 'late', description: '迟到' }, center), 400, { field: 'description' });
    await refused(() => http.post(`/visits/${job.id}/complaints`, { category: 'bored', description: '服务人员迟到四十分钟' }, center), 400, { field: 'category' });
    await refused(() => http.post(`/visits/${job.id}/complaints`, { category: 'late', description: '服务人员迟到四十分钟' }, otherCenter), 404, { code: 'VISIT_NOT_FOUND' });

    const filed = await http.post(`/visits/${job.id}/complaints`, { category: 'late', description: '服务人员迟到四十分钟' }, center);
    expect(filed.status).toBe(201);
    const complaint = (await filed.json()) as { id: string; status: string; caregiverId: string };
    expect(complaint).toMatchObject({ status: 'pending', caregiverId: assignment.caregiverId });
    await refused(() => http.post(`/visits/${job.id}/complaints`, { category: 'late', description: '再投诉一次迟到' }, center), 409, { code: 'ALREADY_COMPLAINED' });
    const other = (await (await http.post(`/visits/${job.id}/complaints`, { category: 'attitude', description: '说话不太客气' }, center)).json()) as { id: string };

    const queue = (await (await http.get('/complaints?status=pending', bureau)).json()) as { items: Array<{ id: string }> };
    expect(queue.items.map((c) => c.id)).toEqual(expect.arrayContaining([complaint.id, other.id]));
    expect((await http.get('/complaints', center)).status).toBe(403);
    expect((await http.get(`/complaints/${complaint.id}`, otherCenter)).status).toBe(404);
    expect((await http.get(`/complaints/${complaint.id}`, center)).status).toBe(200);

    await refused(() => http.post(`/complaints/${complaint.id}/decision`, { outcome: 'maybe', reason: '核实' }, bureau), 400, { field: 'outcome' });
    await refused(() => http.post('/complaints/no-such-complaint/decision', { outcome: 'upheld', reason: '核实' }, bureau), 404, { code: 'COMPLAINT_NOT_FOUND' });
    await refused(() => http.post(`/complaints/${complaint.id}/decision`, { outcome: 'upheld', reason: '核实' }, center), 403, { code: 'FORBIDDEN' });
    const before = await credit('caregivers', assignment.caregiverId);
    const upheld = await http.post(`/complaints/${complaint.id}/decision`, { outcome: 'upheld', reason: '签到记录证实迟到' }, bureau);
    expect(upheld.status).toBe(200);
    expect(await upheld.json()).toMatchObject({ status: 'upheld', decision: { outcome: 'upheld', by: 'bureau:150300' } });
    await refused(() => http.post(`/complaints/${complaint.id}/decision`, { outcome: 'dismissed', reason: '改判' }, bureau), 409, { code: 'ALREADY_DECIDED' });
    expect((await http.post(`/complaints/${other.id}/decision`, { outcome: 'dismissed', reason: '无法核实' }, bureau)).status).toBe(200);
    const upheldQueue = (await (await http.get('/complaints?status=upheld', bureau)).json()) as { items: Array<{ id: string }> };
    const dismissedQueue = (await (await http.get('/complaints?status=dismissed', bureau)).json()) as { items: Array<{ id: string }> };
    expect(upheldQueue.items.map((c) => c.id)).toEqual([complaint.id]);
    expect(dismissedQueue.items.map((c) => c.id)).toEqual([other.id]);
    expect(((await (await http.get('/complaints', bureau)).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await errorOf(await http.get('/complaints?status=open', bureau))).field).toBe('status');
    await quiesce(local);

    // Nobody to complain about on a visit that never had a caregiver; and a month after the visit, too late.
    const cancelled = (await (await http.get('/visits?status=CANCELLED', center)).json()) as { items: Array<{ id: string }> };
    expect(cancelled.items.length).toBeGreaterThan(0);
    await refused(() => http.post(`/visits/${cancelled.items[0]!.id}/complaints`, { category: 'late', description: '无人上门服务' }, center), 409, { code: 'NO_CAREGIVER' });
    await local.clock.set(new Date(Date.parse(`${job.day}T10:00:00+08:00`) + 31 * 86_400_000));
    await refused(() => http.post(`/visits/${job.id}/complaints`, { category: 'quality', description: '服务质量不好' }, center), 410, { code: 'COMPLAINT_WINDOW_CLOSED' });

    const after = await credit('caregivers', assignment.caregiverId);
    expect(after.counts.upheldComplaints).toBe(before.counts.upheldComplaints + 1);
    const entry = after.history.find((h) => h.cause === 'complaintUpheld');
    expect(entry).toMatchObject({ complaintId: complaint.id, visitId: job.id });
    expect(entry!.delta).toBeLessThan(0);
    expect(after.history.filter((h) => h.cause === 'complaintUpheld')).toHaveLength(1);
  });
});

describe('the credit archive', () => {
  it('explains every score: counts, components, and a history entry per cause', async () => {
    const caregiver = await credit('caregivers', assignment.caregiverId);
    // Household-side ratings only: the centre's (changed from 5 to 2) and the follow-up's (4), and the second visit's 3 if it was this caregiver's.
    const same = secondAssignment.caregiverId === assignment.caregiverId ? 1 : 0;
    expect(caregiver.counts).toMatchObject({ ratings: 2 + same, starsSum: 6 + 3 * same, positive: 1, completed: 1 + same, upheldComplaints: 1 });
    expect(caregiver.ratingCount).toBe(2 + same);
    expect(caregiver.positiveRate).toBeCloseTo(1 / (2 + same), 4);
    const recomputed = creditScore('caregiver', caregiver.counts, { credentialsValid: true, trainingHours: 0 });
    expect(caregiver.score).toBe(recomputed.score);
    expect(caregiver.tier).toBe(recomputed.tier);
    expect(caregiver.components).toEqual(recomputed.components);
    const causes = caregiver.history.map((h) => h.cause);
    expect(causes).toEqual(expect.arrayContaining(['visitCompleted', 'rating', 'ratingChanged', 'complaintUpheld']));
    // Newest first, and each entry's score is where the previous one's delta led.
    const ordered = [...caregiver.history].reverse();
    for (let i = 1; i < ordered.length; i++) expect(ordered[i]!.score).toBeCloseTo(ordered[i - 1]!.score + ordered[i]!.delta, 1);
    expect(ordered.at(-1)!.score).toBe(caregiver.score);

    // The company had the centre's separate 4 stars until the centre's change replaced the evaluation without them: then the caregiver's 2 count.
    const company = await credit('enterprises', assignment.enterpriseId);
    expect(company.counts.starsSum).toBe(2 + 4 + (secondAssignment.enterpriseId === assignment.enterpriseId ? 3 : 0));
    // The centre's change and the follow-up's correction.
    expect(company.history.filter((h) => h.cause === 'ratingChanged')).toHaveLength(2);
    expect(company.flagged).toBe(company.score < 60);
    expect((await http.get(`/enterprises/${assignment.enterpriseId}/credit`, strangerCompany)).status).toBe(404);
    expect((await http.get(`/enterprises/${assignment.enterpriseId}/credit`, await http.token('enterprise', assignment.enterpriseId))).status).toBe(200);
  });

  it('counts a redelivered event once', async () => {
    const before = await credit('caregivers', assignment.caregiverId);
    const event = makeEvent(
      'EvaluationSubmitted',
      { visitId: 'v-redelivered', centerId: DEMO_ANCHOR.hubCenterId, party: 'household', caregiverId: assignment.caregiverId, enterpriseId: assignment.enterpriseId, streetId: elder.streetId, serviceDate: job.day, stars: 5, revision: 1 },
      { id: 'redelivered-event', occurredAt: local.clock.now().toISOString().replace('Z', '+00:00') },
    );
    await applyToCredit(local.platform, event);
    await applyToCredit(local.platform, event);
    const after = await credit('caregivers', assignment.caregiverId);
    expect(after.counts.ratings).toBe(before.counts.ratings + 1);
    expect(after.history.filter((h) => h.cause === 'rating' && h.at === event.occurredAt)).toHaveLength(1);
  });

  it('counts rating revisions that arrive out of order once, the newest last', async () => {
    const before = await credit('caregivers', assignment.caregiverId);
    const revision = (n: number, stars: number) =>
      makeEvent(
        'EvaluationSubmitted',
        { visitId: 'v-out-of-order', centerId: DEMO_ANCHOR.hubCenterId, party: 'center', caregiverId: assignment.caregiverId, enterpriseId: assignment.enterpriseId, streetId: elder.streetId, serviceDate: job.day, stars, revision: n },
        { id: `out-of-order-${n}`, occurredAt: `2026-11-20T10:00:0${n}+08:00` },
      );
    await applyToCredit(local.platform, revision(3, 2));
    await applyToCredit(local.platform, revision(2, 5));
    await applyToCredit(local.platform, revision(1, 4));
    const after = await credit('caregivers', assignment.caregiverId);
    expect(after.counts.ratings).toBe(before.counts.ratings + 1);
    expect(after.counts.starsSum).toBe(before.counts.starsSum + 2);
    expect(after.counts.positive).toBe(before.counts.positive);
  });

  it('reproduces the positive-rating rate for the city, a street, a company and a caregiver over a period', async () => {
    const city = (await (await http.get(`/bureau/stats?from=${job.day}&to=${job.day}`, bureau)).json()) as { positiveRate: number };
    // The centre's 2 (changed from 5), the follow-up's 4, the redelivered 5 and the out-of-order 2.
    expect(city).toMatchObject({ from: job.day, to: job.day, scope: { kind: 'city' }, ratingCount: 4, positiveCount: 2 });
    expect(city.positiveRate).toBeCloseTo(2 / 4, 4);
    for (const query of [`streetId=${elder.streetId}`, `caregiverId=${assignment.caregiverId}`, `enterpriseId=${assignment.enterpriseId}`]) {
      expect(await (await http.get(`/bureau/stats?from=${job.day}&to=${job.day}&${query}`, bureau)).json()).toMatchObject({ ratingCount: 4, positiveCount: 2 });
    }
    // The default period is the 30 days to today.
    const now = local.clock.now();
    const period = `from=${cityDate(new Date(now.getTime() - 29 * 86_400_000))}&to=${cityDate(now)}`;
    const byDefault = await (await http.get('/bureau/stats', bureau)).json();
    expect(byDefault).toEqual(await (await http.get(`/bureau/stats?${period}`, bureau)).json());
    expect((byDefault as { ratingCount: number }).ratingCount).toBeGreaterThan(0);

    for (const [query, field] of [
      ['from=2026-13-01', 'from'],
      ['from=2026-12-10&to=2026-12-01', 'to'],
      [`streetId=${elder.streetId}&caregiverId=x`, 'streetId'],
      ['from=2020-01-01&to=2026-01-01', 'to'],
    ]) {
      const res = await http.get(`/bureau/stats?${query}`, bureau);
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).field).toBe(field);
    }
    expect((await http.get('/bureau/stats', center)).status).toBe(403);
  });

  it('ranks companies for the bureau with the reasons, and shows the tier to anyone who scans the card', async () => {
    const ranking = (await (await http.get('/bureau/rankings/enterprises', bureau)).json()) as { items: Array<{ enterpriseId: string; recommended: boolean; reasons: Array<{ code: string; met: boolean }> }> };
    const entry = ranking.items.find((e) => e.enterpriseId === assignment.enterpriseId)!;
    expect(entry.recommended).toBe(false);
    expect(entry.reasons.find((r) => r.code === 'ratings')).toMatchObject({ met: false });
    expect((await http.get('/bureau/rankings/enterprises', center)).status).toBe(403);
    const flagged = (await (await http.get('/bureau/rankings/enterprises?flagged=true', bureau)).json()) as { items: Array<{ score: number; flagged: boolean }> };
    expect(flagged.items.every((e) => e.flagged && e.score < 60)).toBe(true);
    expect(flagged.items.length).toBe(ranking.items.filter((e) => (e as unknown as { flagged: boolean }).flagged).length);
    expect((await errorOf(await http.get('/bureau/rankings/enterprises?flagged=maybe', bureau))).field).toBe('flagged');

    const caregiver = (await (await http.get(`/caregivers/${assignment.caregiverId}`, bureau)).json()) as { code: string };
    const verify = (await (await http.get(`/verify/${caregiver.code}`, undefined, { accept: 'application/json' })).json()) as { ratingSummary: unknown };
    const archive = await credit('caregivers', assignment.caregiverId);
    expect(verify.ratingSummary).toEqual({ count: archive.ratingCount, positiveRate: archive.positiveRate, tier: archive.tier });
    const page = await (await http.get(`/verify/${caregiver.code}`)).text();
    expect(page).toContain(`信用等级</dt><dd>${archive.tier}</dd>`);
    expect(page).toContain(`${archive.ratingCount} 条评价`);
  });

  it('flags a company whose score falls below the threshold for the bureau, and suspends nobody', async () => {
    const { items } = (await (await http.get(`/caregivers?enterpriseId=${strangerCompanyId}`, bureau)).json()) as { items: Array<{ id: string }> };
    const caregiverId = items[0]!.id;
    const occurredAt = '2026-11-20T10:00:00+08:00';
    const ref = { centerId: DEMO_ANCHOR.hubCenterId, caregiverId, enterpriseId: strangerCompanyId };
    // Twenty one-star ratings and three upheld complaints, through the real ledger.
    for (let i = 0; i < 20; i++) {
      await applyToCredit(local.platform, makeEvent('EvaluationSubmitted', { ...ref, visitId: `v-bad-${i}`, party: 'center', streetId: elder.streetId, serviceDate: '2026-11-20', stars: 1, revision: 1 }, { id: `bad-rating-${i}`, occurredAt }));
    }
    for (let i = 0; i < 3; i++) {
      await applyToCredit(local.platform, makeEvent('ComplaintDecided', { ...ref, visitId: `v-bad-${i}`, complaintId: `c-${i}`, outcome: 'upheld' }, { id: `upheld-${i}`, occurredAt }));
    }
    const company = await credit('enterprises', strangerCompanyId);
    expect(company.score).toBeLessThan(60);
    expect(company).toMatchObject({ tier: 'D', flagged: true });
    const flagged = (await (await http.get('/bureau/rankings/enterprises?flagged=true', bureau)).json()) as { items: Array<{ enterpriseId: string; reasons: Array<{ code: string; met: boolean }> }> };
    expect(flagged.items.map((e) => e.enterpriseId)).toContain(strangerCompanyId);
    expect(((await (await http.get(`/enterprises/${strangerCompanyId}`, bureau)).json()) as { status: string }).status).toBe('licensed');
    expect(((await (await http.get(`/caregivers/${caregiverId}`, bureau)).json()) as { credit: { tier: string } }).credit.tier).toBe('D');
  });

  it('moves a score on the day a certificate lapses, and says why', async () => {
    const caregiverId = assignment.caregiverId;
    const today = cityDate(local.clock.now());
    const inDays = (n: number) => cityDate(new Date(Date.parse(`${today}T12:00:00+08:00`) + n * 86_400_000));
    const { certificates } = (await (await http.get(`/caregivers/${caregiverId}`, bureau)).json()) as { certificates: Array<Record<string, unknown>> };
    const patched = await fetch(`${http.url}/caregivers/${caregiverId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bureau}` },
      body: JSON.stringify({ certificates: certificates.map((c) => ({ ...c, validUntil: inDays(2) })) }),
    });
    expect(patched.status).toBe(200);
    // Any credit event now schedules the review for the day after the papers lapse.
    await applyToCredit(
      local.platform,
      makeEvent('EvaluationSubmitted', { visitId: 'v-before-lapse', centerId: DEMO_ANCHOR.hubCenterId, party: 'center', caregiverId, enterpriseId: assignment.enterpriseId, streetId: elder.streetId, serviceDate: today, stars: 5, revision: 1 }, { id: 'before-lapse', occurredAt: `${today}T12:00:00+08:00` }),
    );
    const before = await credit('caregivers', caregiverId);
    expect(before.components.credentials.points).toBe(10);

    await local.clock.set(new Date(`${inDays(3)}T00:10:00+08:00`));
    await quiesce(local);
    const after = await credit('caregivers', caregiverId);
    expect(after.history[0]).toMatchObject({ cause: 'standing', delta: -10, score: after.score, at: `${inDays(3)}T00:05:00+08:00` });
    expect(after.components.credentials.points).toBe(0);
    expect(after.score).toBeCloseTo(before.score - 10, 6);
    expect(((await (await http.get(`/caregivers/${caregiverId}`, bureau)).json()) as { credit: { score: number } }).credit.score).toBe(after.score);
  });
});
