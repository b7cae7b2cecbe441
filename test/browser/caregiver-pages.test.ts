import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Elder } from '../../domain/registry.js';
import type { VisitView } from '../../domain/visit.js';
import type { LocalPlatform } from '../../local/platform.js';
import { requestVisit, startJobsPlatform } from '../support/jobs.js';
import { type Api, quiesce, smsAbout, tokenOf, workday } from '../support/platform.js';

/**
 * The caregiver's pages in Debian's headless Chromium on a phone-sized
 * screen: accept, check in with the phone's position, check out with the
 * care note, rate the household. Screenshots are kept in test-results/screenshots/.
 */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/screenshots';
// .ci/run installs Chromium; a developer machine without it skips, saying so.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) console.warn(`skipping browser tests: ${CHROMIUM} is missing (apt-get install -y chromium fonts-noto-core fonts-noto-cjk)`);

let local: LocalPlatform;
let http: Api;
let browser: Browser;
let elder: Elder;
let center: string;

beforeAll(async () => {
  if (!haveChromium && !process.env.CI) return;
  ({ local, http, center, elder } = await startJobsPlatform());
  // As the machine notes advise: no background networking on a closed network.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

describe.skipIf(!haveChromium && !process.env.CI)('the caregiver on a phone', () => {
  it('accepts from the SMS link, checks in where the elder lives, checks out with a care note and rates the household', { timeout: 120_000 }, async () => {
    const day = workday(local.clock.now(), 2);
    const id = await requestVisit(http, center, day);
    const sms = await smsAbout(http, id, (m) => tokenOf(m.text), 'the offer SMS');
    const link = `${local.url}/j/${tokenOf(sms.text)}`;

    // At the door: a fix 30 m from the home, as a phone reports it.
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      geolocation: { latitude: elder.location.lat + 0.00027, longitude: elder.location.lon, accuracy: 12 },
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    const weights: number[] = [];
    page.on('response', async (response) => {
      if (response.url().startsWith(link.split('?')[0]!) && response.request().method() === 'GET') weights.push((await response.body()).length);
    });

    await page.goto(link);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('新的上门服务');
    expect(await page.content()).not.toContain(elder.address);
    await page.screenshot({ path: `${SHOTS}/1-offer.png`, fullPage: true });

    await page.getByRole('button', { name: '接单' }).click();
    await page.waitForURL(/\/j\/[A-Za-z0-9_-]+\?lang=zh$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('上门服务任务');
    expect(await page.content()).toContain(elder.address);
    await page.screenshot({ path: `${SHOTS}/2-job.png`, fullPage: true });

    // The visit's morning: the phone's position goes with the check-in.
    await quiesce(local);
    await local.clock.set(new Date(`${day}T08:40:00+08:00`));
    await page.reload();
    await page.getByRole('button', { name: '签到' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('已签到');
    await page.screenshot({ path: `${SHOTS}/3-checked-in.png`, fullPage: true });

    await local.clock.set(new Date(`${day}T10:45:00+08:00`)); // 125 minutes for a 120-minute visit: no reason needed
    await page.reload();
    await page.getByRole('checkbox', { name: '清洁约定房间' }).check();
    await page.getByRole('checkbox', { name: '带走生活垃圾' }).check();
    await page.getByLabel('服务记录').fill('打扫了客厅和厨房，老人精神好');
    await page.screenshot({ path: `${SHOTS}/4-check-out-form.png`, fullPage: true });
    await page.getByRole('button', { name: '签退' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('服务已完成');
    await page.screenshot({ path: `${SHOTS}/5-completed.png`, fullPage: true });

    // Then the caregiver rates the household, once.
    await page.getByRole('radio', { name: '4 满意' }).check();
    await page.getByRole('checkbox', { name: '配合热情' }).check();
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => page.getByRole('status').nth(1).textContent()).toContain('您已评价此家庭');
    expect(await page.getByRole('button', { name: '提交评价' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/6-rated.png`, fullPage: true });

    // English on request.
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Home-care job');

    const visit = (await (await http.get(`/visits/${id}`, center)).json()) as VisitView;
    expect(visit.status).toBe('COMPLETED');
    expect(visit.verification?.checkIn).toMatchObject({ method: 'gps', flagged: false, at: `${day}T08:40:00+08:00` });
    expect(visit.verification!.checkIn!.distanceM).toBeLessThan(60);
    expect(visit.verification?.checkOut).toMatchObject({ method: 'gps', checklist: ['rooms', 'rubbish'], note: '打扫了客厅和厨房，老人精神好', deviationMin: 5 });
    expect(visit.evaluations).toMatchObject([{ party: 'caregiver', about: 'household', stars: 4, tags: ['welcoming'] }]);
    expect(Math.max(...weights)).toBeLessThan(30_000);
    await context.close();
  });
});
