// Wait timers end to end: the "Start N-minute timer" button, the test clock moved by hand, and one
// pass of the background worker per `tick()`. One bot serves every test; each test has its channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { elapse, startRollback, threadTexts } from './drive.js';
import { buttonsOf, E2E_DRIVER, type FoundButton, type Harness, startHarness } from './harness.js';

const SOAK = `---
title: Soak test
environment: staging
---

# Soak test

## Deploy

- [ ] Deploy the build
- [ ] Soak for 10 minutes
- [ ] Watch the error rate for 30 minutes

## Rollback

1. Revert the build

## Contacts

- **On-call**: Ingrid Solberg (@ingrid), +1 555 0101
`;

const SOAK_OVER = (who: string) => `⏰ <@${who}> the 10-minute wait of “Soak for 10 minutes” is over.`;
const WATCH_OVER = (who: string) =>
  `⏰ <@${who}> the 30-minute wait of “Watch the error rate for 30 minutes” is over.`;

describe('wait timers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { soak: SOAK } });
    h.slack.allowMentions('U0ALICE', 'U0BOB', 'U0CAROL', 'U0INGRID');
  });
  afterAll(async () => {
    await h?.close();
  });

  async function start(channel: string): Promise<void> {
    const { replies } = await h.command(`start soak env=${channel.toLowerCase()}`, 'U0ALICE', channel);
    expect(replies[0]?.body.text).toMatch(/^Started run/);
  }

  /** The button of a step (by its title) with this action, in the Deploy phase message. */
  function stepButton(channel: string, title: string, actionId: string) {
    const phase = h.thread(channel)[0];
    if (!phase) throw new Error(`no phase in ${channel}`);
    const blocks = phase.blocks as { type: string; text?: { text?: string } }[];
    // A step is its text section followed by its status/buttons; find the step's section, then its buttons.
    const at = blocks.findIndex((b) => b.type === 'section' && (b.text?.text ?? '').includes(title));
    if (at < 0) throw new Error(`no step "${title}" in ${channel}`);
    const next = blocks.slice(at + 1).findIndex((b) => b.type === 'section');
    const own = blocks.slice(at, next < 0 ? undefined : at + 1 + next);
    const button = buttonsOf({ blocks: own }).find((b) => b.actionId === actionId);
    return { button, at: { channel, ts: phase.ts }, blocks: own };
  }

  async function click(channel: string, title: string, actionId: string, user: string) {
    const { button, at } = stepButton(channel, title, actionId);
    if (!button) throw new Error(`no ${actionId} button on "${title}"`);
    return (await h.click(button as FoundButton, user, at)).replies.map((r) => String(r.body.text));
  }

  const reminders = (channel: string) => threadTexts(h, channel).filter((t) => t.startsWith('⏰'));

  it('posts the reminder once when the time is up, mentioning who started the timer, also after a restart', async () => {
    const channel = 'C0WAITONCE';
    await start(channel);
    const start10 = stepButton(channel, 'Soak for 10 minutes', ACTIONS.stepStartWait);
    expect(start10.button?.text).toBe('Start 10-minute timer');
    expect(await click(channel, 'Soak for 10 minutes', ACTIONS.stepStartWait, 'U0CAROL')).toEqual([]);
    expect(h.parent(channel)?.text).toMatch(/: Waiting · Phase 1 of \d+ · /);
    const timer = JSON.stringify(stepButton(channel, 'Soak for 10 minutes', ACTIONS.stepDoneEarly).blocks);
    expect(timer).toMatch(/⏳ Timer ends at \d\d:\d\d UTC, started by <@U0CAROL>/);
    // The timer button is gone once it runs; a stale one is refused.
    expect(stepButton(channel, 'Soak for 10 minutes', ACTIONS.stepStartWait).button).toBeUndefined();
    if (!start10.button) throw new Error('no timer button');
    const again = await h.click(start10.button, 'U0BOB', start10.at);
    expect(again.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(
        /^the timer is already running \(started by <@U0CAROL>\), it ends at \d\d:\d\d UTC$/,
      ),
    ]);

    await elapse(h, 9);
    expect(reminders(channel)).toEqual([]);
    await elapse(h, 1);
    expect(reminders(channel)).toEqual([SOAK_OVER('U0CAROL')]);
    // Told once: more passes, more time and a restart say nothing more.
    await h.bot.tick();
    await elapse(h, 60);
    await h.restart();
    await h.bot.tick();
    expect(reminders(channel)).toEqual([SOAK_OVER('U0CAROL')]);
    // The step shows the wait is over and takes a plain Done, no confirmation.
    expect(h.parent(channel)?.text).toMatch(/: Running · Phase 1 of \d+ · /);
    const over = stepButton(channel, 'Soak for 10 minutes', ACTIONS.stepDone);
    expect(JSON.stringify(over.blocks)).toMatch(/⏱ Wait over at \d\d:\d\d UTC, started by <@U0CAROL>/);
    expect(await click(channel, 'Soak for 10 minutes', ACTIONS.stepDone, 'U0BOB')).toEqual([]);
    expect(h.slack.violations).toEqual([]);
  });

  it('announces a wait that fell due while the bot was down once, after the restart', async () => {
    const channel = 'C0WAITDOWN';
    await start(channel);
    expect(await click(channel, 'Watch the error rate', ACTIONS.stepStartWait, 'U0BOB')).toEqual([]);
    // The bot is down from minute 20 to minute 45: the timer falls due meanwhile.
    h.clock.advanceMinutes(20);
    await h.bot.tick();
    expect(reminders(channel)).toEqual([]);
    h.clock.advanceMinutes(25);
    await h.restart();
    await h.bot.tick();
    expect(reminders(channel)).toEqual([WATCH_OVER('U0BOB')]);
    await h.restart();
    await elapse(h, 5);
    expect(reminders(channel)).toEqual([WATCH_OVER('U0BOB')]);
  });

  it('asks before marking a running wait done, and a wait done early, or ended by a rollback, reminds nobody', async () => {
    const channel = 'C0WAITEARLY';
    await start(channel);
    expect(await click(channel, 'Soak for 10 minutes', ACTIONS.stepStartWait, 'U0BOB')).toEqual([]);
    expect(await click(channel, 'Watch the error rate', ACTIONS.stepStartWait, 'U0BOB')).toEqual([]);
    // While the timer runs, Done carries Slack's confirmation dialog…
    const soak = stepButton(channel, 'Soak for 10 minutes', ACTIONS.stepDoneEarly);
    expect(soak.button?.text).toMatch(/Done$/);
    expect(JSON.stringify(soak.blocks)).toContain('Mark done early?');
    // …and a plain Done (a stale or forged button) is refused with the time it ends.
    if (!soak.button) throw new Error('no Done button');
    const plain = await h.click({ ...soak.button, actionId: ACTIONS.stepDone }, 'U0BOB', soak.at);
    expect(plain.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^the 10-minute wait ends at \d\d:\d\d UTC: confirm to mark it done early$/),
    ]);
    expect(await click(channel, 'Soak for 10 minutes', ACTIONS.stepDoneEarly, 'U0BOB')).toEqual([]);
    // The 30-minute wait still runs when the rollback starts: the rollback ends it.
    await startRollback(h, 'U0ALICE', 'error rate up', channel);
    await elapse(h, 31);
    expect(reminders(channel)).toEqual([]);
    expect(threadTexts(h, channel)).toContain(
      '🔴 <@U0ALICE> started the rollback: error rate up. The rollback steps are now the current steps.',
    );
  });
});
