// Drives the bot process from outside for the fault tests: a generated runbook, runs started by
// signed slash commands, and Done buttons read off the fake Slack's messages and clicked concurrently.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
