// A message posted just before a crash, whose ts the bot never stored: Slack carried out the post and
// the process died before the answer reached it. The message carries its run, slot and post attempt in
// its metadata, so the restarted process finds it in the thread (conversations.replies) and adopts it
// instead of posting a second copy. A click on it counts once. The bot is its own process, killed
// with SIGKILL.
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { useFaultBed } from '../support/fault-bot.js';
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
  const bed = useFaultBed(SECRET, STEPS);

  it('finds the lost post by its metadata after the restart: no second copy, and its click counts once', async () => {
    const { slack, fb } = bed;
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

    // The restarted process reads the thread, finds the post by its metadata and keeps it.
    await fb.start();
    await until(
      'the restarted bot to read the thread',
      () => slack.callsTo('conversations.replies').length > 0,
    );
    await sleep(1500);
    const phases = slack.messages(CHANNEL).filter((m) => m.thread_ts && m.thread_ts !== m.ts);
    expect(phases).toHaveLength(1);
    const [live] = phases;
    if (!live) throw new Error('one phase message expected');
    expect(targetsIn(slack, CHANNEL)).toHaveLength(STEPS);
    const target = targetsIn(slack, CHANNEL)[0];
    if (!target) throw new Error('the phase message shows no Done button');

    const res = await postToApp(
      fb.url(),
      blockActionsBody({
        userId: STARTER,
        channelId: CHANNEL,
        messageTs: live.ts,
        threadTs: live.thread_ts as string,
        message: live,
        responseUrl: slack.responseUrl(undefined, { channel: CHANNEL, ts: live.ts, user: STARTER }),
        actions: [{ action_id: ACTIONS.stepDone, value: target.value, block_id: target.blockId }],
      }),
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    await until(
      'the message to show the click',
      () => !targetsIn(slack, CHANNEL).some((t) => stepOf(t) === stepOf(target)),
      15_000,
    );
    expect(slack.callsTo('chat.delete')).toHaveLength(0);
    expect(slack.callsTo('response_url').map((c) => c.body.text ?? null)).not.toContain(
      expect.stringContaining('does not belong'),
    );

    await fb.stop();
    const committed = await readCommitted(fb.target);
    expect(committed.completions.get(`${target.value.split('|')[0]}|${stepOf(target)}`)).toBe(1);
    expect([...committed.completions.values()]).toEqual([1]);
  }, 120_000);
});
