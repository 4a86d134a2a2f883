// A Slack outage while people go on clicking: every Web API call and response_url answers 500 for
// 120 s, or 429 with Retry-After for 60 s (FAULT_OUTAGE_MS shortens both for a quick local run). The
// bot process keeps acknowledging, calls each failing method at most once a second once the calls that
// were in flight when Slack went down have failed, and every message is current within 10 s of healing.
import { describe, expect, it } from 'vitest';
import type { FakeSlack, Fault } from '../support/fake-slack.js';
import { useFaultBed } from '../support/fault-bot.js';
import { type Committed, describeRun, readCommitted, staleRuns, stormRuns } from '../support/fault-state.js';
import { runOf, sleep, startRuns, stepOf, storm, type Target, targetsIn } from '../support/fault-storm.js';

const SECRET = 'faults-outage-secret';
const STEPS = 30;
const CHANNELS = ['C0OUTAGE1', 'C0OUTAGE2'];
const outage = (ms: number) => Number(process.env.FAULT_OUTAGE_MS ?? ms);
const HEAL_MS = 10_000;
/** The target: at most one call a second per failing method. */
const MAX_PER_SECOND = 1;
/** Calls already under way when Slack went down fail within this; the rate is measured after it. */
const SETTLE_MS = 2_000;

const VARIANTS: [string, Fault, number][] = [
  ['500', { status: 500 }, outage(120_000)],
  ['429 with Retry-After', { status: 429, retryAfter: 2 }, outage(60_000)],
];

describe.each(VARIANTS)('a Slack outage (%s) while people click', (name, fault, OUTAGE_MS) => {
  const bed = useFaultBed(SECRET, STEPS);

  it('keeps acknowledging, spaces its calls, and is current within 10 s of healing', async () => {
    const { slack, fb } = bed;
    await fb.start();
    await startRuns(slack, fb.url(), SECRET, CHANNELS, STEPS);
    const runs = stormRuns(slack, CHANNELS);
    const first = CHANNELS.map((c) => targetsIn(slack, c)[0] as Target);
    const warm = await storm(slack, fb.url, SECRET, first, 4);
    while (staleRuns(slack, runs, expectedFrom(warm.map((c) => c.target))).length) await sleep(50);

    // The outage: about one click a second (fewer in a long outage: each step once), alternating runs.
    const left = CHANNELS.map((c) => targetsIn(slack, c));
    const count = Math.min(Math.max(1, Math.floor(OUTAGE_MS / 1000) - 1), 2 * (STEPS - 1));
    const clicks = Array.from({ length: count }, (_, i) => left[i % 2]?.[Math.floor(i / 2)] as Target);
    const from = Date.now();
    slack.failFor('*', fault, OUTAGE_MS);
    const during = await storm(slack, fb.url, SECRET, clicks, Math.min(1, count / (OUTAGE_MS / 1000)));
    while (Date.now() < from + OUTAGE_MS) await sleep(20);
    const healed = performance.now();
    expect(during.map((c) => c.status)).toEqual(clicks.map(() => 200));
    const overall = ratesDuring(slack, from, from + OUTAGE_MS);
    const perSecond = ratesDuring(slack, from + SETTLE_MS, from + OUTAGE_MS);

    const expected = expectedFrom([...warm, ...during].map((c) => c.target));
    while (staleRuns(slack, runs, expected).length && performance.now() - healed < 60_000) await sleep(50);
    const correctMs = performance.now() - healed;
    const stale = staleRuns(slack, runs, expected).map((r) => describeRun(slack, r, expected));
    expect(stale, fb.output().slice(-3000)).toEqual([]);
    console.info(
      `faults-slack-outage (${name}, ${OUTAGE_MS} ms): ${clicks.length} clicks all acknowledged; ` +
        `calls/s during the outage ${JSON.stringify(overall)}, after its first ${SETTLE_MS} ms ` +
        `${JSON.stringify(perSecond)}; correct ${Math.round(correctMs)} ms after healing`,
    );
    expect(Object.entries(perSecond).filter(([, rate]) => rate > MAX_PER_SECOND)).toEqual([]);
    expect(correctMs).toBeLessThan(HEAL_MS);

    // What the bot stored is what people clicked, each step once.
    await fb.stop();
    const committed = await readCommitted(fb.target);
    for (const run of runs) expect(committed.done.get(run.runId)).toEqual(expected.done.get(run.runId));
    expect([...committed.completions.values()].filter((n) => n !== 1)).toEqual([]);
  }, 300_000);
});

/** The state the clicks make: every clicked step done (one phase, plain steps: none is refused). */
function expectedFrom(clicked: Target[]): Committed {
  const done = new Map<string, Set<string>>();
  for (const t of clicked) done.set(runOf(t), (done.get(runOf(t)) ?? new Set()).add(stepOf(t)));
  return { done, completions: new Map() };
}

/** Calls per second per method (response_url included) received in [from, to). */
function ratesDuring(slack: FakeSlack, from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of slack.calls) if (c.at >= from && c.at < to) counts[c.method] = (counts[c.method] ?? 0) + 1;
  const seconds = (to - from) / 1000;
  return Object.fromEntries(
    Object.entries(counts).map(([m, n]) => [m, Math.round((n / seconds) * 100) / 100]),
  );
}
