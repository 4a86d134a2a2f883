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
import { auditPage } from './audit.js';
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
/** The little of the DOM these tests read inside the page (this file is compiled without DOM types). */
type Box = { scrollWidth: number; clientWidth: number };
type Doc = {
  document: {
    activeElement: { getAttribute(name: string): string | null } | null;
    getElementById(id: string): Box | null;
    documentElement: Box;
  };
};

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
    // The README's picture is this moment: UPDATE_README_PICTURE=1 writes docs/playground.png.
    if (process.env.UPDATE_README_PICTURE === '1')
      copyFileSync(join(ARTIFACTS, 'npm-4-report.png'), join(process.cwd(), 'docs', 'playground.png'));
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
    expect(errors).toEqual([]);
  }, 150_000);

  it("keeps Slack's order and layout, takes typed text and DM commands, and works by keyboard", async () => {
    await as('U0DEPLOY');
    await page.click('#nav-channel');
    // Speed: the page changes the bot's clock.
    await page.selectOption('#speed', '600');
    await expect.poll(() => playground.clock.anchor().speed).toBe(600);
    await page.selectOption('#speed', '60');
    await expect.poll(() => playground.clock.anchor().speed).toBe(60);

    // Plain text is Dana's message; it comes after the earlier private answer, as in Slack.
    await page.fill('#command', 'hello, is anyone deploying?');
    await page.press('#command', 'Enter');
    const hello = page.locator('#messages .msg', { hasText: 'hello, is anyone deploying?' });
    await hello.waitFor();
    expect(await hello.locator('.meta').innerText()).toContain('Dana Deployer');
    const order = await page.locator('#messages .msg').allInnerTexts();
    const refused = order.findIndex((t) => t.includes('already in the thread'));
    expect(refused).toBeGreaterThan(-1);
    expect(refused).toBeLessThan(order.findIndex((t) => t.includes('hello, is anyone deploying?')));
    // The newest message is in view, above the composer.
    const box = await hello.boundingBox();
    const composer = await page.locator('#composer').boundingBox();
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual((composer?.y ?? 0) + 1);

    // A command typed in the DM is answered in the DM.
    await page.click('#nav-dm');
    await page.fill('#command', '/deploy list');
    await page.press('#command', 'Enter');
    await page.locator('#messages .msg.ephemeral', { hasText: 'k8s-service-rollout' }).waitFor();
    await snap(page, 'npm-5-dm-command');
    await page.click('#nav-channel');
    expect(await page.locator('#messages').innerText()).not.toMatch(/feature-flag-rollout/);

    // A second run's thread opens by itself; "1 reply", never "1 replies".
    await page.fill('#command', '/deploy start feature-flag-rollout');
    await page.press('#command', 'Enter');
    await page
      .locator('#thread .msg', { hasText: /feature flag/i })
      .first()
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('body').innerText()).not.toMatch(/\b1 replies\b/);
    await expect.poll(() => page.locator('.edited').count()).toBeGreaterThan(0);

    // Keyboard: the confirm dialog takes focus, Escape closes it and gives focus back.
    const rollback = page.locator(`${parent} .bk-button`, { hasText: /^Start rollback$/ }).last();
    await rollback.click();
    await page.locator('#confirm').waitFor({ state: 'visible' });
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as Doc).document.activeElement?.getAttribute('data-answer'),
      ),
    ).toBe('no');
    expect(await auditPage(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.locator('#confirm').waitFor({ state: 'hidden' });
    expect(
      await rollback.evaluate((el) => el === (globalThis as unknown as Doc).document.activeElement),
    ).toBe(true);
    // The modal: focus in its field (a real label), Escape closes it, focus comes back.
    await rollback.click();
    await page.locator('#confirm [data-answer="yes"]').click();
    const field = page.locator('#modal textarea, #modal input').first();
    await field.waitFor();
    await expect
      .poll(() => field.evaluate((el) => el === (globalThis as unknown as Doc).document.activeElement))
      .toBe(true);
    expect(await field.evaluate((el) => (el as unknown as { labels: unknown[] }).labels.length)).toBe(1);
    await snap(page, 'npm-6-modal');
    // Tab stays inside the modal.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    expect(
      await page
        .locator('#modal')
        .evaluate((el) => el.contains((globalThis as unknown as Doc).document.activeElement as never)),
    ).toBe(true);
    expect(await auditPage(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.locator('#modal').waitFor({ state: 'hidden' });
    await expect
      .poll(() => rollback.evaluate((el) => el === (globalThis as unknown as Doc).document.activeElement))
      .toBe(true);

    // The App Home: a bold link renders as one, and it opens the run's thread here.
    await page.click('#nav-home');
    const home = page.locator('#messages .home');
    await home.locator('a').first().waitFor({ timeout: 15_000 });
    expect(await home.locator('b > a').count()).toBeGreaterThan(0);
    expect(await home.innerText()).not.toMatch(/\*\S/);
    await snap(page, 'npm-7-home');
    expect(await auditPage(page)).toEqual([]);
    await home.locator('b > a').first().click();
    await expect.poll(() => page.getAttribute('#nav-channel', 'class')).toMatch(/active/);
    await page.locator('#thread').waitFor({ state: 'visible' });

    // "You are" survives a reload; at 1024 px nothing pushes the panes sideways.
    await as('U0INGRID');
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.reload();
    await page.locator('#messages .msg').first().waitFor();
    expect(await page.inputValue('#user')).toBe('U0INGRID');
    expect(await page.locator('#user option:checked').innerText()).toMatch(
      /Ingrid Solberg \(SRE, DBA approver, contact\)/,
    );
    const overflow = await page.evaluate(() =>
      ['messages', 'thread-messages'].map((id) => {
        const el = (globalThis as unknown as Doc).document.getElementById(id);
        return el ? el.scrollWidth - el.clientWidth : 0;
      }),
    );
    expect(overflow).toEqual([0, 0]);
    expect(
      await page.evaluate(() => (globalThis as unknown as Doc).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(1024);
    await snap(page, 'npm-8-1024px');
    expect(await auditPage(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);

  it('has an audit that finds what it looks for', async () => {
    const probe = await browser.newPage();
    await probe.setContent(
      '<p style="color:#bbb">faint</p><input><button></button><i id="a"></i><i id="a"></i>',
    );
    const rules = new Set((await auditPage(probe)).map((i) => i.rule));
    await probe.close();
    expect([...rules].sort()).toEqual(
      ['color-contrast', 'control-name', 'document-title', 'duplicate-id', 'html-has-lang', 'label'].sort(),
    );
  });
});
