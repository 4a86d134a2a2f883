// Drives a run through the thread as people would: approvers sign gates, someone clicks Done.
import { expect } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
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
