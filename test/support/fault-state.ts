// What the fault tests check: what the database committed (read after the bot has stopped: PGlite
// allows one process) and whether the fake Slack's messages show it (Done buttons, the phase messages' counts).
import { sql } from 'drizzle-orm';
import { type DatabaseTarget, openDatabase } from '../../src/db/client.js';
import { rowsOf } from '../../src/db/runs.repository.js';
import type { FakeSlack } from './fake-slack.js';
import { runOf, stepOf, type Target, targetsIn } from './fault-storm.js';

/** What the database committed: done steps per run, and step_completed events per run and step. */
export interface Committed {
  done: Map<string, Set<string>>;
  completions: Map<string, number>;
}

/** Reads the committed state (the bot must have stopped when the database is PGlite). */
export async function readCommitted(target: DatabaseTarget): Promise<Committed> {
  const handle = await openDatabase(target);
  try {
    const steps = rowsOf(
      await handle.db.execute(sql`select run_id, step_id from run_steps where status = 'done'`),
    );
    const done = new Map<string, Set<string>>();
    for (const r of steps)
      done.set(String(r.run_id), (done.get(String(r.run_id)) ?? new Set()).add(String(r.step_id)));
    const events = rowsOf(
      await handle.db.execute(sql`select run_id, e->'data'->>'stepId' as step_id, count(*)::int as n
        from run_events, jsonb_array_elements(events) e where e->>'type' = 'step_completed'
        group by run_id, e->'data'->>'stepId'`),
    );
    const completions = new Map(events.map((r) => [`${r.run_id}|${r.step_id}`, Number(r.n)]));
    return { done, completions };
  } finally {
    await handle.close();
  }
}

/** A run as the test knows it: its channel, id and every step id. */
export interface StormRun {
  channel: string;
  runId: string;
  steps: string[];
}

/** The runs started, read from their first Done buttons. */
export function stormRuns(slack: FakeSlack, channels: string[]): StormRun[] {
  return channels.map((channel) => {
    const shown = targetsIn(slack, channel);
    return { channel, runId: runOf(shown[0] as Target), steps: shown.map(stepOf) };
  });
}

/**
 * Steps done as the run's phase messages count them ("Title · Phase: 2/3 steps done"), each phase
 * once (a split phase's parts and a left-behind copy say the same); -1 without a parent. The parent
 * carries no step count: it changes only when something on it changes for the channel.
 */
function shownDone(slack: FakeSlack, channel: string): number {
  const parent = slack.messages(channel).find((m) => !m.thread_ts);
  if (!parent) return -1;
  const byPhase = new Map<string, number>();
  for (const m of slack.thread(channel, parent.ts)) {
    const found = /^(.*): (\d+)\/\d+ steps done/.exec(m.text ?? '');
    if (found) byPhase.set((found[1] ?? '').replace(/ \(\d+\/\d+\)$/, ''), Number(found[2]));
  }
  return [...byPhase.values()].reduce((a, b) => a + b, 0);
}

/** Runs whose messages disagree with `committed`: Done buttons, or the phase messages' count of steps done. */
export function staleRuns(slack: FakeSlack, runs: StormRun[], committed: Committed): StormRun[] {
  return runs.filter((run) => {
    const done = committed.done.get(run.runId) ?? new Set<string>();
    const shown = new Set(targetsIn(slack, run.channel).map(stepOf));
    const open = run.steps.filter((s) => !done.has(s));
    return (
      shown.size !== open.length ||
      open.some((s) => !shown.has(s)) ||
      shownDone(slack, run.channel) !== done.size
    );
  });
}

/** Why a run is stale, for failure messages. */
export function describeRun(slack: FakeSlack, run: StormRun, committed: Committed): string {
  const done = committed.done.get(run.runId) ?? new Set<string>();
  const shown = targetsIn(slack, run.channel).map(stepOf);
  const wrong = shown.filter((s) => done.has(s)).length;
  return `${run.channel}: ${done.size} done in the database, ${shown.length} Done buttons shown (${wrong} on done steps), phase messages count ${shownDone(slack, run.channel)} done`;
}
