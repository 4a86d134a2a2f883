// A 1 MB runbook parses in a worker thread: while it does, other people's clicks are acknowledged.
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { postToApp, slashCommandBody } from '../support/slack-requests.js';
import { buttonsOf, CHANNEL, E2E_DRIVER, type Harness, SECRET, startHarness } from './harness.js';

const SMALL = [
  '# Small release',
  '',
  '## Deploy',
  '',
  '- [ ] Ship',
  '- [ ] Verify',
  '',
  '## Rollback',
  '',
  '1. Revert',
];

/** About 1 MB of sections and plain bullets: no steps, so once parsed it is answered with its error. */
function bigRunbook(): string {
  const parts = ['# Big release', ''];
  for (let i = 0, size = 0; size < 1024 * 1024; i++) {
    const part = `## Section ${i}\n\nNotes for section ${i}, see the dashboard.\n\n- Check item ${i}\n- Check item ${i} again\n\n`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('\n');
}

const CLICKS = 5;

describe('a big runbook does not block the bot', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('acknowledges clicks on another run while a 1 MB runbook parses, then answers the big one', async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { small: SMALL.join('\n'), big: bigRunbook() } });
    await h.command('start small', 'U0ALICE');
    const phase = h.thread()[0];
    const done = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepDone);
    if (!phase || !done) throw new Error('the small run has no Done button');

    const url = `http://127.0.0.1:${h.bot.port}/slack/events`;
    const responseUrl = h.slack.responseUrl();
    const bigReplies = () => h.slack.responses(responseUrl.split('/').pop());
    const start = await postToApp(
      url,
      slashCommandBody({ text: 'start big', userId: 'U0BOB', channelId: CHANNEL, responseUrl }),
      { secret: SECRET },
    );
    expect(start.status).toBe(200);

    // One click after another, each waiting for its ack: with the parse on the event loop, the first
    // ack would only come once the parse is over and its answer sent.
    const acked: number[] = [];
    while (acked.length < CLICKS && bigReplies().length === 0) {
      const { body } = h.clickBody(done, 'U0CAROL', { channel: phase.channel, ts: phase.ts });
      acked.push((await postToApp(url, body, { secret: SECRET })).status);
    }
    expect(bigReplies()).toEqual([]);
    expect(acked).toEqual(Array.from({ length: CLICKS }, () => 200));

    // The big runbook still gets one answer: it has no steps or, on a machine too busy to parse it
    // within the catalog's time limit, it is too big to read.
    while (bigReplies().length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(String(bigReplies()[0]?.body.text)).toMatch(/^`big` (has errors|is too big to read)/);
    await h.bot.idle();
  }, 180_000);
});
