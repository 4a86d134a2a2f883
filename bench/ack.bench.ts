// Ack latency under load: signed clicks at a fixed rate (open loop) from this process against the
// real bot in its own process (node dist/src/main.js, as npm start runs it) and, in the same run,
// against a bare Bolt app that only acks, also in its own process. The bot commits each click
// before it acknowledges it. Prints p50/p99 and their ratio, Web API writes per click and
// click-to-visible (click → the clicked message without that step's Done, via response_url or
// chat.update).
//
//   npm run build && node dist/bench/ack.bench.js      (BENCH_DATABASE_URL: real Postgres)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { blockActionsBody, postToApp, slashCommandBody } from '../test/support/slack-requests.js';
import { botEnv, scratchDatabase, startProcess } from './support/bot-process.js';

const SECRET = 'bench-secret';
const RATES = (process.env.BENCH_RATES ?? '50,200,500').split(',').map(Number);
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
): Promise<{ latencies: number[]; sentAt: number[]; misses: Map<string, number> }> {
  const start = performance.now();
  const misses = new Map<string, number>();
  const latencies: number[] = new Array(bodies.length).fill(Number.NaN);
  const sentAt: number[] = new Array(bodies.length).fill(0);
  await Promise.all(
    bodies.map(async (body, i) => {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt[i] = Date.now();
      // A refused or failed request counts as a miss (NaN), not as a fast ack.
      const res = await postToApp(url, body, { secret: SECRET }).catch((error: unknown) =>
        String((error as { cause?: { code?: string } })?.cause?.code ?? error),
      );
      if (typeof res !== 'string' && res.status === 200) latencies[i] = res.ms;
      else {
        const why = typeof res === 'string' ? res : `HTTP ${res.status} ${res.body.slice(0, 80)}`;
        misses.set(why, (misses.get(why) ?? 0) + 1);
      }
    }),
  );
  return { latencies, sentAt, misses };
}

/** CPU time (user + system) a process has used so far, in ms; NaN where /proc is not there. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
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

async function warmUp(botUrl: string, bareUrl: string, slack: FakeSlack): Promise<void> {
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
  await settle(slack);
  const bodies = doneButtons(slack)
    .slice(0, 60)
    .map((b) =>
      blockActionsBody({
        userId: 'U0WARM',
        channelId: b.channel,
        messageTs: b.ts,
        responseUrl: slack.responseUrl(undefined, { channel: b.channel, ts: b.ts }),
        actions: [{ action_id: 'step.done', value: b.value }],
      }),
    );
  await openLoop(bareUrl, bodies, 100);
  await openLoop(botUrl, bodies, 100);
}

/** Waits until the bot has posted what it was asked to (no new Slack call for a while). */
async function settle(slack: FakeSlack, quietMs = 1500): Promise<void> {
  let last = -1;
  for (;;) {
    if (slack.calls.length === last) return;
    last = slack.calls.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

async function main(): Promise<void> {
  const slack = await createFakeSlack({ rateLimits: { 'chat.update': 50 } });
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-ack-'));
  writeFileSync(join(dir, 'bench.md'), runbookText());
  const database = await scratchDatabase();
  const env = botEnv({
    apiUrl: slack.url,
    secret: SECRET,
    dataDir: join(dir, 'data'),
    runbooksDir: dir,
    databaseUrl: database.url,
  });
  const bot = await startProcess('dist/src/main.js', env);
  const bare = await startProcess('dist/bench/bare-bolt.js', env);
  const botUrl = bot.url;
  const db = { label: process.env.BENCH_DATABASE_URL ? 'Postgres' : 'PGlite' };
  console.log(
    `ack latency, open loop, ${SECONDS} s per rate, bot on ${db.label}; bare = a Bolt app that only acks`,
  );
  // Warm-up, not measured: JIT, connection pools, the first run's messages.
  await warmUp(botUrl, bare.url, slack);
  console.log(
    `rate/s  clicks  bot p50 ms  bot p99 ms  bot max ms  bare p50  bare p99  p99 ratio  writes/click  visible p50 ms  visible p99 ms  visible within ${WATCH_MS / 1000} s  bot CPU ms/click`,
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
      // Every run's phase message must be there before the clicks start (posts are paced per channel).
      const wanted = new Set(Array.from({ length: runs }, (_, r) => `${CHANNEL}${rate}R${r}`));
      const ready = () => doneButtons(slack).filter((b) => wanted.has(b.channel)).length >= clicks;
      for (const giveUp = Date.now() + 60_000; !ready() && Date.now() < giveUp; ) await settle(slack);
      const buttons = doneButtons(slack)
        .filter((b) => wanted.has(b.channel))
        .slice(0, clicks);
      if (buttons.length < clicks)
        console.log(`  only ${buttons.length} Done buttons of ${clicks} were posted within 60 s`);
      const body = (b: DoneButton, i: number) =>
        blockActionsBody({
          userId: `U0C${i % 50}`,
          channelId: b.channel,
          messageTs: b.ts,
          responseUrl: slack.responseUrl(`r${rate}-${i}`, { channel: b.channel, ts: b.ts }),
          actions: [{ action_id: 'step.done', value: b.value }],
        });
      const bodies = buttons.map(body);
      const bareRun = await openLoop(bare.url, bodies, rate);
      const writesBefore = slack.callsTo('chat.update').length + slack.callsTo('chat.postMessage').length;
      const updatesFrom = slack.callsTo('chat.update').length;
      const cpuBefore = cpuMsOf(bot.child.pid);
      const botRun = await openLoop(botUrl, bodies, rate);
      // Slack's chat.update budget (40/min) spreads the updates out: watch for a while, not forever.
      const watchUntil = Date.now() + WATCH_MS;
      while (Date.now() < watchUntil) await new Promise((r) => setTimeout(r, 500));
      // The bot's CPU for the clicks and all the Slack work they caused (the watch included).
      const cpuPerClick = (cpuMsOf(bot.child.pid) - cpuBefore) / clicks;
      const writes =
        slack.callsTo('chat.update').length + slack.callsTo('chat.postMessage').length - writesBefore;
      // Click-to-visible: the first write after the click (response_url or chat.update) whose blocks no
      // longer offer that step's Done.
      const updates = slack.callsTo('chat.update').slice(updatesFrom);
      // The Undo button keeps the step's value: look for the Done button itself.
      const offersDone = (blocks: unknown, value: string) =>
        ((blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[]).some((block) =>
          (block.elements ?? []).some((e) => e.action_id === 'step.done' && e.value === value),
        );
      // Every replacement through a click's response_url, with the message it replaced: under load
      // one write carries several clicks (the newest render wins), through the newest click's URL.
      const replacements = buttons.flatMap((b, i) =>
        slack
          .responseWrites(`r${rate}-${i}`)
          .filter((r) => r.effect === 'replaced')
          .map((r) => ({ ts: b.ts, at: r.at, blocks: (r.body as { blocks?: unknown }).blocks })),
      );
      const visible = buttons
        .map((b, i) => {
          const sent = botRun.sentAt[i] ?? 0;
          const shows = (w: { ts: string; at: number; blocks: unknown }) =>
            w.at >= sent && w.ts === b.ts && !offersDone(w.blocks, b.value);
          const shown = [
            ...replacements.filter(shows).map((r) => r.at),
            ...updates
              .filter((u) => shows({ ts: String(u.body.ts), at: u.at, blocks: u.body.blocks }))
              .map((u) => u.at),
          ];
          return shown.length ? Math.min(...shown) - sent : Number.NaN;
        })
        .filter((x) => !Number.isNaN(x))
        .sort((a, b) => a - b);
      const ours = botRun.latencies.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      const base = bareRun.latencies.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      const missed = clicks - ours.length;
      if (missed)
        console.log(
          `  ${missed} of ${clicks} clicks to the bot got no 200 (counted as misses): ${[...botRun.misses]
            .map(([why, n]) => `${n} × ${why}`)
            .join('; ')}`,
        );
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
          cpuPerClick.toFixed(1).padStart(18),
        ].join(' '),
      );
    }
    console.log(
      'goals: p99 ≤ 100 ms at 200/s, commit included (bare beside it); ≤ 1.2 Slack writes per click',
    );
  } finally {
    await bare.stop();
    await bot.stop();
    await slack.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
