// The playground in real headless Chromium: a whole run driven from the page, as people would play it.
// Screenshots of the key moments go to test-artifacts/playground/; click-to-screen timings are printed
// (p50/p95) and saved there, never asserted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  CHROMIUM,
  openBrowser,
  percentiles,
  SKIP_BROWSER,
  snap,
  startDemoPlayground,
} from './browser.js';

if (SKIP_BROWSER)
  console.warn(`playground browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(SKIP_BROWSER)('the playground in a browser', () => {
  let demo: Awaited<ReturnType<typeof startDemoPlayground>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemoPlayground();
    ({ browser, page } = await openBrowser());
    await page.goto(demo.playground.url);
    await page.locator('#user option').first().waitFor({ state: 'attached' });
  }, 60_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await snap(page, 'failure');
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.dispose();
  });

  const clicks = () =>
    page.evaluate(
      () => (globalThis as unknown as { playground: { timings: number[] } }).playground.timings.length,
    );
  /** Clicks and waits until the click changed what is on screen. */
  async function click(selector: string, text: RegExp | string): Promise<void> {
    const before = await clicks();
    await page.locator(selector, { hasText: text }).first().click();
    await page.waitForFunction(
      (n) => (globalThis as unknown as { playground: { timings: number[] } }).playground.timings.length > n,
      before,
    );
  }
  const as = (user: string) => page.selectOption('#user', user);
  const thread = '#thread-messages';
  /** Replies in the thread pane (the parent is shown there too, above them). */
  const reply = `${thread} .msg[data-thread-ts]`;

  it('plays a whole run: steps, a timer, a four-eyes gate, a rollback and an acknowledged page', async () => {
    // Dana starts the run from the composer: the parent message appears, and its thread opens.
    await page.fill('#command', '/deploy start checkout-release');
    await page.press('#command', 'Enter');
    await page.locator('#messages .msg', { hasText: 'Checkout API release' }).waitFor();
    await page.locator(thread, { hasText: 'Build and push' }).waitFor();
    await snap(page, '1-run-started');

    await click(`${reply} .bk-button`, /^Done$/);
    await click(`${reply} .bk-button`, /^Start 2-minute timer$/);
    await page.locator(thread, { hasText: 'Timer ends' }).waitFor();
    await snap(page, '2-timer-started');
    // 60× speed: the 2-minute wait is over in about 2 s.
    await page.locator(thread, { hasText: 'Wait over' }).waitFor({ timeout: 20_000 });
    await click(`${reply} .bk-button`, /^Done$/);

    // Four eyes: the starter may not sign; two other SREs do.
    await click(`${reply} .bk-button`, /^Approve \(SRE\)$/);
    await page.locator(`${thread} .msg.ephemeral`, { hasText: /you started this run/ }).waitFor();
    await snap(page, '3-starter-refused');
    await as('U0INGRID');
    await click(`${reply} .bk-button`, /^Approve \(SRE\)$/);
    await as('U0TOMAS1');
    await click(`${reply} .bk-button`, /^Approve \(SRE\)$/);
    await page.locator(thread, { hasText: 'Switch traffic to the new version' }).waitFor();
    await snap(page, '4-gate-passed');

    // Dana starts a rollback: the button's confirm dialog, then the reason modal.
    await as('U0DEPLOY');
    await page
      .locator('#messages .bk-button', { hasText: /^Start rollback$/ })
      .first()
      .click();
    await page.locator('#confirm [data-answer="yes"]').click();
    await page.locator('#modal textarea, #modal input').first().fill('5xx above 1% on the canary');
    await snap(page, '5-rollback-modal');
    await click('#modal button[type="submit"]', /Start rollback/);
    await expect
      .poll(() => page.locator('#messages').innerText(), { timeout: 10_000 })
      .toMatch(/ROLLING BACK/i);

    // The first contact gets a DM and acknowledges it.
    await as('U0INGRID');
    await page.click('#nav-dm');
    await page.locator('#messages .bk-button', { hasText: /^Acknowledge$/ }).waitFor();
    await snap(page, '6-contact-paged');
    await click('#messages .bk-button', /^Acknowledge$/);
    await expect
      .poll(() => page.locator('#messages').innerText(), { timeout: 10_000 })
      .toMatch(/acknowledged/i);

    // Back in the channel, the rollback step is done and the parent message shows the final state.
    await as('U0DEPLOY');
    await page.click('#nav-channel');
    await page.locator(thread, { hasText: 'Switch traffic back' }).waitFor();
    await click(`${reply} .bk-button`, /^Done$/);
    await expect
      .poll(() => page.locator('#messages .msg:not(.ephemeral)').first().innerText(), { timeout: 15_000 })
      .toMatch(/Rolled back/i);
    await snap(page, '7-rolled-back');

    const timings = await page.evaluate(
      () => (globalThis as unknown as { playground: { timings: number[] } }).playground.timings,
    );
    const figures = percentiles(timings);
    writeFileSync(join(ARTIFACTS, 'click-to-screen.json'), JSON.stringify({ ...figures, timings }, null, 2));
    console.log(`playground click-to-screen: n=${figures.n} p50=${figures.p50} ms p95=${figures.p95} ms`);
    expect(figures.n).toBeGreaterThan(5);
  }, 120_000);
});
