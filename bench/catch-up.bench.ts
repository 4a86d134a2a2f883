// Catch-up after kill -9, timed from the Slack side. N active runs (each in its own channel) each get
// one Done click that is committed while Slack refuses every chat.update and response_url, so every
// run's phase message and parent are behind the database. Then the bot is SIGKILLed, Slack heals, the
// bot restarts on the same database, and the bench times from the first /healthz 200 to the moment
// every message shows the committed state, and counts the chat.update calls that took (only what
// differs should be sent: one per stale message). Run at the default budget (40 chat.update a minute,
// which bounds the catch-up: burst 5, then 35 a minute) and at a budget high enough not to bind, which
// shows the bot's own cost.
//
//   npm run build && node dist/bench/catch-up.bench.js     (BENCH_RUNS=20 BENCH_BUDGETS=40,600)
import { ACTIONS } from '../src/slack/ids.js';
import { createFakeSlack } from '../test/support/fake-slack.js';
import { FaultBot } from '../test/support/fault-bot.js';
import { type Committed, staleRuns, stormRuns } from '../test/support/fault-state.js';
import { runOf, STARTER, sleep, startRuns, stepOf, targetsIn } from '../test/support/fault-storm.js';
import { blockActionsBody, postToApp } from '../test/support/slack-requests.js';

const SECRET = 'bench-catch-up';
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const STEPS = 5;
const BUDGETS = (process.env.BENCH_BUDGETS ?? '40,600').split(',').map(Number);

async function scenario(budget: number): Promise<void> {
  const slack = await createFakeSlack();
  const fb = await FaultBot.create(slack, SECRET, STEPS);
  // Twenty runs by one person: past the cap that protects a workspace.
  const env = { SLACK_UPDATES_PER_MINUTE: String(budget), MAX_ACTIVE_RUNS_PER_USER: '100' };
  try {
    await fb.start(env);
    const channels = Array.from({ length: RUNS }, (_, i) => `C0CATCH${String(i).padStart(3, '0')}`);
    await startRuns(slack, fb.url(), SECRET, channels, STEPS);
    const runs = stormRuns(slack, channels);
    // Slack takes posts but no edits: every click is committed and none is shown.
    slack.failFor('chat.update', { status: 500 }, 3_600_000);
    slack.failFor('response_url', { status: 500 }, 3_600_000);
    const clicked = channels.map((c) => targetsIn(slack, c)[0]).filter((t) => t !== undefined);
    const answers = await Promise.all(
      clicked.map((t) =>
        postToApp(
          fb.url(),
          blockActionsBody({
            userId: STARTER,
            channelId: t.channel,
            messageTs: t.ts,
            ...(t.threadTs ? { threadTs: t.threadTs } : {}),
            responseUrl: slack.responseUrl(undefined, { channel: t.channel, ts: t.ts, user: STARTER }),
            actions: [{ action_id: ACTIONS.stepDone, value: t.value, block_id: t.blockId }],
          }),
          { secret: SECRET },
        ).then((r) => r.status),
      ),
    );
    if (answers.some((s) => s !== 200)) throw new Error(`clicks answered ${answers.join(',')}`);
    const committed: Committed = {
      done: new Map(clicked.map((t) => [runOf(t), new Set([stepOf(t)])])),
      completions: new Map(),
    };
    await sleep(1500);
    const stale = staleRuns(slack, runs, committed).length;
    await fb.kill();
    slack.clearFaults();
    const updatesBefore = slack.callsTo('chat.update').length;
    const healthy = await fb.start(env);
    while (staleRuns(slack, runs, committed).length > 0) {
      if (performance.now() - healthy > 300_000) throw new Error('no catch-up within 5 minutes');
      await sleep(20);
    }
    const ms = performance.now() - healthy;
    const updates = slack.callsTo('chat.update').slice(updatesBefore);
    const ok = updates.filter((c) => c.status === 200 && c.error === null).length;
    console.log(
      `budget ${String(budget).padStart(3)}/min | ${RUNS} runs, ${stale} stale before the kill | ` +
        `every message current ${(ms / 1000).toFixed(1)} s after /healthz | chat.update after restart: ` +
        `${updates.length} (${ok} ok) for ${2 * RUNS} stale messages`,
    );
  } finally {
    await fb.dispose();
    await slack.close();
  }
}

console.log(`catch-up after kill -9: ${RUNS} active runs, each one click ahead of Slack (target: 5 s)`);
for (const budget of BUDGETS) await scenario(budget);
