// Drives a run through the thread as people would: approvers sign gates, someone clicks Done.
import { expect } from 'vitest';
import { ACTIONS, VIEWS } from '../../src/slack/ids.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { buttonsOf, CHANNEL, type FoundButton, type Harness } from './harness.js';

/** Everyone the example directory maps to an approval role. */
export const APPROVERS = ['U0MEITAN', 'U0TBECKR', 'U0RAFAEL', 'U0INGRID', 'U0TOMAS1', 'U0AIKOS1', 'U0LENAF1'];

function visible(h: Harness): FakeMessage[] {
  const parent = h.parent();
  return parent ? [parent, ...h.thread()] : [];
}

function findButton(
  h: Harness,
  actionIds: readonly string[],
): { button: FoundButton; message: FakeMessage } | null {
  for (const message of visible(h)) {
    const button = buttonsOf(message).find((b) => actionIds.includes(b.actionId));
    if (button) return { button, message };
  }
  return null;
}

/** Clicks Approve (trying approvers until one may) and Done until no such button is left. */
export async function driveToEnd(h: Harness, doer = 'U0BOB', maxClicks = 400): Promise<number> {
  let clicks = 0;
  for (; clicks < maxClicks; clicks++) {
    const approve = findButton(h, [ACTIONS.approve]);
    if (approve) {
      let signed = false;
      for (const user of APPROVERS) {
        const { replies } = await h.click(approve.button, user, {
          channel: approve.message.channel,
          ts: approve.message.ts,
        });
        if (replies.length === 0) {
          signed = true;
          break;
        }
      }
      expect(signed, `nobody could sign ${approve.button.text}`).toBe(true);
      continue;
    }
    const done = findButton(h, [ACTIONS.stepDone, ACTIONS.stepDoneEarly]);
    if (!done) return clicks;
    const { replies } = await h.click(done.button, doer, {
      channel: done.message.channel ?? CHANNEL,
      ts: done.message.ts,
    });
    expect(replies.map((r) => r.body.text)).toEqual([]);
  }
  throw new Error(`the run did not end after ${maxClicks} clicks`);
}

/** The run's id, read from a button of its parent message. */
export function runIdOf(h: Harness, channel = CHANNEL): string {
  const value = buttonsOf(h.parent(channel))[0]?.value ?? '';
  const runId = value.split('|')[0];
  if (!runId) throw new Error(`no run in ${channel}`);
  return runId;
}

/** Texts of the thread's replies, oldest first. */
export function threadTexts(h: Harness, channel = CHANNEL): string[] {
  return h.thread(channel).map((m) => m.text);
}

/** Clicks **Start rollback** on the parent message and submits the reason modal it opens. */
export async function startRollback(
  h: Harness,
  userId: string,
  reason: string | null,
  channel = CHANNEL,
): Promise<void> {
  const parent = h.parent(channel);
  const button = buttonsOf(parent).find((b) => b.actionId === ACTIONS.startRollback);
  if (!parent || !button) throw new Error(`no Start rollback button in ${channel}`);
  const opened = h.slack.modals().length;
  const { replies } = await h.click(button, userId, { channel: parent.channel, ts: parent.ts });
  expect(replies).toEqual([]);
  const modal = h.slack.modals()[opened];
  expect(modal?.view.callback_id).toBe(VIEWS.rollbackReason);
  const res = await h.submitView(
    VIEWS.rollbackReason,
    String(modal?.view.private_metadata ?? ''),
    reason === null ? {} : { reason: { value: reason } },
    userId,
  );
  expect(res.status).toBe(200);
}

/**
 * The users the bot paged for the run posted in `channel`, in order: every escalation DM that
 * Slack accepted (a `chat.postMessage` to a `D…` channel that names the run's channel).
 */
export function pagedUsers(h: Harness, channel = CHANNEL): string[] {
  return h.slack
    .callsTo('chat.postMessage')
    .filter(
      (c) =>
        c.status === 200 &&
        c.error === null &&
        String(c.body.channel).startsWith('D') &&
        JSON.stringify(c.body.blocks ?? '').includes(`<#${channel}>`),
    )
    .map((c) => `U${String(c.body.channel).slice(1)}`);
}

/** The last page `userId` received for the run in `channel`. */
export function lastPage(h: Harness, userId: string, channel = CHANNEL): FakeMessage | undefined {
  return h.slack
    .dms(userId)
    .filter((m) => JSON.stringify(m.blocks).includes(`<#${channel}>`))
    .at(-1);
}

/** Clicks **Acknowledge** on the last page `clicker` received (or on `page`), in the DM channel. */
export async function acknowledge(
  h: Harness,
  clicker: string,
  channel = CHANNEL,
  page = lastPage(h, clicker, channel),
) {
  const button = buttonsOf(page).find((b) => b.actionId === ACTIONS.acknowledge);
  if (!page || !button) throw new Error(`no Acknowledge button in the DMs of ${clicker}`);
  expect(button.text).toBe('Acknowledge');
  return h.click(button, clicker, { channel: page.channel, ts: page.ts });
}

/** Moves the test clock on and runs one pass of the background worker (due timers fire). */
export async function elapse(h: Harness, minutes: number): Promise<void> {
  h.clock.advanceMinutes(minutes);
  await h.bot.tick();
}

/** Clicks Done on open steps (rollback steps once it rolls back) until none is left; returns the clicks. */
export async function finishOpenSteps(h: Harness, channel = CHANNEL, doer = 'U0BOB'): Promise<number> {
  let clicks = 0;
  for (; clicks < 100; clicks++) {
    const found = h
      .thread(channel)
      .map((message) => ({
        message,
        button: buttonsOf(message).find(
          (b) => b.actionId === ACTIONS.stepDone || b.actionId === ACTIONS.stepDoneEarly,
        ),
      }))
      .find((f) => f.button);
    if (!found?.button) return clicks;
    const { replies } = await h.click(found.button, doer, { channel, ts: found.message.ts });
    expect(replies.map((r) => r.body.text)).toEqual([]);
  }
  throw new Error('steps kept coming');
}
