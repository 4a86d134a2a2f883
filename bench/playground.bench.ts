// Playground click-to-screen: in headless Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH), a
// person clicks Done step after step; each time is from the click in the page to the change on screen
// (the page records it: click → relay → signed request → bot → embedded Slack → server-sent event →
// /api/state → render). Prints p50/p95 over the clicks, the first command and click apart.
//
//   npm run build && node dist/bench/playground.bench.js        (BENCH_STEPS, default 40)
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { startPlayground } from '../src/playground/start-playground.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEPS = Number(process.env.BENCH_STEPS ?? 40);

function runbook(steps: number): string {
  const lines = ['# Bench release', ''];
  for (let i = 0; i < steps; i++) {
    if (i % 10 === 0) lines.push(`## Phase ${i / 10 + 1}`, '');
    lines.push(`- [ ] Step ${i + 1}: check that *service ${i + 1}* answers \`200\``);
  }
  return `${lines.join('\n')}\n\n## Rollback\n\n- [ ] Undo it all\n`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`playground bench skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-bench-playground-'));
  writeFileSync(join(dir, 'bench.md'), runbook(STEPS));
  const playground = await startPlayground(
    {
      port: 0,
      host: '127.0.0.1',
      speed: 1,
      runbooksDir: dir,
      directoryFile: join(dir, 'directory.yml'),
      directoryOptional: true,
      logLevel: 'silent',
    },
    pino({ level: 'silent' }),
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    await page.goto(playground.url);
    await page.locator('#user option').first().waitFor({ state: 'attached' });
    const count = () =>
      page.evaluate(
        () => (globalThis as unknown as { playground: { timings: number[] } }).playground.timings.length,
      );
    const waitFor = (n: number) =>
      page.waitForFunction(
        (k) => (globalThis as unknown as { playground: { timings: number[] } }).playground.timings.length > k,
        n,
      );
    await page.fill('#command', '/deploy start bench');
    await page.press('#command', 'Enter');
    await waitFor(0);
    await page
      .locator('#thread-messages .msg[data-thread-ts] .bk-button', { hasText: /^Done$/ })
      .first()
      .waitFor();
    for (let i = 0; i < STEPS; i++) {
      const before = await count();
      await page
        .locator('#thread-messages .msg[data-thread-ts] .bk-button', { hasText: /^Done$/ })
        .first()
        .click();
      await waitFor(before);
      // Let the rest of this click's updates (the parent's progress) land before the next click.
      await page.waitForTimeout(150);
    }
    const { timings, acks, phases } = await page.evaluate(
      () =>
        (globalThis as unknown as { playground: { timings: number[]; acks: number[]; phases: unknown[] } })
          .playground,
    );
    if (process.env.BENCH_PHASES) console.log(JSON.stringify(phases));
    const [command, first, ...clicks] = timings;
    const sorted = [...clicks].sort((a, b) => a - b);
    const ackSorted = acks.slice(1).sort((a, b) => a - b);
    const fmt = (ms: number | undefined) => `${Math.round(ms ?? Number.NaN)} ms`;
    console.log(`playground click-to-screen, ${clicks.length} Done clicks (Chromium ${browser.version()}):`);
    console.log(
      `  p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  max ${fmt(sorted.at(-1))}`,
    );
    console.log(
      `  of which the bot's ack (signed request → 200): p50 ${fmt(percentile(ackSorted, 50))}  p95 ${fmt(percentile(ackSorted, 95))}`,
    );
    console.log(`  first: /deploy start ${fmt(command)}, first click ${fmt(first)} (warm-up, not counted)`);
  } finally {
    await browser.close();
    await playground.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
