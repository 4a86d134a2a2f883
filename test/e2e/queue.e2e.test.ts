// The queue behind an environment lock, end to end: a locked start answers with **Queue behind it**
// (or `--queue` queues at once), queued starts survive a restart and show in `/deploy status` and
// the holder's parent message; when the holder ends, the first in line is offered **Start now**
// once, for OFFER_MINUTES, then the next; nothing starts on its own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { outboxTable } from '../../src/db/schema.js';
import { OFFER_MINUTES } from '../../src/slack/blocks/queue-blocks.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { driveToEnd, elapse, runIdOf } from './drive.js';
import { buttonsOf, CHANNEL, E2E_DRIVER, type Harness, startHarness } from './harness.js';

const MINI = `---
title: Mini deploy
environment: staging
---

# Mini deploy

## Deploy

- [ ] Ship it

## Rollback

1. Revert
`;

describe('the queue behind an environment lock', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { mini: MINI } });
    h.slack.allowMentions('U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE');
  });
  afterEach(async () => {
    await h?.close();
  });

  const parents = () =>
    h.slack.messages(CHANNEL).filter((m) => !m.thread_ts && m.text.includes('Mini deploy'));
  // An offer as first posted (it is edited once it ends).
  const offers = () => h.slack.messages(CHANNEL).filter((m) => (m.edits[0]?.text ?? m.text).startsWith('▶️'));
  const offerButton = (who: string, action: string) => {
    const offer = offers().find((m) => m.text.includes(`<@${who}>`));
    const button = buttonsOf(offer).find((b) => b.actionId === action);
    if (!offer || !button) throw new Error(`no offer to ${who}`);
    return { offer, button };
  };

  it('queues behind the holder, survives a restart, offers Start now once, and starts only on the click', async () => {
    await h.command('start mini', 'U0ALICE');
    const locked = await h.command('start mini', 'U0BOB');
    const answer = locked.replies[0]?.body;
    expect(String(answer?.text)).toMatch(
      /^mini is already running in staging: run [0-9a-f-]+ started by <@U0ALICE> at \d\d:\d\d UTC \(in <#C0DEPLOY>\)\. Queue behind it/,
    );
    const queueButton = buttonsOf(answer as never).find((b) => b.actionId === ACTIONS.queueJoin);
    if (!queueButton) throw new Error('no Queue behind it button');
    expect(queueButton.text).toBe('Queue behind it');
    // Nothing is queued until Bob clicks.
    expect((await h.command('status', 'U0BOB')).replies[0]?.body.text).not.toContain('⏳');
    const joined = await h.click(queueButton, 'U0BOB', { channel: CHANNEL, ts: '1.000' });
    expect(joined.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^⏳ Queued as `q\d+`: `mini` in `staging`, number 1 in line\./),
    ]);
    const carol = await h.command('start mini --queue', 'U0CAROL');
    expect(String(carol.replies[0]?.body.text)).toMatch(/number 2 in line/);

    // Shown in /deploy status and on the holder's parent message.
    const status = String((await h.command('status', 'U0DAVE')).replies[0]?.body.text);
    expect(status).toMatch(/⏳ `q\d+` mini in staging: queued by <@U0BOB>, number 1 in line/);
    expect(status).toMatch(/⏳ `q\d+` mini in staging: queued by <@U0CAROL>, number 2 in line/);
    expect(JSON.stringify(h.parent()?.blocks)).toMatch(
      /Queued behind this run:\* <@U0BOB> \(since \d\d:\d\d UTC\), <@U0CAROL>/,
    );

    await h.restart();
    await driveToEnd(h);
    expect(h.parent()?.text).toMatch(/Completed/);
    // Bob is offered the lock once; nothing started on its own.
    expect(offers()).toHaveLength(1);
    expect(offers()[0]?.text).toContain(`<@U0BOB>`);
    expect(offers()[0]?.text).toContain(`(${OFFER_MINUTES} minutes)`);
    expect(parents()).toHaveLength(1);
    await h.bot.tick();
    expect(offers()).toHaveLength(1);

    // The lock is reserved for Bob: Dave's plain start is told so; Carol cannot take Bob's offer.
    const dave = await h.command('start mini', 'U0DAVE');
    expect(String(dave.replies[0]?.body.text)).toMatch(/offered to <@U0BOB>'s queued run until/);
    const { offer, button } = offerButton('U0BOB', ACTIONS.queueStart);
    const stolen = await h.click(button, 'U0CAROL', { channel: offer.channel, ts: offer.ts });
    expect(stolen.replies.map((r) => r.body.text)).toEqual([
      'Only the person who queued this run can start it.',
    ]);

    // Bob clicks Start now twice: one run starts.
    const first = h.clickBody(button, 'U0BOB', { channel: offer.channel, ts: offer.ts });
    const second = h.clickBody(button, 'U0BOB', { channel: offer.channel, ts: offer.ts });
    await h.send([first.body, second.body]);
    // The winner is told privately; the offer in the channel says for everyone who started, and
    // loses its buttons.
    const replies = [...first.replies(), ...second.replies()];
    for (const reply of replies) expect(reply.body.replace_original).toBe(false);
    const texts = replies.map((r) => String(r.body.text));
    expect(texts.filter((t) => /^Started run `[0-9a-f]{8}` of `mini`\.$/.test(t))).toHaveLength(1);
    // The other click is told the run started or is starting, not that the offer expired.
    expect(texts.filter((t) => !t.startsWith('Started run'))).toEqual([
      expect.stringMatching(
        /^This queued run (has already started|is being started \(a click before this one\); nothing more was started)\.$/,
      ),
    ]);
    expect(parents()).toHaveLength(2);
    await h.bot.idle();
    const closed = h.slack.message(offer.channel, offer.ts);
    expect(closed?.text).toMatch(
      /^✅ <@U0BOB> started their queued run `q\d+` \(`mini` in `staging`\) at \d\d:\d\d UTC\.$/,
    );
    expect(buttonsOf(closed)).toEqual([]);

    // Bob aborts: Carol is offered, leaves the queue, and nobody else is asked.
    expect(runIdOf(h)).not.toBe(await lastRunId(h));
    await h.command(`abort ${await lastRunId(h)} done`, 'U0BOB');
    expect(offers().map((m) => m.text.includes('<@U0CAROL>'))).toEqual([false, true]);
    const leave = offerButton('U0CAROL', ACTIONS.queueCancel);
    const left = await h.click(leave.button, 'U0CAROL', { channel: leave.offer.channel, ts: leave.offer.ts });
    // Carol is told privately; the offer says for everyone that she left, without buttons.
    expect(left.replies.map((r) => r.body.text)).toEqual([expect.stringMatching(/^Left the queue: `q\d+`/)]);
    await h.bot.idle();
    const gone = h.slack.message(leave.offer.channel, leave.offer.ts);
    expect(gone?.text).toMatch(
      /^↩️ <@U0CAROL> left the queue at \d\d:\d\d UTC: `q\d+` \(`mini` in `staging`\) is cancelled/,
    );
    expect(buttonsOf(gone)).toEqual([]);
    await elapse(h, OFFER_MINUTES + 1);
    expect(offers()).toHaveLength(2);
    expect(h.slack.violations).toEqual([]);
  }, 120_000);

  it('an offer nobody takes expires after OFFER_MINUTES and the next in line is asked', async () => {
    await h.command('start mini', 'U0ALICE');
    await h.command('start mini --queue', 'U0BOB');
    await h.command('start mini --queue', 'U0CAROL');
    await driveToEnd(h);
    expect(offers().map((m) => m.text.includes('<@U0BOB>'))).toEqual([true]);
    await elapse(h, OFFER_MINUTES - 1);
    expect(offers()).toHaveLength(1);
    await elapse(h, 1);
    expect(offers().map((m) => m.text.includes('<@U0CAROL>'))).toEqual([false, true]);
    // Bob's offer says it expired; its buttons are gone (a click on a copy still shown is refused).
    const expired = offers()[0];
    expect(expired?.text).toMatch(
      /^⌛ The offer to <@U0BOB> for `q\d+` \(`mini` in `staging`\) expired at \d\d:\d\d UTC/,
    );
    expect(buttonsOf(expired)).toEqual([]);
    const late = {
      offer: expired as NonNullable<typeof expired>,
      button: buttonsOf(expired?.edits[0]).find((b) => b.actionId === ACTIONS.queueStart),
    };
    if (!late.button) throw new Error('no Start now on the first offer');
    const tooLate = await h.click(late.button, 'U0BOB', { channel: late.offer.channel, ts: late.offer.ts });
    expect(tooLate.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^This offer expired at \d\d:\d\d UTC or was withdrawn; nothing was started\.$/),
    ]);
    expect(parents()).toHaveLength(1);
  }, 120_000);

  it('the offer is made once when the release is carried out again (a retry, or a second replica)', async () => {
    await h.command('start mini', 'U0ALICE');
    await h.command('start mini --queue', 'U0BOB');
    const runId = await lastRunId(h);
    await driveToEnd(h);
    expect(offers()).toHaveLength(1);
    // The same release handled again, as a second replica or a retry would: no second offer.
    const effect = { type: 'offer_queue' as const, runbookName: 'mini', environment: 'staging' };
    await h.restart(async () => {
      const handle = await openDatabase(h.config.database);
      const createdAt = h.clock.now().toISOString();
      await handle.db.insert(outboxTable).values([
        { runId, effect, createdAt },
        { runId, effect, createdAt },
      ]);
      await handle.close();
    });
    await h.bot.tick();
    expect(offers()).toHaveLength(1);
  }, 120_000);
});

/** The full id of the newest run (from `/deploy status`'s short id and the parent's Abort value). */
async function lastRunId(h: Harness): Promise<string> {
  const parent = h.slack
    .messages(CHANNEL)
    .filter((m) => !m.thread_ts && m.text.includes('Mini deploy'))
    .at(-1);
  const value = buttonsOf(parent)[0]?.value ?? '';
  return value.split('|')[0] ?? '';
}
