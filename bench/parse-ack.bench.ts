// Ack latency while someone starts a 1 MB runbook: the parse runs in a worker thread, so other
// people's clicks keep being acknowledged. Clicks at a fixed rate (open loop) on a small run, first
// with nothing else going on, then from `/deploy start big` until its answer arrives. Target: p99 < 100 ms.
// Also the event loop's own delay (perf_hooks) while the same runbook parses in the worker and in this thread.
//
//   npm run build && node dist/bench/parse-ack.bench.js
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createRunbookParser } from '../src/catalog/parse-off-thread.js';
import { startBot } from '../src/server.js';
import { createFakeSlack } from '../test/support/fake-slack.js';
import { blockActionsBody, postToApp, slashCommandBody } from '../test/support/slack-requests.js';
import { SHAPES } from './shapes.js';

const SECRET = 'bench-secret';
const CHANNEL = 'C0BENCH';
const RATE = 50;
const BASELINE_MS = 3_000;
const SMALL = ['# Small', '', '## Work', '', '- [ ] one', '- [ ] two', '', '## Rollback', '', '1. undo'].join(
  '\n',
);

const pct = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const fmt = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return `${s.length} clicks, p50 ${pct(s, 50).toFixed(1)} ms, p99 ${pct(s, 99).toFixed(1)} ms, max ${(s[s.length - 1] ?? 0).toFixed(1)} ms`;
};

/** One click every 1000/RATE ms until `until()` says stop; the ack latency of each. */
async function clicksUntil(url: string, body: () => string, until: () => boolean): Promise<number[]> {
  const pending: Promise<number>[] = [];
  while (!until()) {
    pending.push(postToApp(url, body(), { secret: SECRET }).then((r) => r.ms));
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  return Promise.all(pending);
}

async function ackWhileParsing(big: string): Promise<void> {
  const slack = await createFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-parse-ack-'));
  writeFileSync(join(dir, 'small.md'), SMALL);
  writeFileSync(join(dir, 'big.md'), big);
  const bot = await startBot(
    {
      slack: {
        botToken: 'xoxb-bench',
        signingSecret: SECRET,
        appToken: null,
        apiUrl: slack.url,
        botUserId: null,
      },
      database: { dataDir: join(dir, 'data') },
      port: 0,
      runbooksDir: dir,
      directoryFile: join(dir, 'directory.yml'),
      directoryOptional: true,
      logLevel: 'silent',
    },
    pino({ level: 'silent' }),
    { stopTimeoutMs: 1000 },
  );
  const url = `http://127.0.0.1:${bot.port}/slack/events`;
  const command = (text: string, responseUrl = slack.responseUrl()) =>
    postToApp(url, slashCommandBody({ text, userId: 'U0BENCH', channelId: CHANNEL, responseUrl }), {
      secret: SECRET,
    });
  try {
    await command('start small');
    await bot.idle();
    const button = slack
      .messages()
      .flatMap((m) =>
        ((m.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]).flatMap((b) =>
          (b.elements ?? [])
            .filter((e) => e.action_id === 'step.done')
            .map((e) => ({ m, value: e.value ?? '' })),
        ),
      )[0];
    if (!button) throw new Error('no Done button');
    const click = () =>
      blockActionsBody({
        userId: 'U0CLICK',
        channelId: button.m.channel,
        messageTs: button.m.ts,
        responseUrl: slack.responseUrl(),
        actions: [{ action_id: 'step.done', value: button.value }],
      });
    const quietEnd = performance.now() + BASELINE_MS;
    const quiet = await clicksUntil(url, click, () => performance.now() > quietEnd);
    const responseUrl = slack.responseUrl();
    const id = responseUrl.split('/').pop();
    const started = performance.now();
    await command('start big', responseUrl);
    const during = await clicksUntil(url, click, () => slack.responses(id).length > 0);
    const parseSeconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`clicks at ${RATE}/s, nothing else going on:       ${fmt(quiet)}`);
    console.log(
      `clicks at ${RATE}/s, while \`big\` parses (${parseSeconds} s): ${fmt(during)}   target p99 < 100 ms`,
    );
    await bot.idle();
  } finally {
    await bot.stop();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How late a 5 ms interval fires (p99, max) while `work` runs: the event loop's delay. */
async function loopDelay(work: () => Promise<unknown>): Promise<string> {
  const late: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - last - 5));
    last = now;
  }, 5);
  await work();
  // Let the interval fire once more: a parse in this thread shows up only then.
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(timer);
  late.sort((a, b) => a - b);
  return `p99 ${pct(late, 99).toFixed(1)} ms, max ${(late[late.length - 1] ?? 0).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const big =
    SHAPES.find((s) => s.name === 'many headings')?.build(Number(process.env.BENCH_KB ?? 1024) * 1024) ?? '';
  console.log(
    `a ${(big.length / 1024).toFixed(0)} KB runbook of many short sections (bench/shapes.ts "many headings")\n`,
  );
  if (!process.env.BENCH_LOOP_ONLY) await ackWhileParsing(big);
  const worker = createRunbookParser({ timeLimitMs: 600_000 });
  const here = createRunbookParser({ timeLimitMs: 600_000, workerFile: null });
  console.log(`event loop delay, parse in the worker:   ${await loopDelay(() => worker.parse(big))}`);
  console.log(`event loop delay, parse in this thread: ${await loopDelay(() => here.parse(big))}`);
  await worker.close();
}

await main();
