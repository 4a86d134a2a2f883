// Browser tests' support: a playground on a demo runbook, and Debian's Chromium driven by
// playwright-core (nothing downloaded: the browser is /usr/bin/chromium, or CHROMIUM_PATH).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadPlaygroundConfig } from '../../src/config/playground-config.js';
import { type Playground, startPlayground } from '../../src/playground/start-playground.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Skip only on a developer machine without Chromium; CI must have it (.ci/run installs it). */
export const SKIP_BROWSER = !existsSync(CHROMIUM) && !process.env.CI;
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'playground');

/** A short runbook with everything the playground shows: a wait, a four-eyes gate, a rollback, contacts. */
export const DEMO_RUNBOOK = `---
title: Checkout API release
environment: staging
escalation:
  timeout_minutes: 10
---

# Checkout API release

## Build

- [ ] Build and push the image \`checkout-api:2.14.0\`
- [ ] Watch the canary dashboard for 2 minutes

Approved By (SRE): ____

## Release

- [ ] Switch traffic to the new version

## Rollback

- [ ] Switch traffic back to the previous version

## Contacts

| Role | Name | Slack | Phone |
|---|---|---|---|
| On-call SRE | Ingrid Solberg | @ingrid | +1 555 0101 |
| Service owner | Rafael Mendes | @rmendes | +1 555 0102 |

## Escalation

1. Ingrid Solberg
2. Rafael Mendes
`;

/** The deployer holds the SRE role too, so that the four-eyes rule is what refuses them. */
export const DEMO_DIRECTORY = `roles:
  SRE:
    users: [U0DEPLOY, U0INGRID, U0TOMAS1]
    required: 2
people:
  Ingrid Solberg: U0INGRID
  '@ingrid': U0INGRID
  Tomás Ortega: U0TOMAS1
  Rafael Mendes: U0RAFAEL
  '@rmendes': U0RAFAEL
escalation:
  timeout_minutes: 10
  rounds: 1
`;

/** Starts a playground (60× speed) on the demo runbook in a temporary folder. */
export async function startDemoPlayground(): Promise<{ playground: Playground; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-playground-'));
  writeFileSync(join(dir, 'checkout-release.md'), DEMO_RUNBOOK);
  writeFileSync(join(dir, 'directory.yml'), DEMO_DIRECTORY);
  const playground = await startPlayground(
    {
      port: 0,
      host: '127.0.0.1',
      speed: 60,
      runbooksDir: dir,
      directoryFile: join(dir, 'directory.yml'),
      directoryOptional: false,
      logLevel: 'silent',
    },
    pino({ level: process.env.E2E_LOG ?? 'silent' }),
  );
  return {
    playground,
    async dispose() {
      await playground.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the playground as `npm start` does with no configuration (the repository's runbooks, its speed). */
export async function startDefaultPlayground(): Promise<{ playground: Playground; ms: number }> {
  const started = performance.now();
  const config = loadPlaygroundConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  const playground = await startPlayground(config, pino({ level: process.env.E2E_LOG ?? 'silent' }));
  return { playground, ms: Math.round(performance.now() - started) };
}

/** Collects what the page logs as an error (console errors, failed loads, uncaught exceptions). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return errors;
}

/** Headless Chromium with a Slack-sized window. */
export async function openBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    timeout: 30_000,
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(10_000);
  return { browser, page };
}

/** Saves a screenshot under test-artifacts/playground/. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** p50 and p95 of a list of milliseconds. */
export function percentiles(ms: number[]): { n: number; p50: number; p95: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { n: sorted.length, p50: Math.round(at(0.5)), p95: Math.round(at(0.95)) };
}
