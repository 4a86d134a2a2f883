import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { slashCommandBody } from '../support/slack-requests.js';
import { buttonsOf, CHANNEL, E2E_DRIVER, type Harness, startHarness } from './harness.js';

const HOSTILE = [
  '# Hostile <!channel> release',
  '',
  '## Deploy <!here>',
  '',
  '- [ ] Tell <!channel> and <@U0VICTIM> and <!subteam^S0TEAM> that we start',
  '- [ ] Run it',
  '  ```bash',
  '  echo "<!everyone> <@U0VICTIM>"',
  '  ```',
  '',
  '## Rollback',
  '',
  '1. Revert <@U0VICTIM>',
].join('\n');

async function startedRun(h: Harness) {
  await h.command('start k8s-service-rollout version=1.4.2', 'U0ALICE');
  const phase = h.thread()[0];
  if (!phase) throw new Error('no phase message');
  const done = buttonsOf(phase).filter((b) => b.actionId === ACTIONS.stepDone);
  if (!done[0]) throw new Error('no Done button');
  return { phase, done };
}

describe('safety of the thread', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  describe('with the example runbooks', () => {
    beforeEach(async () => {
      h = await startHarness({ driver: E2E_DRIVER });
    });

    it('a double click and two people clicking one step: one completion, the others told who was first', async () => {
      const { phase, done } = await startedRun(h);
      const step = done[0] ?? done[0];
      if (!step) throw new Error('no step');
      const message = { channel: phase.channel, ts: phase.ts };
      const clicks = [
        h.clickBody(step, 'U0BOB', message),
        h.clickBody(step, 'U0BOB', message),
        h.clickBody(step, 'U0CAROL', message),
      ];
      const results = await h.send(clicks.map((c) => c.body));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      const answers = clicks.flatMap((c) => c.replies().map((r) => String(r.body.text)));
      expect(answers).toHaveLength(2);
      for (const text of answers) expect(text).toMatch(/^already done by <@U0(BOB|CAROL)> at \d\d:\d\d UTC$/);
      const winner = /<@(U0\w+)>/.exec(answers[0] ?? '')?.[1];
      expect(answers.every((a) => a.includes(`<@${winner}>`))).toBe(true);
      const status = await h.command('status', 'U0ALICE');
      expect(status.replies[0]?.body.text).toMatch(/ · 1 of 17 steps done,/);
    });

    it('forged, stale and unsigned requests get 401 and change nothing', async () => {
      const { phase, done } = await startedRun(h);
      const step = done[0];
      if (!step) throw new Error('no step');
      const { body } = h.clickBody(step, 'U0MALLORY', { channel: phase.channel, ts: phase.ts });
      const before = h.slack.calls.length;
      const forged = await h.send([body], {
        signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000',
      });
      const stale = await h.send([body], { timestamp: Math.floor(Date.now() / 1000) - 60 * 10 });
      const unsigned = await h.send([body], { omitSignature: true });
      const wrongSecret = await h.send([body], { secret: 'not-the-secret' });
      const command = await h.send(
        [
          slashCommandBody({
            text: 'abort x',
            userId: 'U0MALLORY',
            channelId: CHANNEL,
            responseUrl: h.slack.responseUrl(),
          }),
        ],
        { omitSignature: true },
      );
      expect([forged, stale, unsigned, wrongSecret, command].map((r) => r[0]?.status)).toEqual([
        401, 401, 401, 401, 401,
      ]);
      expect(h.slack.calls.length).toBe(before);
      const status = await h.command('status', 'U0ALICE');
      expect(status.replies[0]?.body.text).toMatch(/ · 0 of 17 steps done,/);
    });

    it('a 429 storm and 500s from Slack: the final messages are right and no click is lost', async () => {
      const { phase, done } = await startedRun(h);
      h.slack.failNext('chat.update', { status: 429, retryAfter: 1 }, 3);
      h.slack.failNext('chat.update', { status: 500 }, 2);
      // Every step of the first phase: finishing it changes the parent (its phase), which is updated
      // through the storm (a step alone no longer changes the parent).
      for (const step of done) {
        const { replies } = await h.click(step, 'U0BOB', { channel: phase.channel, ts: phase.ts });
        expect(replies).toEqual([]);
      }
      await h.bot.idle();
      const updated = h.slack.message(phase.channel, phase.ts);
      const remaining = buttonsOf(updated)
        .filter((b) => b.actionId === ACTIONS.stepDone)
        .map((b) => b.value);
      for (const step of done) expect(remaining).not.toContain(step.value);
      expect(h.slack.callsTo('chat.update').filter((c) => c.status === 429).length).toBe(3);
      expect(h.parent()?.text).toMatch(/ · Phase 2 of 4 · /);
      const status = await h.command('status', 'U0ALICE');
      expect(status.replies[0]?.body.text).toMatch(new RegExp(` · ${done.length} of 17 steps done,`));
    });

    it('the bot killed and restarted mid-run: the next click works and the messages catch up', async () => {
      const { phase, done } = await startedRun(h);
      const [first, second] = done;
      if (!first || !second) throw new Error('need two steps');
      // Slack is down while the first click is stored: the message cannot be updated before the
      // "crash", neither through the click's response_url nor through chat.update.
      h.slack.failFor('chat.update', { error: 'service_unavailable' }, 60_000);
      h.slack.failFor('response_url', { status: 500 }, 60_000);
      await h.click(first, 'U0BOB', { channel: phase.channel, ts: phase.ts });
      expect(buttonsOf(h.slack.message(phase.channel, phase.ts)).map((b) => b.value)).toContain(first.value);
      h.slack.clearFaults();
      await h.restart();
      // Caught up on start: the first step shows done without anyone clicking again.
      expect(
        buttonsOf(h.slack.message(phase.channel, phase.ts))
          .filter((b) => b.actionId === ACTIONS.stepDone)
          .map((b) => b.value),
      ).not.toContain(first.value);
      const { replies } = await h.click(second, 'U0BOB', { channel: phase.channel, ts: phase.ts });
      expect(replies).toEqual([]);
      const status = await h.command('status', 'U0ALICE');
      expect(status.replies[0]?.body.text).toMatch(/ · 2 of 17 steps done,/);
    });

    it('answers /deploy mistakes privately: unknown runbook, path tricks, a held environment', async () => {
      const unknown = await h.command('start k8s-servise-rollout', 'U0ALICE');
      expect(unknown.replies[0]?.body).toMatchObject({ response_type: 'ephemeral' });
      expect(unknown.replies[0]?.body.text).toMatch(
        /no runbook called `k8s-servise-rollout`.*`k8s-service-rollout`/,
      );
      const tricks = await h.command('start ../../etc/passwd', 'U0ALICE');
      expect(tricks.replies[0]?.body.text).toMatch(/not a runbook name/);
      writeFileSync(
        join(h.config.runbooksDir, 'notes.md'),
        '# Release notes\n\nProse only: nothing to tick off.\n',
      );
      const broken = await h.command('start notes', 'U0ALICE');
      expect(broken.replies[0]?.body.text).toMatch(/`notes` has errors\n• line 1: no steps found/);
      await h.command('start k8s-service-rollout', 'U0ALICE');
      const second = await h.command('start k8s-service-rollout', 'U0BOB');
      expect(second.replies[0]?.body.text).toMatch(
        /already running in production: run [0-9a-f-]+ started by <@U0ALICE> at \d\d:\d\d UTC/,
      );
      expect(h.slack.messages(CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
      const help = await h.command('help', 'U0ALICE');
      expect(help.replies[0]?.body.text).toContain('/deploy start <runbook>');
      const list = await h.command('list', 'U0ALICE');
      expect(list.replies[0]?.body.text).toMatch(
        /`database-migration`.*\n.*`feature-flag-rollout`.*\n.*`k8s-service-rollout`/,
      );
    });

    it('abort: refused to someone else, done by the starter; the parent says so', async () => {
      await startedRun(h);
      const abortButton = buttonsOf(h.parent()).find((b) => b.actionId === ACTIONS.abort);
      if (!abortButton) throw new Error('no Abort button');
      const parent = h.parent();
      if (!parent) throw new Error('no parent');
      const refused = await h.click(abortButton, 'U0MALLORY', { channel: parent.channel, ts: parent.ts });
      expect(refused.replies[0]?.body.text).toMatch(/only the person who started this run, or an admin/);
      const ok = await h.click(abortButton, 'U0ALICE', { channel: parent.channel, ts: parent.ts });
      expect(ok.replies).toEqual([]);
      expect(JSON.stringify(h.parent()?.blocks)).toMatch(/aborted/i);
      expect(buttonsOf(h.thread()[0]).filter((b) => b.actionId === ACTIONS.stepDone)).toEqual([]);
    });

    it('GET /healthz says the database is up', async () => {
      const res = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, database: 'up' });
    });
  });

  it('a runbook with <!channel> and <@U…> in it pings nobody', async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { hostile: HOSTILE } });
    h.slack.allowMentions('U0ALICE', 'U0BOB');
    await h.command('start hostile', 'U0ALICE');
    const phase = h.thread()[0];
    const done = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepDone);
    if (!phase || !done) throw new Error('no phase');
    await h.click(done, 'U0BOB', { channel: phase.channel, ts: phase.ts });
    expect(h.slack.messages(CHANNEL).length).toBeGreaterThan(1);
    expect(h.slack.violations.map((v) => `${v.kind} ${v.method} ${v.detail}`)).toEqual([]);
    // Shown, not obeyed: escaped in mrkdwn and the fallback text, inert in plain text.
    expect(h.parent()?.text).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(h.thread())).toContain('&lt;@U0VICTIM&gt;');
  });
});
