// The playground as `npm start` gives it (the repository's runbooks, 60× by default), played in
// Debian's Chromium through playwright-core: the run of issue 21's "Done when" from start to report
// and back to the thread by the DM's link, then the page's layout, order, typing, keyboard and an
// accessibility audit. Screenshots go to test-artifacts/playground/; the README's picture is taken
// here (docs/playground.png, when UPDATE_README_PICTURE=1).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Playground } from '../../src/playground/start-playground.js';
import {
  ARTIFACTS,
  CHROMIUM,
  collectErrors,
  openBrowser,
  SKIP_BROWSER,
  snap,
  startDefaultPlayground,
} from './browser.js';

if (SKIP_BROWSER)
  console.warn(`playground browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

type Playground2 = { playground: { timings: number[] } };

describe.skipIf(SKIP_BROWSER)('the playground as npm start runs it, in Chromium', () => {
  let playground: Playground;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    const started = performance.now();
    const { playground: pg, ms } = await startDefaultPlayground();
    playground = pg;
    figures.startMs = ms;
    ({ browser, page } = await openBrowser());
    errors = collectErrors(page);
    await page.goto(playground.url);
    await page.locator('#messages .empty').waitFor();
    figures.firstPageMs = Math.round(performance.now() - started);
  }, 90_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await snap(page, `failure-${ctx.task.name.slice(0, 20)}`);
  });
  afterAll(async () => {
    writeFileSync(join(ARTIFACTS, 'npm-start-figures.json'), JSON.stringify(figures, null, 2));
    console.log(`playground (npm start) figures: ${JSON.stringify(figures)}`);
    await browser?.close();
    await playground?.stop();
  });

  const clicks = () => page.evaluate(() => (globalThis as unknown as Playground2).playground.timings.length);
  /** Clicks and waits until the click changed what is on screen. */
  async function click(selector: string, text: RegExp | string): Promise<void> {
    const before = await clicks();
    await page.locator(selector, { hasText: text }).first().click();
    await page.waitForFunction(
      (n) => (globalThis as unknown as Playground2).playground.timings.length > n,
      before,
    );
  }
  const as = (user: string) => page.selectOption('#user', user);
  const thread = '#thread-messages';
  const reply = `${thread} .msg[data-thread-ts]`;
  const parent = '#messages .msg:not(.ephemeral)';
  async function doneAll(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await click(`${reply} .bk-button`, /^Done$/);
  }

  it('starts a run, passes its gate, waits at 60×, rolls back, acknowledges, opens the report and follows the DM link back', async () => {
    const t0 = performance.now();
    expect(await page.inputValue('#speed')).toBe('60');
    await page.fill('#command', '/deploy start k8s-service-rollout');
    await page.press('#command', 'Enter');
    await page.locator(thread, { hasText: 'Switch to the production context' }).waitFor();
    await doneAll(5);

    // The canary phase: a 10-minute wait that 60× ends in 10 s.
    await page.locator(thread, { hasText: 'Watch the canary dashboard' }).waitFor();
    await click(`${reply} .bk-button`, /^Start 10-minute timer$/);
    const waitStarted = performance.now();
    await doneAll(2);
    await snap(page, 'npm-1-timer');
    await page.locator(thread, { hasText: /Wait over/ }).waitFor({ timeout: 60_000 });
    figures.tenMinuteWaitMs = Math.round(performance.now() - waitStarted);
    expect(figures.tenMinuteWaitMs).toBeLessThan(60_000);
    await doneAll(2);

    // The gate: the service owner signs.
    await page.locator(`${reply} .bk-button`, { hasText: /^Approve \(Service owner\)$/ }).waitFor();
    await as('U0RAFAEL');
    await click(`${reply} .bk-button`, /^Approve \(Service owner\)$/);
    await page.locator(thread, { hasText: 'Roll the new image out' }).waitFor();

    // Dana rolls back: the confirm dialog, then the reason.
    await as('U0DEPLOY');
    await page
      .locator(`${parent} .bk-button`, { hasText: /^Start rollback$/ })
      .first()
      .click();
    await page.locator('#confirm [data-answer="yes"]').click();
    await page.locator('#modal textarea, #modal input').first().fill('5xx above 1% on the canary');
    await click('#modal button[type="submit"]', /Start rollback/);
    await expect
      .poll(() => page.locator(parent).first().innerText(), { timeout: 15_000 })
      .toMatch(/ROLLING BACK/i);

    // Ingrid is paged: the DM badge counts it; its "Open the thread" opens the run's thread here,
    // not on slack.com; back in the DM she acknowledges.
    await as('U0INGRID');
    await expect.poll(() => page.locator('#dm-badge').textContent(), { timeout: 15_000 }).toBe('1');
    await page.click('#nav-dm');
    await expect.poll(() => page.locator('#dm-badge').textContent()).toBe('');
    await page.locator('#messages a', { hasText: 'Open the thread' }).first().click();
    await expect.poll(() => page.getAttribute('#nav-channel', 'class')).toMatch(/active/);
    await page.locator('#thread').waitFor({ state: 'visible' });
    await page.locator(thread, { hasText: 'Take the canary out of traffic' }).waitFor();
    await snap(page, 'npm-2-followed-the-dm-link');
    await page.click('#nav-dm');
    await click('#messages .bk-button', /^Acknowledge$/);
    await expect
      .poll(() => page.locator('#messages').innerText(), { timeout: 10_000 })
      .toMatch(/acknowledged/i);
    await snap(page, 'npm-3-acknowledged');

    // Dana finishes the rollback and asks for the report: a file card in the thread.
    await as('U0DEPLOY');
    await page.click('#nav-channel');
    await page.locator(thread, { hasText: 'Take the canary out of traffic' }).waitFor();
    await doneAll(4);
    await expect
      .poll(() => page.locator(parent).first().innerText(), { timeout: 15_000 })
      .toMatch(/Rolled back/i);
    await click(`${parent} .bk-button`, /^Report$/);
    const card = page.locator(`${thread} .file-card`);
    await card.waitFor({ timeout: 15_000 });
    expect(await card.innerText()).toMatch(/\.md/);
    expect(await card.locator('.file-preview').innerText()).toContain('Kubernetes service rollout');
    await snap(page, 'npm-4-report');
    const [report] = await Promise.all([
      page.context().waitForEvent('page'),
      card.locator('.file-open').click(),
    ]);
    await report.waitForLoadState();
    expect(await report.locator('body').innerText()).toMatch(/Kubernetes service rollout[\s\S]*Rollback/);
    await report.close();
    // A second click says the report is in the thread, and it is.
    await page
      .locator(`${parent} .bk-button`, { hasText: /^Report$/ })
      .first()
      .click();
    await page.locator('.msg.ephemeral', { hasText: /already in the thread/ }).waitFor();

    // /deploy status links to the thread (an app_redirect link): it opens here too.
    await page.click('#thread-close');
    const runId = await page
      .locator('#messages .msg.ephemeral', { hasText: 'Started run' })
      .locator('code')
      .first()
      .innerText();
    await page.fill('#command', `/deploy status ${runId}`);
    await page.press('#command', 'Enter');
    const status = page.locator('#messages .msg.ephemeral').last();
    await status.locator('a').first().waitFor();
    await status.locator('a').first().click();
    await page.locator('#thread').waitFor({ state: 'visible' });
    await page.locator(thread, { hasText: 'Take the canary out of traffic' }).waitFor();
    figures.wholeRunMs = Math.round(performance.now() - t0);
    if (process.env.UPDATE_README_PICTURE === '1') {
      await as('U0DEPLOY');
      await page.locator(`${thread} .file-card`).scrollIntoViewIfNeeded();
      await snap(page, 'readme');
      copyFileSync(join(ARTIFACTS, 'readme.png'), join(process.cwd(), 'docs', 'playground.png'));
    }
    expect(errors).toEqual([]);
  }, 150_000);
});
