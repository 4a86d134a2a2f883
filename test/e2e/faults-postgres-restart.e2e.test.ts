// Postgres goes away mid-run (a fast shutdown of a cluster this test started itself, never the
// shared server) and comes back: a click meanwhile is acknowledged and answered privately that
// nothing was changed, /healthz says 503, and the bot recovers by itself once Postgres is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { useFaultBed } from '../support/fault-bot.js';
import { type Committed, describeRun, readCommitted, staleRuns, stormRuns } from '../support/fault-state.js';
import { STARTER, sleep, startRuns, stepOf, storm, type Target, targetsIn } from '../support/fault-storm.js';
import { PgCluster, pgClusterUnavailable } from '../support/pg-cluster.js';
import { blockActionsBody, postToApp } from '../support/slack-requests.js';

const SECRET = 'faults-pg-secret';
const CHANNEL = 'C0PGDOWN1';
const why = pgClusterUnavailable();
if (why && !process.env.CI) console.warn(`faults-postgres-restart skipped: ${why}`);

async function until(test: () => Promise<boolean> | boolean, ms: number): Promise<number> {
  const started = performance.now();
  while (!(await test()) && performance.now() - started < ms) await sleep(50);
  return performance.now() - started;
}

describe.skipIf(Boolean(why) && !process.env.CI)('Postgres restarts mid-run', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await PgCluster.create();
  }, 60_000);
  afterAll(() => cluster?.dispose());
  // After the cluster's hooks: made once the cluster is up, taken down before the cluster is.
  const bed = useFaultBed(SECRET, 5, () => ({ url: cluster.url }));

  const health = () =>
    fetch(bed.fb.healthz()).then(
      (r) => r.status,
      () => 0,
    );

  it('answers "nothing was changed" while it is down, says 503, and recovers by itself', async () => {
    const { slack, fb } = bed;
    await fb.start();
    await startRuns(slack, fb.url(), SECRET, [CHANNEL], 5);
    const [run] = stormRuns(slack, [CHANNEL]);
    if (!run) throw new Error('no run');
    const [one, two] = targetsIn(slack, CHANNEL) as [Target, Target];
    await storm(slack, fb.url, SECRET, [one], 1);

    cluster.stop();
    const to503 = await until(async () => (await health()) === 503, 15_000);
    expect(await health()).toBe(503);
    const body = blockActionsBody({
      userId: STARTER,
      channelId: two.channel,
      messageTs: two.ts,
      ...(two.threadTs ? { threadTs: two.threadTs } : {}),
      responseUrl: slack.responseUrl('down', { channel: two.channel, ts: two.ts, user: STARTER }),
      actions: [{ action_id: ACTIONS.stepDone, value: two.value, block_id: two.blockId }],
    });
    const res = await postToApp(fb.url(), body, { secret: SECRET });
    expect(res.status).toBe(200);
    await until(() => slack.responses('down').length > 0, 20_000);
    expect(String(slack.responses('down')[0]?.body.text)).toMatch(/nothing was changed/);

    cluster.start();
    const back = await until(async () => (await health()) === 200, 30_000);
    expect(await health()).toBe(200);
    const again = await storm(slack, fb.url, SECRET, [two], 1);
    expect(again[0]?.status).toBe(200);
    const expected: Committed = {
      done: new Map([[run.runId, new Set([stepOf(one), stepOf(two)])]]),
      completions: new Map(),
    };
    const current = await until(() => staleRuns(slack, [run], expected).length === 0, 15_000);
    expect(staleRuns(slack, [run], expected).map((r) => describeRun(slack, r, expected))).toEqual([]);
    console.info(
      `faults-postgres-restart: /healthz 503 ${Math.round(to503)} ms after the stop, 200 ${Math.round(back)} ms after the start, messages current ${Math.round(current)} ms after the next click`,
    );
    await fb.stop();
    const committed = await readCommitted(fb.target);
    expect(committed.done.get(run.runId)).toEqual(expected.done.get(run.runId));
    expect([...committed.completions.values()].filter((n) => n !== 1)).toEqual([]);
  }, 180_000);
});
