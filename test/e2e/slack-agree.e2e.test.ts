// Slack and Postgres agree at the edges of the outbound model: a click on a message whose post Slack has
// not answered yet counts and keeps the message; a message deleted in Slack comes back; content Slack
// already shows is never sent again; and after a Slack outage every message converges by itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { readRunMessageMetadata } from '../../src/slack/message-metadata.js';
import { REPLACED_PARENT } from '../../src/slack/sync/sync-run.js';
import { DRIVERS } from '../support/database.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { blockActionsBody, eventBody, postToApp, slashCommandBody } from '../support/slack-requests.js';
import { runIdOf } from './drive.js';
import { buttonsOf, CHANNEL, type Harness, SECRET, startHarness } from './harness.js';

const RUNBOOK = `# Agree

## Build

- [ ] Compile
- [ ] Package

## Ship

- [ ] Upload
- [ ] Announce
- [ ] Close the ticket
`;

const GATED = `# Gated

## Build

- [ ] Compile
- [ ] Package

Approved By (QA): ________

## Ship

- [ ] Upload
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const doneOf = (m: FakeMessage | undefined) => buttonsOf(m).filter((b) => b.actionId === ACTIONS.stepDone);

describe.each(DRIVERS)('Slack and Postgres agree (%s)', (driver) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ driver, runbooks: { agree: RUNBOOK, gated: GATED }, directory: '' });
  });
  afterEach(async () => {
    await h.close();
  });

  const url = () => `http://127.0.0.1:${h.bot.port}/slack/events`;

  /** A click on `message` as Slack sends it: the message echoed, with its metadata. */
  function clickOn(message: FakeMessage, userId = 'U0BOB') {
    const button = doneOf(message)[0];
    if (!button) throw new Error('no Done button');
    return postToApp(
      url(),
      blockActionsBody({
        userId,
        channelId: message.channel,
        messageTs: message.ts,
        ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
        message,
        responseUrl: h.slack.responseUrl(undefined, {
          channel: message.channel,
          ts: message.ts,
          user: userId,
        }),
        actions: [{ action_id: button.actionId, value: button.value, block_id: button.blockId }],
      }),
      { secret: SECRET },
    );
  }

  async function expectConverged() {
    await h.bot.idle();
    const { shown, wanted, count } = await h.expectCurrent();
    expect(count).toBeGreaterThan(0);
    expect(shown).toEqual(wanted);
  }

  it('counts a click on a phase message whose post Slack has not answered yet, and keeps the message', async () => {
    // The parent goes out normally; the phase message shows in Slack, but Slack's answer is held.
    const off = h.slack.onChange(() => {
      if (h.parent()) {
        off();
        h.slack.failNext('chat.postMessage', { answerLost: true });
      }
    });
    const start = postToApp(
      url(),
      slashCommandBody({
        text: 'start agree',
        userId: 'U0ALICE',
        channelId: CHANNEL,
        responseUrl: h.slack.responseUrl(undefined, { channel: CHANNEL, user: 'U0ALICE' }),
      }),
      { secret: SECRET },
    );
    expect((await start).status).toBe(200);
    await until('the phase message to show while its answer is held', () => h.slack.heldCount === 1);
    const phase = h.thread()[0];
    if (!phase) throw new Error('no phase message');
    expect(readRunMessageMetadata(phase.metadata)?.kind).toBe('phase');

    // Someone clicks Done the moment it shows: before the bot has Slack's answer.
    const res = await clickOn(phase);
    expect(res.status).toBe(200);
    await until(
      'the click to show in the message',
      () => doneOf(h.slack.message(CHANNEL, phase.ts)).length === 1,
    );
    h.slack.release();

    await expectConverged();
    expect(h.slack.callsTo('chat.delete')).toHaveLength(0);
    expect(h.thread().filter((m) => doneOf(m).length > 0 || m.ts === phase.ts)).toHaveLength(1);
    // Nobody was told the click was foreign.
    expect(h.slack.callsTo('response_url').map((c) => String(c.body.text ?? ''))).not.toContain(
      expect.stringContaining('does not belong'),
    );
  });

  /** A parent other than the deleted one, whose thread says it replaces it. */
  function replacedParent(deletedTs: string): boolean {
    const now = h.parent();
    return (
      !!now && now.ts !== deletedTs && h.slack.thread(CHANNEL, now.ts).some((m) => m.text === REPLACED_PARENT)
    );
  }

  /** A person or an admin deletes one of the bot's messages in Slack. */
  async function deleteInSlack(ts: string) {
    const res = await fetch(`${h.slack.url}chat.delete`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-e2e', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: CHANNEL, ts }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  }

  it('posts a phase message deleted in Slack again in its thread at the next change', async () => {
    await h.command('start agree');
    const phase = h.thread()[0];
    if (!phase) throw new Error('no phase message');
    await deleteInSlack(phase.ts);
    // The next change of the phase (the run is aborted: its buttons go) finds it gone and posts it again.
    await h.command(`abort ${runIdOf(h)} deleted by mistake`);
    await until('the phase message to be posted again', () =>
      h.thread().some((m) => m.ts !== phase.ts && readRunMessageMetadata(m.metadata)?.kind === 'phase'),
    );
    await expectConverged();
    expect(h.slack.callsTo('chat.update').filter((c) => c.body.ts === phase.ts).length).toBeLessThanOrEqual(
      1,
    );
  });

  it('posts a parent deleted in Slack again as a new parent that says so, and never updates the old one again', async () => {
    await h.command('start agree');
    const parent = h.parent();
    const phase = h.thread()[0];
    if (!parent || !phase) throw new Error('no run messages');
    await deleteInSlack(parent.ts);
    // The parent changes only when something on it changes for the channel, not with each step done:
    // finishing Build (Phase 2 of 2 · Ship) is the next change that finds it gone.
    for (let i = 0; i < 2; i++) {
      expect((await clickOn(h.slack.message(CHANNEL, phase.ts) as FakeMessage)).status).toBe(200);
      await h.bot.idle();
    }
    await until('a new parent that says it replaces the deleted one', () => replacedParent(parent.ts));
    await expectConverged();
    const updatesOfGone = () => h.slack.callsTo('chat.update').filter((c) => c.body.ts === parent.ts).length;
    const before = updatesOfGone();
    // Finishing the run changes the parent again: only the new one is updated.
    // Ship's message may sit in either thread: it was posted before the deletion was found.
    const open = () => h.slack.messages(CHANNEL).find((m) => m.thread_ts && doneOf(m).length);
    for (let live = open(); live; live = open()) {
      await clickOn(live);
      await h.bot.idle();
    }
    expect(h.parent()?.text).toMatch(/: Completed$/);
    expect(updatesOfGone()).toBe(before);
  });

  it('posts a deleted parent and phase again at once when Slack says they were deleted, without waiting for a change', async () => {
    await h.command('start agree');
    const parent = h.parent();
    const phase = h.thread()[0];
    if (!parent || !phase) throw new Error('no run messages');
    const deleted = async (ts: string) => {
      await deleteInSlack(ts);
      const [res] = await h.send([
        eventBody({
          type: 'message',
          subtype: 'message_deleted',
          channel: CHANNEL,
          deleted_ts: ts,
          hidden: true,
        }),
      ]);
      expect(res?.status).toBe(200);
    };
    const posts = h.slack.callsTo('chat.postMessage').length;
    // Someone else's message going away changes nothing.
    const [other] = await h.send([
      eventBody({ type: 'message', subtype: 'message_deleted', channel: CHANNEL, deleted_ts: '1.000001' }),
    ]);
    expect(other?.status).toBe(200);
    await h.bot.idle();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
    // No click: the events alone bring the parent and the phase back.
    await deleted(parent.ts);
    await until('a new parent that says it replaces the deleted one', () => replacedParent(parent.ts));
    // The phase message stays where it was posted (the deleted parent's thread keeps its replies).
    const phases = () => h.slack.messages(CHANNEL).filter((m) => m.thread_ts && doneOf(m).length > 0);
    const live = phases()[0];
    if (!live) throw new Error('no phase message');
    await deleted(live.ts);
    await until('the phase posted again', () => phases().some((m) => m.ts !== live.ts));
    await h.bot.idle();
    await expectConverged();
    // A second delivery of the same event finds nothing stored at that ts: nothing more is posted.
    const settled = h.slack.callsTo('chat.postMessage').length;
    const [again] = await h.send([
      eventBody({ type: 'message', subtype: 'message_deleted', channel: CHANNEL, deleted_ts: live.ts }),
    ]);
    expect(again?.status).toBe(200);
    await h.bot.idle();
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(settled);
    expect(
      h.slack.callsTo('chat.update').filter((c) => c.body.ts === parent.ts || c.body.ts === live.ts),
    ).toHaveLength(0);
  });

  it('ends a run’s Slack work when its channel is gone, says so in /deploy status, and calls Slack no more for it', async () => {
    await h.command('start agree');
    const phase = h.thread()[0];
    if (!phase) throw new Error('no phase message');
    const runId = runIdOf(h);
    // The channel is archived: every write to it is refused from now on.
    for (const method of ['chat.update', 'chat.postMessage'])
      h.slack.failFor(method, { error: 'is_archived' }, 60_000);
    // Finishing Build makes Web API writes (the next phase, the parent's phase); a step alone makes
    // none: its message is edited through response_url, and the parent does not change.
    for (let i = 0; i < 2; i++) {
      await clickOn(h.slack.message(CHANNEL, phase.ts) as FakeMessage);
      await h.bot.idle();
    }
    const calls = h.slack.calls.length;
    await h.command(`abort ${runId} the channel is gone`);
    await h.bot.idle();
    // The abort's answer is private (response_url); no Web API call goes to the gone channel.
    expect(h.slack.calls.slice(calls).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    const { replies } = await h.command(`status ${runId}`);
    expect(replies.map((r) => String(r.body.text)).join('\n')).toContain('is no longer updated');
  });

  it('edits the gate’s notice in place once the gate is signed', async () => {
    await h.command('start gated');
    for (let i = 0; i < 2; i++) {
      const live = h.thread().find((m) => doneOf(m).length > 0);
      if (live) await clickOn(live);
      await h.bot.idle();
    }
    const waiting = h.thread().find((m) => m.text.startsWith('🔒 Waiting for approval: QA'));
    if (!waiting) throw new Error('no waiting notice');
    const gate = [h.parent(), ...h.thread()].flatMap((m) =>
      buttonsOf(m)
        .filter((b) => b.actionId === ACTIONS.approve)
        .map((b) => ({ m, b })),
    )[0];
    if (!gate?.m) throw new Error('no Approve button');
    await h.click(gate.b, 'U0QA0001', { channel: CHANNEL, ts: gate.m.ts });
    await h.bot.idle();
    // The same message now says who signed; no thread message still says the gate waits.
    expect(h.slack.message(CHANNEL, waiting.ts)?.text).toMatch(/^✅ Approval gate signed: QA by <@U0QA0001>/);
    expect(h.thread().filter((m) => m.text.startsWith('🔒 Waiting for approval'))).toEqual([]);
    await expectConverged();
  });

  it('never sends again a message whose content did not change, whatever the run version', async () => {
    await h.command('start agree');
    const first = h.thread()[0];
    if (!first) throw new Error('no phase message');
    for (let i = 0; i < 2; i++) {
      const live = h.slack.message(CHANNEL, first.ts);
      if (live) await clickOn(live);
      await h.bot.idle();
    }
    await until('the second phase', () => h.thread().length >= 2);
    const second = h.thread()[1];
    if (!second) throw new Error('no second phase message');
    // Every write that reached the message (chat.update or its response_url) is an edit of it.
    const writesTo = (ts: string) => h.slack.message(CHANNEL, ts)?.edits.length ?? -1;
    const before = writesTo(first.ts);
    // Clicks in the second phase change the run's version; the first phase's message stays as it is.
    await clickOn(second);
    await h.bot.idle();
    const live = h.slack.message(CHANNEL, second.ts);
    if (live) await clickOn(live);
    await h.bot.idle();
    expect(writesTo(first.ts)).toBe(before);
    await expectConverged();
  });

  it('keeps the work in the outbox while every Slack write fails, and converges once Slack answers', async () => {
    await h.command('start agree');
    const phase = h.thread()[0];
    if (!phase) throw new Error('no phase message');
    h.slack.failFor('*', { status: 500 }, 3_000);
    for (const button of doneOf(phase)) {
      const res = await postToApp(url(), h.clickBody(button, 'U0BOB', phase).body, { secret: SECRET });
      expect(res.status).toBe(200);
    }
    // The first phase ended during the outage: the second phase is posted once Slack answers again.
    await sleep(3_200);
    await until('the next phase to be posted', () => h.thread().length >= 2, 20_000);
    await until(
      'every message to converge',
      async () => {
        await h.bot.idle();
        const { shown, wanted } = await h.expectCurrent();
        return JSON.stringify(shown) === JSON.stringify(wanted);
      },
      20_000,
    );
    await expectConverged();
  });
});
