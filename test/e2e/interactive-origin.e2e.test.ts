// Every interactive input is placed like a click: the owner select acts only from its run's own
// message, a modal's private_metadata is signed (and bound to who opened it), a response_url must point
// at Slack (or the configured fake), and a request from another workspace is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, VIEWS } from '../../src/slack/ids.js';
import { FOREIGN_CLICK } from '../../src/slack/listeners/actions/click-origin.js';
import { blockActionsBody, postToApp, slashCommandBody } from '../support/slack-requests.js';
import { buttonsOf, E2E_DRIVER, type Harness, SECRET, startHarness } from './harness.js';

const OWNED = `---
title: Owned rollout
environment: staging
---

# Owned rollout

## Prepare (owner: @rmendes)

- [ ] Announce the deploy
- [ ] Check the pods

  \`\`\`sh
  kubectl get pods
  \`\`\`
`;

async function statusOf(h: Harness, channel: string): Promise<string> {
  const { replies } = await h.command('status', 'U0ALICE', channel);
  return String(replies[0]?.body.text ?? '');
}

describe('interactive inputs are placed like clicks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { owned: OWNED } });
    for (const channel of ['C0OWNA', 'C0OWNB', 'C0MODAL', 'C0HOOK']) {
      const { replies } = await h.command(`start owned env=${channel.toLowerCase()}`, 'U0ALICE', channel);
      expect(String(replies[0]?.body.text)).toMatch(/^Started run/);
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("the owner select from another run's message is refused and pings nobody", async () => {
    const a = h.thread('C0OWNA')[0];
    const b = h.thread('C0OWNB')[0];
    const select = (
      a?.blocks as { block_id?: string; accessory?: { action_id?: string } }[] | undefined
    )?.find((blk) => blk.accessory?.action_id === ACTIONS.reassignOwner);
    if (!a || !b || !select?.block_id) throw new Error('no owner select');
    const responseUrl = h.slack.responseUrl();
    const body = blockActionsBody({
      userId: 'U0MALLORY',
      channelId: 'C0OWNB',
      messageTs: b.ts,
      responseUrl,
      actions: [
        {
          action_id: ACTIONS.reassignOwner,
          block_id: select.block_id,
          type: 'users_select',
          selected_user: 'U0VICTIM',
        },
      ],
    });
    await h.send([body]);
    expect(h.slack.responses(responseUrl.split('/').pop()).map((r) => r.body.text)).toEqual([FOREIGN_CLICK]);
    expect(JSON.stringify(h.slack.callsTo('chat.postMessage'))).not.toContain('U0VICTIM');
  });

  it('a view submission with altered or borrowed private_metadata changes nothing', async () => {
    const phase = h.thread('C0MODAL')[0];
    const ranIt = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepRanIt);
    if (!phase || !ranIt) throw new Error('no I ran it button');
    const opened = h.slack.modals().length;
    await h.click(ranIt, 'U0BOB', { channel: 'C0MODAL', ts: phase.ts });
    const metadata = String(h.slack.modals()[opened]?.view.private_metadata ?? '');
    expect(metadata).toMatch(/~[A-Za-z0-9_-]{43}$/);
    const otherRun = buttonsOf(h.parent('C0OWNA'))[0]?.value.split('|')[0] ?? '';
    const thisRun = ranIt.value.split('|')[0] ?? '';
    const altered = metadata.replace(thisRun, otherRun);
    expect(altered).not.toBe(metadata);
    await h.submitView(VIEWS.ranIt, altered, { output: { value: 'x' } }, 'U0BOB');
    await h.submitView(VIEWS.ranIt, metadata, { output: { value: 'x' } }, 'U0MALLORY');
    await h.submitView(
      VIEWS.ranIt,
      metadata.slice(0, metadata.lastIndexOf('~')),
      { output: { value: 'x' } },
      'U0BOB',
    );
    expect(await statusOf(h, 'C0MODAL')).toMatch(/ 0 of 2 steps/);
    expect(await statusOf(h, 'C0OWNA')).toMatch(/ 0 of 2 steps/);
    // The untouched metadata, by the person who opened it, works.
    await h.submitView(VIEWS.ranIt, metadata, { output: { value: 'ok' } }, 'U0BOB');
    expect(await statusOf(h, 'C0MODAL')).toMatch(/ 1 of 2 steps/);
  });

  it('a click whose response_url points elsewhere is refused: nothing changes, nothing is posted there', async () => {
    const phase = h.thread('C0HOOK')[0];
    const done = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepDone);
    if (!phase || !done) throw new Error('no Done button');
    for (const url of [
      'https://evil.example/hooks',
      'http://hooks.slack.com/actions/x',
      'https://hooks.slack.com.evil.example/x',
    ]) {
      const body = blockActionsBody({
        userId: 'U0BOB',
        channelId: 'C0HOOK',
        messageTs: phase.ts,
        responseUrl: url,
        actions: [{ action_id: done.actionId, value: done.value, block_id: done.blockId }],
      });
      const [res] = await h.send([body]);
      expect(res?.status).toBe(200);
    }
    expect(await statusOf(h, 'C0HOOK')).toMatch(/ 0 of 2 steps/);
  });

  it('a request from another workspace is refused', async () => {
    const responseUrl = h.slack.responseUrl();
    const res = await postToApp(
      `http://127.0.0.1:${h.bot.port}/slack/events`,
      slashCommandBody({
        text: 'start owned env=foreign',
        userId: 'U0ALICE',
        channelId: 'C0FOREIGN',
        teamId: 'T0OTHER',
        responseUrl,
      }),
      { secret: SECRET },
    );
    await h.bot.idle();
    expect(res.status).toBe(200);
    expect(h.slack.responses(responseUrl.split('/').pop())).toEqual([]);
    expect(h.parent('C0FOREIGN')).toBeUndefined();
  });
});
