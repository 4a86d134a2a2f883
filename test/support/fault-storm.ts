// Drives the bot process from outside for the fault tests: a generated runbook, runs started by
// signed slash commands, Done buttons read off the fake Slack's messages and clicked concurrently,
// and what the database committed, read after the bot has stopped (PGlite allows one process).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { type DatabaseTarget, openDatabase } from '../../src/db/client.js';
import { rowsOf } from '../../src/db/runs.repository.js';
import { ACTIONS } from '../../src/slack/ids.js';
import type { FakeMessage, FakeSlack } from './fake-slack.js';
import { blockActionsBody, postToApp, slashCommandBody } from './slack-requests.js';

export const STARTER = 'U0STORM';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `storm.md`: one phase of `steps` plain steps in staging (no gate, no waits). */
export function writeStormRunbook(dir: string, steps: number): void {
  const items = Array.from({ length: steps }, (_, i) => `- [ ] Storm step ${i + 1}`).join('\n');
  const text = `---\ntitle: Storm\nenvironment: staging\n---\n\n# Storm\n\n## Deploy\n\n${items}\n\n## Rollback\n\n1. Revert the build\n\n## Contacts\n\n- **On-call**: Ingrid Solberg (@ingrid), +1 555 0101\n`;
  writeFileSync(join(dir, 'storm.md'), text);
}

/** A Done button in a message. */
export interface Target {
  channel: string;
  ts: string;
  threadTs?: string;
  value: string;
  blockId: string;
}

function doneButtons(m: FakeMessage): Target[] {
  const out: Target[] = [];
  for (const b of (m.blocks ?? []) as { block_id?: string; elements?: unknown[]; accessory?: unknown }[]) {
    const elements = [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])] as Record<
      string,
      string
    >[];
    for (const e of elements)
      if (e.type === 'button' && e.action_id === ACTIONS.stepDone)
        out.push({
          channel: m.channel,
          ts: m.ts,
          ...(m.thread_ts ? { threadTs: m.thread_ts } : {}),
          value: e.value ?? '',
          blockId: b.block_id ?? '',
        });
  }
  return out;
}

/** Every Done button the fake Slack shows in `channel`. */
export const targetsIn = (slack: FakeSlack, channel: string): Target[] =>
  slack.messages(channel).flatMap(doneButtons);

/** "`run|step|st_…`" → the step id. */
export const stepOf = (t: Target) => t.value.split('|')[2] ?? '';
export const runOf = (t: Target) => t.value.split('|')[0] ?? '';

/** Starts one run of storm.md per channel and waits until each shows `steps` Done buttons. */
export async function startRuns(
  slack: FakeSlack,
  url: string,
  secret: string,
  channels: string[],
  steps: number,
) {
  for (const [i, channel] of channels.entries()) {
    const body = slashCommandBody({
      text: `start storm env=storm${i}`,
      userId: STARTER,
      channelId: channel,
      responseUrl: slack.responseUrl(undefined, { channel, user: STARTER }),
    });
    const res = await postToApp(url, body, { secret });
    if (res.status !== 200) throw new Error(`start answered ${res.status}`);
  }
  const deadline = Date.now() + 30_000;
  while (channels.some((c) => targetsIn(slack, c).length < steps)) {
    if (Date.now() > deadline) throw new Error('the runs did not show their Done buttons');
    await sleep(50);
  }
}

/** One click as sent, and how it was answered (null: no answer, e.g. the process died). */
export interface Click {
  target: Target;
  status: number | null;
  ms: number;
}

/** Clicks every target once (in order) at `perSecond`; `onAck` sees each answer as it arrives. */
export async function storm(
  slack: FakeSlack,
  url: () => string,
  secret: string,
  targets: Target[],
  perSecond: number,
  onAck: (click: Click) => void = () => {},
): Promise<Click[]> {
  const sends = targets.map(async (target, i) => {
    await sleep((i * 1000) / perSecond);
    const body = blockActionsBody({
      userId: STARTER,
      channelId: target.channel,
      messageTs: target.ts,
      ...(target.threadTs ? { threadTs: target.threadTs } : {}),
      responseUrl: slack.responseUrl(undefined, { channel: target.channel, ts: target.ts, user: STARTER }),
      actions: [{ action_id: ACTIONS.stepDone, value: target.value, block_id: target.blockId }],
    });
    const started = performance.now();
    const status = await postToApp(url(), body, { secret }).then(
      (r) => r.status,
      () => null,
    );
    const click = { target, status, ms: performance.now() - started };
    onAck(click);
    return click;
  });
  return Promise.all(sends);
}

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

const doneCount = (text: string | undefined) => Number(/(\d+)\/\d+ steps done/.exec(text ?? '')?.[1] ?? -1);

/** Runs whose messages disagree with `committed`: Done buttons, or the parent's count of steps done. */
export function staleRuns(slack: FakeSlack, runs: StormRun[], committed: Committed): StormRun[] {
  return runs.filter((run) => {
    const done = committed.done.get(run.runId) ?? new Set<string>();
    const shown = new Set(targetsIn(slack, run.channel).map(stepOf));
    const open = run.steps.filter((s) => !done.has(s));
    const parent = slack.messages(run.channel).find((m) => !m.thread_ts);
    return (
      shown.size !== open.length || open.some((s) => !shown.has(s)) || doneCount(parent?.text) !== done.size
    );
  });
}

/** Why a run is stale, for failure messages. */
export function describeRun(slack: FakeSlack, run: StormRun, committed: Committed): string {
  const done = committed.done.get(run.runId) ?? new Set<string>();
  const shown = targetsIn(slack, run.channel).map(stepOf);
  const parent = slack.messages(run.channel).find((m) => !m.thread_ts);
  const wrong = shown.filter((s) => done.has(s)).length;
  return `${run.channel}: ${done.size} done in the database, ${shown.length} Done buttons shown (${wrong} on done steps), parent says "${/\d+\/\d+ steps done/.exec(parent?.text ?? '')?.[0] ?? parent?.text?.slice(0, 80)}"`;
}
