// kill -9 in a click storm, then a restart on the same database: every acknowledged click is stored,
// none twice, and once the new process answers /healthz every message catches up with the database.
// The bot is its own process (`node dist/src/main.js`), clicked over HTTP with signed requests.
import { describe, expect, it } from 'vitest';
import { ACK_LIMIT_MS } from '../../src/slack/listeners/commit-then-ack.js';
import { useFaultBed } from '../support/fault-bot.js';
import {
  type Committed,
  describeRun,
  readCommitted,
  type StormRun,
  staleRuns,
  stormRuns,
} from '../support/fault-state.js';
import {
  type Click,
  runOf,
  sleep,
  startRuns,
  stepOf,
  storm,
  type Target,
  targetsIn,
} from '../support/fault-storm.js';

const SECRET = 'faults-kill-secret';
const STEPS = 30;
const CHANNELS = ['C0STORM1', 'C0STORM2', 'C0STORM3', 'C0STORM4'];
// The target is 10 s; measured 0-9.9 s here. After a storm the catch-up can wait on the killed
// process's outbox leases (LEASE_MS, 10 s) and on the chat.update budget the storm drained, so the
// test allows twice the target rather than fail on a loaded CI machine (see README, Recovery figures).
const CATCH_UP_MS = 20_000;

describe('kill -9 during a click storm, then a restart', () => {
  const bed = useFaultBed(SECRET, STEPS);
  const url = () => bed.fb.url();
  const kill = () => bed.fb.kill();
  const start = () => bed.fb.start();

  /** The database after the process died: every click answered 200 (in time) is there, none twice. */
  async function checkStored(clicks: Click[]): Promise<Committed> {
    const committed = await readCommitted(bed.fb.target);
    const acked = clicks.filter((c) => c.status === 200 && c.ms < ACK_LIMIT_MS);
    const lost = acked.filter((c) => !committed.done.get(runOf(c.target))?.has(stepOf(c.target)));
    expect(lost.map((c) => c.target.value)).toEqual([]);
    expect([...committed.completions.values()].filter((n) => n !== 1)).toEqual([]);
    // Acknowledged after the ack limit: the commit may legitimately still have been under way.
    const late = clicks.filter((c) => c.status === 200 && c.ms >= ACK_LIMIT_MS);
    const lateLost = late.filter((c) => !committed.done.get(runOf(c.target))?.has(stepOf(c.target)));
    console.info(
      `faults-kill: ${late.length} acks after ${ACK_LIMIT_MS} ms, ${lateLost.length} of them not stored`,
    );
    return committed;
  }

  /** Restarts and waits until every message shows `committed`; returns ms from /healthz 200. */
  async function catchUp(runs: StormRun[], committed: Committed): Promise<number> {
    const { slack, fb } = bed;
    const healthy = await start();
    while (staleRuns(slack, runs, committed).length > 0 && performance.now() - healthy < 60_000)
      await sleep(50);
    const ms = performance.now() - healthy;
    const stale = staleRuns(slack, runs, committed).map((r) => describeRun(slack, r, committed));
    expect(stale, fb.output().slice(-3000)).toEqual([]);
    return ms;
  }

  it('keeps every acknowledged click exactly once and catches up soon after /healthz', async () => {
    const { slack } = bed;
    const t0 = performance.now();
    await start();
    console.info(`faults-kill: up at ${Math.round(performance.now() - t0)} ms`);
    await startRuns(slack, url(), SECRET, CHANNELS, STEPS);
    const runs = stormRuns(slack, CHANNELS);
    // One click per run first: the process is warm when the storm starts.
    const warm = await storm(
      slack,
      url,
      SECRET,
      CHANNELS.map((c) => targetsIn(slack, c)[0] as Target),
      4,
    );
    expect(warm.map((c) => c.status)).toEqual(CHANNELS.map(() => 200));
    console.info(`faults-kill: warm at ${Math.round(performance.now() - t0)} ms`);
    // Storm 1: every Done button of every run, shuffled, about 30 a second; SIGKILL at a random moment.
    const all = CHANNELS.flatMap((c) =>
      targetsIn(slack, c).filter((t) => !warm.some((w) => w.target.value === t.value)),
    ).sort(() => Math.random() - 0.5);
    const killAt = 300 + Math.random() * 3000;
    const first = storm(slack, url, SECRET, all, 30);
    await sleep(killAt);
    await kill();
    const committed1 = await checkStored(await first);
    const catchUp1 = await catchUp(runs, committed1);
    console.info(`faults-kill: caught up at ${Math.round(performance.now() - t0)} ms`);

    // Storm 2: what is left, killed right after a 200 came back.
    const left = CHANNELS.flatMap((c) => targetsIn(slack, c)).sort(() => Math.random() - 0.5);
    let killed: Promise<void> | null = null;
    const killAfter = 1 + Math.floor(Math.random() * 10);
    let ok = 0;
    const second = await storm(slack, url, SECRET, left, 30, (c) => {
      if (c.status === 200 && ++ok === killAfter) killed ??= kill();
    });
    await killed;
    const committed2 = await checkStored(second);
    const catchUp2 = await catchUp(runs, committed2);
    const acks = (cs: Click[]) => {
      const ok = cs
        .filter((c) => c.status === 200)
        .map((c) => c.ms)
        .sort((a, b) => a - b);
      return `${ok.length}/${cs.length} acked, ack p50 ${Math.round(ok[ok.length >> 1] ?? 0)} ms max ${Math.round(ok.at(-1) ?? 0)} ms`;
    };
    console.info(`faults-kill: storm 1 ${acks(await first)}; storm 2 ${acks(second)}`);
    console.info(
      `faults-kill: storm 1 killed after ${Math.round(killAt)} ms (${committed1.completions.size} steps stored), ` +
        `catch-up ${Math.round(catchUp1)} ms; storm 2 killed after the ${killAfter}th 200 ` +
        `(${committed2.completions.size} stored), catch-up ${Math.round(catchUp2)} ms`,
    );
    expect(catchUp1).toBeLessThan(CATCH_UP_MS);
    expect(catchUp2).toBeLessThan(CATCH_UP_MS);
    expect(committed2.completions.size).toBeGreaterThan(committed1.completions.size);
  }, 180_000);
});
