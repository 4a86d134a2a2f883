// Issue 18's outage criterion, measured from outside: the bot runs as its own process (`node
// dist/src/main.js`) on a throwaway Postgres cluster of the bench's own, against the fake Slack.
// RUNS deploys of a generated runbook (three phases of eight steps, the second behind a Service
// owner's approval) start a few seconds apart in their own channels; in each, people click the
// Approve or Done button they see, one click every 2 s. Then:
//   - outage scenarios ("60", "120"): every Slack call (the Web API, reads included, and every
//     response_url) answers 500 for that many seconds while the clicking goes on — people click
//     what Slack still shows them, each button once; the bot acknowledges and commits;
//   - "pg": the first click after the lead that finishes a phase (so the parent and the next phase
//     or the gate's notice must follow it) is acknowledged, and Postgres is stopped at once (a fast
//     shutdown of the bench's own cluster; pg_ctl holds the bench's event loop, the fake Slack's
//     answers with it, while it runs), kept down PG_DOWN_MS, and started again.
// The clicking stops when Slack heals (when Postgres is back), so the committed state is fixed; from
// then on the bench reads the committed state from the database and renders it as the bot does
// (loadExpectedMessages), and times, per posted message, how long until the fake Slack holds exactly
// that render (text and blocks). Printed: per-message p50/p95/max, how many were current within
// 30 s, when every message was current with no Slack work left in the outbox, and the Slack writes
// of the catch-up.
//
//   npm run build && node dist/bench/outage.bench.js   (BENCH_SCENARIOS=60,120,pg BENCH_RUNS=7)
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import { type DatabaseHandle, openDatabase } from '../src/db/client.js';
import { createStore, type Store } from '../src/db/repositories.js';
import { rowsOf } from '../src/db/runs.repository.js';
import { ACTIONS } from '../src/slack/ids.js';
import { queueBehind } from '../src/slack/sync/carry-effects/queue-offer.js';
import { loadExpectedMessages } from '../src/slack/sync/expected-messages.js';
import { createFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { PgCluster } from '../test/support/pg-cluster.js';
import { blockActionsBody, postToApp, slashCommandBody } from '../test/support/slack-requests.js';
import { type SpawnedBot, spawnBot } from '../test/support/spawned-bot.js';
import { scratchDatabase } from './support/bot-process.js';
import { buttonsOf } from './support/buttons.js';

const SECRET = 'bench-outage';
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const THINK_MS = 2000;
/** Runs start this far apart, so the fault finds them at different places (a phase, the gate). */
const STAGGER_MS = 2500;
/** From the first start to the fault. */
const LEAD_MS = Number(process.env.BENCH_LEAD_MS ?? 20_000);
const PG_DOWN_MS = Number(process.env.BENCH_PG_DOWN_MS ?? 10_000);
/** The target, and how long the bench waits for the messages before it gives up. */
const TARGET_MS = 30_000;
const WATCH_MS = Number(process.env.BENCH_WATCH_MS ?? 90_000);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? '60,120,pg').split(',');
const STARTER = (i: number) => `U0OUT${String(i).padStart(4, '0')}`;
const APPROVERS = ['U0RAFAEL', 'U0AIKOS1'];
/** What people see change: every Slack write (response_url included), not the reads. */
const WRITES = [
  'chat.postMessage',
  'chat.update',
  'chat.delete',
  'chat.postEphemeral',
  'views.publish',
  'views.update',
  'response_url',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN) : Number.NaN;
};
const secs = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'never');

/** outage.md: three phases of eight plain steps; the second waits for a Service owner's approval. */
function writeRunbooks(dir: string): void {
  const steps = (phase: string) =>
    Array.from({ length: 8 }, (_, i) => `- [ ] ${phase} step ${i + 1}`).join('\n');
  writeFileSync(
    join(dir, 'outage.md'),
    `---\ntitle: Outage drill\nenvironment: staging\n---\n\n# Outage drill\n\n## Prepare\n\n${steps('Prepare')}\n\n` +
      `## Deploy\n\nApproved By (Service owner): ________\n\n${steps('Deploy')}\n\n## Verify\n\n${steps('Verify')}\n\n` +
      `## Rollback\n\n1. Revert the build\n\n## Contacts\n\n- **On-call**: Ingrid Solberg (@ingrid), +1 555 0101\n`,
  );
  cpSync('runbooks/directory.example.yml', join(dir, 'directory.yml'));
}

/** One scenario's world: the fake Slack, the bot process on its own database, and a store on it. */
interface Bed {
  slack: FakeSlack;
  bot: SpawnedBot;
  url: () => string;
  handle: DatabaseHandle;
  store: Store;
  dir: string;
  /** Drops the bed's database. */
  drop: () => Promise<void>;
}

async function startBed(cluster: PgCluster): Promise<Bed> {
  const database = await scratchDatabase(cluster.url);
  const dbUrl = database.url ?? '';
  const slack = await createFakeSlack({
    emails: { 'lena.fischer@example.com': 'U0LENAF1', 'sre.lead@example.com': 'U0SRELD1' },
    // Slack's Tier 3 on chat.update, as the other Slack-side benches have it.
    rateLimits: { 'chat.update': 50 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-outage-'));
  writeRunbooks(dir);
  const bot = await spawnBot({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    RUNBOOKS_DIR: dir,
    DATABASE_URL: dbUrl,
  });
  const handle = await openDatabase({ url: dbUrl, maxConnections: 2 });
  const store = createStore(handle.db);
  return {
    slack,
    bot,
    url: () => `http://127.0.0.1:${bot.port}/slack/events`,
    handle,
    store,
    dir,
    drop: database.drop,
  };
}

async function stopBed(bed: Bed): Promise<void> {
  await bed.bot.stop();
  await bed.handle.close().catch(() => undefined);
  await bed.slack.close();
  await bed.drop();
  rmSync(bed.dir, { recursive: true, force: true });
}

interface ClickLog {
  sent: number;
  acked: number;
  acks: number[];
  /** Clicks sent while the fault lasted, and how many were answered 200. */
  during: { sent: number; acked: number };
}

/**
 * One deploy: started in its own channel after `delayMs`, then a click every THINK_MS on the first
 * Approve (else Done) button the fake Slack shows that was not clicked yet, until `stop()`. A click
 * the bot answers privately (refused: "nothing was changed" while Postgres is down) may be tried
 * again. `onAck` sees each acknowledged Done click (`finishes`: it was the last open step of its message).
 */
async function deploy(
  bed: Bed,
  i: number,
  delayMs: number,
  stop: () => boolean,
  faulty: () => boolean,
  log: ClickLog,
  onAck?: (value: string, finishes: boolean, channel: string) => void,
): Promise<void> {
  await sleep(delayMs);
  const channel = `C0OUT${String(i).padStart(4, '0')}`;
  const starter = STARTER(i);
  const start = slashCommandBody({
    text: `start outage env=o${i}`,
    userId: starter,
    channelId: channel,
    responseUrl: bed.slack.responseUrl(undefined, { channel, user: starter }),
  });
  await postToApp(bed.url(), start, { secret: SECRET });
  const clicked = new Map<string, string>(); // button → response id
  let n = 0;
  while (!stop()) {
    for (const [key, id] of clicked) if (bed.slack.responses(id).length > 0) clicked.delete(key);
    const parent = bed.slack.messages(channel).find((m) => !m.thread_ts);
    const messages = parent ? [...bed.slack.thread(channel, parent.ts), parent] : [];
    const open = (actionId: string) =>
      messages.flatMap((m) =>
        buttonsOf(m)
          .filter((b) => b.actionId === actionId && !clicked.has(`${b.actionId}|${b.value}`))
          .map((b) => ({ m, b })),
      );
    const target = open(ACTIONS.approve)[0] ?? open(ACTIONS.stepDone)[0];
    if (!target) {
      await sleep(200);
      continue;
    }
    const user = target.b.actionId === ACTIONS.approve ? (APPROVERS[n % 2] ?? 'U0RAFAEL') : starter;
    const id = `o${i}-${n++}`;
    clicked.set(`${target.b.actionId}|${target.b.value}`, id);
    const body = blockActionsBody({
      userId: user,
      channelId: channel,
      messageTs: target.m.ts,
      ...(target.m.thread_ts ? { threadTs: target.m.thread_ts } : {}),
      responseUrl: bed.slack.responseUrl(id, { channel, ts: target.m.ts, user }),
      actions: [{ action_id: target.b.actionId, value: target.b.value, block_id: target.b.blockId }],
    });
    const inFault = faulty();
    log.sent++;
    if (inFault) log.during.sent++;
    const res = await postToApp(bed.url(), body, { secret: SECRET }).catch(() => null);
    if (res?.status === 200) {
      log.acked++;
      log.acks.push(res.ms);
      if (inFault) log.during.acked++;
      if (target.b.actionId === ACTIONS.stepDone)
        onAck?.(
          target.b.value,
          buttonsOf(target.m).filter((b) => b.actionId === ACTIONS.stepDone).length === 1,
          channel,
        );
    }
    await sleep(THINK_MS);
  }
}

interface Watched {
  /** Per message (channel:ts): ms from `from` until the fake first held the render; Infinity: never. */
  current: Map<string, number>;
  staleAtStart: number;
  /** Every message current and no Slack work pending in the outbox; Infinity: not within WATCH_MS. */
  allMs: number;
  /** At the end: messages that differ from the render. */
  staleAtEnd: string[];
  pendingAtEnd: number;
}

/** Whether the fake holds `content` in the message (the same comparison as the harness's expectCurrent). */
function shows(slack: FakeSlack, channel: string, ts: string, text: string, blocks: unknown[]): boolean {
  const m = slack.message(channel, ts);
  return m !== undefined && m.text === text && isDeepStrictEqual(m.blocks ?? [], blocks);
}

async function pendingWork(bed: Bed): Promise<number> {
  const rows = rowsOf(
    await bed.handle.db.execute(sql`select count(*)::int as n from outbox where done_at is null`),
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Reads the committed state and compares each posted message with its render, every 200 ms from
 * `from` (performance.now()) until all are current and the outbox holds no Slack work, or WATCH_MS.
 */
async function watch(bed: Bed, from: number): Promise<Watched> {
  const current = new Map<string, number>();
  const seen = new Set<string>();
  let staleAtStart = -1;
  let allMs = Number.POSITIVE_INFINITY;
  let staleAtEnd: string[] = [];
  let pendingAtEnd = -1;
  const extras = (loaded: Parameters<typeof queueBehind>[1]) => queueBehind(bed.store.queue, loaded);
  while (performance.now() - from < WATCH_MS) {
    const at = performance.now();
    let expected: Awaited<ReturnType<typeof loadExpectedMessages>>;
    let pending: number;
    try {
      expected = await loadExpectedMessages(bed.store, new Date(), extras);
      pending = await pendingWork(bed);
    } catch {
      await sleep(200); // the database is not back yet
      continue;
    }
    const stale: string[] = [];
    for (const e of expected) {
      const key = `${e.channel}:${e.ts}`;
      seen.add(key);
      if (shows(bed.slack, e.channel, e.ts, e.content.text, e.content.blocks ?? [])) {
        // Current at the first read: it was never behind (0).
        if (!current.has(key)) current.set(key, staleAtStart < 0 ? 0 : at - from);
      } else stale.push(`${e.channel} ${e.ts}`);
    }
    if (staleAtStart < 0) staleAtStart = stale.length;
    staleAtEnd = stale;
    pendingAtEnd = pending;
    if (stale.length === 0 && pending === 0) {
      allMs = at - from;
      break;
    }
    await sleep(200);
  }
  for (const key of seen) if (!current.has(key)) current.set(key, Number.POSITIVE_INFINITY);
  return { current, staleAtStart, allMs, staleAtEnd, pendingAtEnd };
}

function writesBetween(slack: FakeSlack, from: number, to: number): string {
  const counts = new Map<string, { n: number; failed: number }>();
  for (const c of slack.calls) {
    if (c.at < from || c.at > to || !WRITES.includes(c.method)) continue;
    const k = counts.get(c.method) ?? { n: 0, failed: 0 };
    k.n++;
    if (c.status !== 200 || c.error) k.failed++;
    counts.set(c.method, k);
  }
  const total = [...counts.values()].reduce((a, b) => a + b.n, 0);
  const each = [...counts.entries()]
    .map(([m, k]) => `${m} ${k.n}${k.failed ? ` (${k.failed} refused)` : ''}`)
    .join(', ');
  return `${total} (${each || 'none'})`;
}

/** BENCH_DEBUG: the Slack calls of the catch-up and each message's time, relative to healing. */
function debugTimeline(slack: FakeSlack, from: number, to: number, w: Watched): void {
  for (const c of slack.calls)
    if (c.at >= from - 2000 && c.at <= to)
      console.error(
        `  +${((c.at - from) / 1000).toFixed(2)} s ${c.method} ${c.status} ${c.error ?? ''} ${String(c.body.channel ?? '')} ${String(c.body.ts ?? '')}`,
      );
  for (const [key, ms] of w.current) console.error(`  ${key} current after ${secs(ms)}`);
}

function report(label: string, w: Watched, log: ClickLog, writes: string, extra = ''): void {
  const times = [...w.current.values()];
  // Behind at the first read, or posted after it.
  const stale = times.filter((t) => t > 0);
  const within = times.filter((t) => t <= TARGET_MS).length;
  const ms = (x: number) => `${Math.round(x)} ms`;
  console.log(
    `${label}\n` +
      `   clicks ${log.sent} (${log.acked} acknowledged, ack p50 ${ms(pct(log.acks, 50))} p99 ${ms(pct(log.acks, 99))}); ` +
      `during the fault ${log.during.sent} (${log.during.acked} acknowledged)\n` +
      `   ${times.length} messages, ${w.staleAtStart} stale at the first read; current after: ` +
      `p50 ${secs(pct(times, 50))} p95 ${secs(pct(times, 95))} max ${secs(Math.max(0, ...times))} ` +
      `(of the stale ones: p50 ${secs(pct(stale, 50))}) · within 30 s: ${within}/${times.length}\n` +
      `   every message current, no Slack work left: ${secs(w.allMs)}` +
      (Number.isFinite(w.allMs)
        ? ''
        : ` (after ${secs(WATCH_MS)}: ${w.staleAtEnd.length} stale, ${w.pendingAtEnd} outbox items pending)`) +
      `\n   Slack writes of the catch-up: ${writes}${extra}` +
      `\n   target (every message current within 30 s): ${within === times.length && w.allMs <= TARGET_MS ? 'met' : 'NOT met'}`,
  );
}

async function outage(cluster: PgCluster, seconds: number): Promise<void> {
  const bed = await startBed(cluster);
  try {
    const log: ClickLog = { sent: 0, acked: 0, acks: [], during: { sent: 0, acked: 0 } };
    const t0 = Date.now();
    let faultAt = Number.POSITIVE_INFINITY;
    let healedAt = Number.POSITIVE_INFINITY;
    const stop = () => Date.now() >= healedAt;
    const faulty = () => Date.now() >= faultAt && Date.now() < healedAt;
    const deploys = Array.from({ length: RUNS }, (_, i) => deploy(bed, i, i * STAGGER_MS, stop, faulty, log));
    await sleep(Math.max(0, t0 + LEAD_MS - Date.now()));
    faultAt = Date.now();
    bed.slack.failFor('*', { status: 500 }, seconds * 1000);
    healedAt = faultAt + seconds * 1000;
    await sleep(healedAt - Date.now());
    const healed = performance.now();
    const healedWall = Date.now();
    const watched = watch(bed, healed);
    await Promise.all(deploys);
    const w = await watched;
    const end = Number.isFinite(w.allMs) ? healedWall + w.allMs : Date.now();
    if (process.env.BENCH_DEBUG) debugTimeline(bed.slack, healedWall, end, w);
    report(
      `${seconds} s outage of every Slack call (500), ${RUNS} runs:`,
      w,
      log,
      writesBetween(bed.slack, healedWall, end),
    );
  } finally {
    await stopBed(bed);
  }
}

async function postgresRestart(cluster: PgCluster): Promise<void> {
  const bed = await startBed(cluster);
  try {
    const log: ClickLog = { sent: 0, acked: 0, acks: [], during: { sent: 0, acked: 0 } };
    const t0 = Date.now();
    let downAt = Number.POSITIVE_INFINITY;
    let backAt = Number.POSITIVE_INFINITY;
    const stop = () => Date.now() >= backAt;
    const faulty = () => Date.now() >= downAt && Date.now() < backAt;
    let stopNow: ((clicked: { value: string; channel: string }) => void) | null = null;
    const lastBeforeStop = new Promise<{ value: string; channel: string }>((resolve) => {
      stopNow = resolve;
    });
    const deploys = Array.from({ length: RUNS }, (_, i) =>
      deploy(bed, i, i * STAGGER_MS, stop, faulty, log, (value, finishes, channel) => {
        // The first click after the lead that finishes a phase (the parent, the next phase or the
        // gate's notice must follow it): acknowledged, so committed; Postgres stops at once.
        if (finishes && Date.now() >= t0 + LEAD_MS && stopNow) {
          const go = stopNow;
          stopNow = null;
          cluster.stop();
          downAt = Date.now();
          go({ value, channel });
        }
      }),
    );
    const clicked = await lastBeforeStop;
    await sleep(PG_DOWN_MS);
    cluster.start();
    backAt = Date.now();
    const back = performance.now();
    const watched = watch(bed, back);
    await Promise.all(deploys);
    const w = await watched;
    const end = Number.isFinite(w.allMs) ? backAt + w.allMs : Date.now();
    if (process.env.BENCH_DEBUG) debugTimeline(bed.slack, backAt, end, w);
    // The step clicked just before the stop: committed, and shown done (no Done button left for it)?
    const [runId, , stepId] = clicked.value.split('|');
    const rows = rowsOf(
      await bed.handle.db.execute(
        sql`select status from run_steps where run_id = ${runId} and step_id = ${stepId}`,
      ),
    );
    const committed = String(rows[0]?.status ?? 'missing');
    const stillOpen = bed.slack
      .messages(clicked.channel)
      .some((m) => buttonsOf(m).some((b) => b.actionId === ACTIONS.stepDone && b.value === clicked.value));
    report(
      `Postgres restart (fast shutdown, down ${PG_DOWN_MS / 1000} s) mid-clicking, ${RUNS} runs:`,
      w,
      log,
      writesBetween(bed.slack, backAt, end),
      `\n   clicks answered "nothing was changed" while Postgres was down: ` +
        `${bed.slack.responses().filter((r) => /nothing was changed/.test(String(r.body.text))).length}` +
        `\n   the step acknowledged just before the stop: ${committed} in the database, ` +
        `${stillOpen ? 'still shown open' : 'shown done'} in Slack`,
    );
  } finally {
    await stopBed(bed);
  }
}

async function main(): Promise<void> {
  console.log(
    `Outage bench: ${RUNS} runs of a 3-phase runbook with a gate, a click every ${THINK_MS / 1000} s per run, ` +
      `the bot in its own process on a throwaway Postgres, fake Slack with chat.update at 50/min (target: every message current within 30 s)`,
  );
  const cluster = await PgCluster.create();
  try {
    for (const s of SCENARIOS) {
      if (s === 'pg') await postgresRestart(cluster);
      else await outage(cluster, Number(s));
    }
  } finally {
    cluster.dispose();
  }
}

await main();
