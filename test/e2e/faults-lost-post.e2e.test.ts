// A message posted just before a crash, whose ts the bot never stored: Slack carried out the post, the
// process died before the answer reached it, and the restarted process posted the message again. The
// first copy is still in the thread with live buttons. A click on it counts once, and the copy goes,
// so no live duplicate is left. The bot is its own process, killed with SIGKILL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { createFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { FaultBot } from '../support/fault-bot.js';
import { readCommitted } from '../support/fault-state.js';
import { STARTER, sleep, startRuns, stepOf, targetsIn } from '../support/fault-storm.js';
import { blockActionsBody, postToApp } from '../support/slack-requests.js';

const SECRET = 'faults-lost-post-secret';
const CHANNEL = 'C0LOSTPOST';
const STEPS = 3;

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('a post whose answer was lost to a crash', () => {
  let slack: FakeSlack;
  let fb: FaultBot;

  beforeAll(async () => {
    slack = await createFakeSlack();
    fb = await FaultBot.create(slack, SECRET, STEPS);
  }, 60_000);
  afterAll(async () => {
    await fb?.dispose();
    await slack?.close();
  });

  it('leaves no live copy: a click on the copy counts once and takes the copy away', async () => {
    await fb.start();
    // The parent goes out normally; the phase message's post is carried out, its answer never comes.
    const off = slack.onChange(() => {
      if (slack.messages(CHANNEL).some((m) => !m.thread_ts)) {
        off();
        slack.failNext('chat.postMessage', { answerLost: true });
      }
    });
    await startRuns(slack, fb.url(), SECRET, [CHANNEL], STEPS);
    await until('the lost answer to be held', () => slack.heldCount === 1);
    await fb.kill();

    // The restarted process does not know the phase message's ts: it posts it again.
    await fb.start();
    await until('the phase message to be posted again', () => targetsIn(slack, CHANNEL).length === 2 * STEPS);
    const phases = slack.messages(CHANNEL).filter((m) => m.thread_ts && m.thread_ts !== m.ts);
    expect(phases).toHaveLength(2);
    const [copy, live] = phases;
    if (!copy || !live) throw new Error('two phase messages expected');
    const target = targetsIn(slack, CHANNEL).find((t) => t.ts === copy.ts);
    if (!target) throw new Error('the copy shows no Done button');

    // Someone clicks Done on the copy, as they would: it is the first one in the thread.
    const res = await postToApp(
      fb.url(),
      blockActionsBody({
        userId: STARTER,
        channelId: CHANNEL,
        messageTs: copy.ts,
        threadTs: copy.thread_ts as string,
        message: copy,
        responseUrl: slack.responseUrl(undefined, { channel: CHANNEL, ts: copy.ts, user: STARTER }),
        actions: [{ action_id: ACTIONS.stepDone, value: target.value, block_id: target.blockId }],
      }),
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    // The copy goes; the live message and the parent show the step done.
    await until(
      'the copy to go and the live message to show the click',
      () =>
        slack.message(CHANNEL, copy.ts) === undefined &&
        !targetsIn(slack, CHANNEL).some((t) => stepOf(t) === stepOf(target)) &&
        /1\/3 steps done/.test(slack.messages(CHANNEL).find((m) => !m.thread_ts)?.text ?? ''),
      15_000,
    );
    expect(targetsIn(slack, CHANNEL).map((t) => t.ts)).toEqual(Array(STEPS - 1).fill(live.ts));
    // Nobody was told the click was foreign.
    expect(slack.callsTo('response_url').map((c) => c.body.text ?? null)).not.toContain(
      expect.stringContaining('does not belong'),
    );

    await fb.stop();
    const committed = await readCommitted(fb.target);
    expect(committed.completions.get(`${target.value.split('|')[0]}|${stepOf(target)}`)).toBe(1);
    expect([...committed.completions.values()]).toEqual([1]);
  }, 120_000);
});
