// Ack latency under load: signed clicks at a fixed rate (open loop) against the real bot and, in the
// same run, against a bare Bolt app that only acks. Prints p50/p99 and their ratio, Slack writes per
// click and click-to-visible time (click → the chat.update that shows the step done).
//
//   npm run build && node dist/bench/ack.bench.js      (BENCH_DATABASE_URL / TEST_DATABASE_URL: real Postgres)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, HTTPReceiver } from '@slack/bolt';
import pino from 'pino';
import postgres from 'postgres';
import type { Config } from '../src/config/config.js';
import { startBot } from '../src/server.js';
import { createFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { blockActionsBody, postToApp, slashCommandBody } from '../test/support/slack-requests.js';

const SECRET = 'bench-secret';
const RATES = [50, 200, 500];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CHANNEL = 'C0BENCH';
const STEPS_PER_RUN = 100;
const WATCH_MS = Number(process.env.BENCH_WATCH_MS ?? 15_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Sends `bodies` at `rate` per second without waiting for answers; returns each ack's latency. */
async function openLoop(
  url: string,
  bodies: string[],
  rate: number,
): Promise<{ latencies: number[]; sentAt: number[] }> {
  const start = performance.now();
  const latencies: number[] = new Array(bodies.length).fill(Number.NaN);
  const sentAt: number[] = new Array(bodies.length).fill(0);
  await Promise.all(
    bodies.map(async (body, i) => {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt[i] = Date.now();
      const res = await postToApp(url, body, { secret: SECRET });
      if (res.status !== 200) throw new Error(`ack ${res.status}`);
      latencies[i] = res.ms;
    }),
  );
  return { latencies, sentAt };
}

async function bareApp(slack: FakeSlack): Promise<{ url: string; stop: () => Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET });
  const app = new App({
    token: 'xoxb-bench',
    receiver,
    tokenVerificationEnabled: false,
    clientOptions: { slackApiUrl: slack.url },
  });
  app.action(/.*/, async ({ ack }) => {
    await ack();
  });
  const server = (await app.start(0)) as Server;
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/slack/events`, stop: () => app.stop() as Promise<void> };
}

function runbookText(): string {
  return [
    '# Bench runbook',
    '',
    '## Work',
    '',
    ...Array.from({ length: STEPS_PER_RUN }, (_, i) => `- [ ] step ${i + 1}`),
    '',
    '## Rollback',
    '',
    '1. undo',
  ].join('\n');
}

async function databaseTarget(): Promise<{
  target: Config['database'];
  cleanup: () => Promise<void>;
  label: string;
}> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'deploybot-ack-'));
    return {
      target: { dataDir: dir },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      label: 'PGlite',
    };
  }
  const name = `deploybot_ackbench_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    target: { url: u.toString(), maxConnections: 20 } as Config['database'],
    cleanup: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
    label: 'Postgres',
  };
}

interface DoneButton {
  value: string;
  ts: string;
  channel: string;
}

function doneButtons(slack: FakeSlack): DoneButton[] {
  const found: DoneButton[] = [];
  for (const m of slack.messages()) {
    for (const block of (m.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]) {
      for (const e of block.elements ?? [])
        if (e.action_id === 'step.done' && e.value)
          found.push({ value: e.value, ts: m.ts, channel: m.channel });
    }
  }
  return found;
}

async function warmUp(
  botUrl: string,
  bareUrl: string,
  slack: FakeSlack,
  bot: { idle(): Promise<void> },
): Promise<void> {
  await postToApp(
    botUrl,
    slashCommandBody({
      text: 'start bench env=warmup',
      userId: 'U0BENCH',
      channelId: CHANNEL,
      responseUrl: slack.responseUrl(),
    }),
    { secret: SECRET },
  );
  await bot.idle();
  const bodies = doneButtons(slack)
    .slice(0, 60)
    .map((b) =>
      blockActionsBody({
        userId: 'U0WARM',
        channelId: b.channel,
        messageTs: b.ts,
        responseUrl: slack.responseUrl(),
        actions: [{ action_id: 'step.done', value: b.value }],
      }),
    );
  await openLoop(bareUrl, bodies, 100);
  await openLoop(botUrl, bodies, 100);
}

async function main(): Promise<void> {
  const slack = await createFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-ack-runbooks-'));
  writeFileSync(join(dir, 'bench.md'), runbookText());
  const db = await databaseTarget();
  const config: Config = {
    slack: {
      botToken: 'xoxb-bench',
      signingSecret: SECRET,
      appToken: null,
      apiUrl: slack.url,
      botUserId: null,
    },
    database: db.target,
    port: 0,
    runbooksDir: dir,
    directoryFile: join(dir, 'directory.yml'),
    directoryOptional: true,
    logLevel: 'silent',
  };
  const bot = await startBot(config, pino({ level: 'silent' }), { stopTimeoutMs: 1000 });
  const bare = await bareApp(slack);
  const botUrl = `http://127.0.0.1:${bot.port}/slack/events`;
  console.log(
    `ack latency, open loop, ${SECONDS} s per rate, bot on ${db.label}; bare = a Bolt app that only acks`,
  );
  // Warm-up, not measured: JIT, connection pools, the first run's messages.
  await warmUp(botUrl, bare.url, slack, bot);
  console.log(
    `rate/s  clicks  bot p50 ms  bot p99 ms  bot max ms  bare p50  bare p99  p99 ratio  writes/click  visible p50 ms  visible p99 ms  visible within ${WATCH_MS / 1000} s`,
  );
  try {
    let env = 0;
    for (const rate of RATES) {
      const clicks = rate * SECONDS;
      const runs = Math.ceil(clicks / STEPS_PER_RUN);
      for (let r = 0; r < runs; r++) {
        const res = await postToApp(
          botUrl,
          slashCommandBody({
            text: `start bench env=e${env++}`,
            userId: 'U0BENCH',
            channelId: `${CHANNEL}${rate}R${r}`, // one channel per run, as teams deploy in their own channels
            responseUrl: slack.responseUrl(),
          }),
          { secret: SECRET },
        );
        if (res.status !== 200) throw new Error('start failed');
      }
      await bot.idle();
      const buttons = doneButtons(slack)
        .slice(-runs * STEPS_PER_RUN)
        .slice(0, clicks);
      const body = (b: DoneButton, i: number) =>
        blockActionsBody({
          userId: `U0C${i % 50}`,
          channelId: b.channel,
          messageTs: b.ts,
          responseUrl: slack.responseUrl(),
          actions: [{ action_id: 'step.done', value: b.value }],
        });
      const bodies = buttons.map(body);
      const bareRun = await openLoop(bare.url, bodies, rate);
      const writesBefore = slack.callsTo('chat.update').length + slack.callsTo('chat.postMessage').length;
      const updatesFrom = slack.callsTo('chat.update').length;
      const botRun = await openLoop(botUrl, bodies, rate);
      // Slack's chat.update budget (40/min) spreads the updates out: watch for a while, not forever.
      const watchUntil = Date.now() + WATCH_MS;
      while (Date.now() < watchUntil) await new Promise((r) => setTimeout(r, 500));
      const writes =
        slack.callsTo('chat.update').length + slack.callsTo('chat.postMessage').length - writesBefore;
      // Click-to-visible: the first chat.update after the click whose blocks no longer offer that step's Done.
      const updates = slack.callsTo('chat.update').slice(updatesFrom);
      // The Undo button keeps the step's value: look for the Done button itself.
      const offersDone = (blocks: unknown, value: string) =>
        ((blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]).some((block) =>
          (block.elements ?? []).some((e) => e.action_id === 'step.done' && e.value === value),
        );
      const visible = buttons
        .map((b, i) => {
          const sent = botRun.sentAt[i] ?? 0;
          const shown = updates.find(
            (u) => u.at >= sent && u.body.ts === b.ts && !offersDone(u.body.blocks, b.value),
          );
          return shown ? shown.at - sent : Number.NaN;
        })
        .filter((x) => !Number.isNaN(x))
        .sort((a, b) => a - b);
      const ours = [...botRun.latencies].sort((a, b) => a - b);
      const base = [...bareRun.latencies].sort((a, b) => a - b);
      console.log(
        [
          String(rate).padStart(6),
          String(clicks).padStart(7),
          percentile(ours, 50).toFixed(1).padStart(11),
          percentile(ours, 99).toFixed(1).padStart(11),
          (ours[ours.length - 1] ?? 0).toFixed(1).padStart(11),
          percentile(base, 50).toFixed(1).padStart(9),
          percentile(base, 99).toFixed(1).padStart(9),
          (percentile(ours, 99) / percentile(base, 99)).toFixed(2).padStart(10),
          (writes / clicks).toFixed(2).padStart(13),
          percentile(visible, 50).toFixed(0).padStart(15),
          percentile(visible, 99).toFixed(0).padStart(15),
          `${((100 * visible.length) / clicks).toFixed(0)}%`.padStart(9),
        ].join(' '),
      );
    }
    console.log('goals: p99 ≤ 2× bare at 200/s; no ack over 100 ms at 500/s; ≤ 1 Slack write per click');
  } finally {
    await bare.stop();
    await bot.stop();
    await slack.close();
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
