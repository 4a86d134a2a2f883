import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { buttonsOf, CHANNEL, E2E_DRIVER, type Harness, startHarness } from './harness.js';

/** The text of some messages' blocks, Slack's escaping undone: what a person reads and copies. */
function readable(messages: { blocks?: unknown[] }[]): string {
  return messages
    .flatMap((m) => (m.blocks ?? []) as { text?: { text?: string } }[])
    .map((b) => b.text?.text ?? '')
    .join('\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('the run report', () => {
  let h: Harness;
  let runId: string;

  beforeEach(async () => {
    h = await startHarness({ driver: E2E_DRIVER });
    // A workspace without `files:write`: the report goes out as messages, whose text these tests
    // read (the file upload itself is tested in test/report/share-report.test.ts).
    h.slack.failFor('files.getUploadURLExternal', { error: 'missing_scope' }, 10 * 60_000);
    await h.command('start k8s-service-rollout version=1.4.2', 'U0ALICE');
    const status = await h.command('status', 'U0ALICE');
    runId = /`([0-9a-f]{8})` k8s-service-rollout/.exec(String(status.replies[0]?.body.text))?.[1] ?? '';
    const phase = h.thread()[0];
    const done = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepDone);
    if (!phase || !done) throw new Error('no phase message');
    await h.click(done, 'U0BOB', { channel: phase.channel, ts: phase.ts });
    const aborted = await h.command(`abort ${runId} wrong maintenance window`, 'U0ALICE');
    expect(aborted.replies[0]?.body.text).toMatch(/aborted/);
  });

  afterEach(async () => {
    await h?.close();
  });

  it('Report on an aborted run: the annotated runbook in its thread, naming the starter and the abort', async () => {
    const parent = h.parent();
    const report = buttonsOf(parent).find((b) => b.actionId === ACTIONS.report);
    if (!parent || !report) throw new Error('no Report button on the parent message');
    const before = h.thread().length;
    const { replies } = await h.click(report, 'U0CAROL', { channel: parent.channel, ts: parent.ts });
    expect(replies).toEqual([]);
    // Slack refused the upload (no files:write): the bot posted the report as messages.
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    const posted = h.thread().slice(before);
    expect(posted.length).toBeGreaterThan(0);
    expect(posted[0]?.text).toMatch(/^📄 Run report: Kubernetes service rollout \(canary\)/);
    const text = readable(posted);
    expect(text).toContain(`Save it as \`k8s-service-rollout.run-`);
    expect(text).toContain('- **Started:** by @U0ALICE at ');
    expect(text).toMatch(
      /- \*\*Result:\*\* ⛔ aborted by @U0ALICE at [0-9-]+ \d\d:\d\d UTC: “wrong maintenance window”/,
    );
    expect(text).toContain('- **Parameters:** ');
    expect(text).toContain('`version=1.4.2`');
    // The runbook itself, annotated: the first step ticked with who did it, the rest left undone.
    expect(text).toMatch(/- \[x\] Switch to the production context[\s\S]*?> ✅ done by @U0BOB at /);
    expect(text).toContain('> ⬜ not done');
    expect(text).toContain('## Audit trail');
    expect(text).toMatch(/· @U0ALICE · `abort`: run aborted \(“wrong maintenance window”\)/);
    // People are named as plain `@U…` text: the report pings nobody.
    expect(h.slack.violations.filter((v) => posted.some((m) => m.ts === v.ts))).toEqual([]);
    expect(JSON.stringify(posted)).not.toContain('<@');
  });

  it('Report clicked twice at once, and again later: the report is posted once', async () => {
    const parent = h.parent();
    const report = buttonsOf(parent).find((b) => b.actionId === ACTIONS.report);
    if (!parent || !report) throw new Error('no Report button on the parent message');
    const where = { channel: parent.channel, ts: parent.ts };
    // Two clicks in flight together (a double click, or two replicas each handling one).
    const first = h.clickBody(report, 'U0CAROL', where);
    const second = h.clickBody(report, 'U0DAVE', where);
    await h.send([first.body, second.body]);
    const reports = () => h.thread().filter((m) => m.text.startsWith('📄 Run report'));
    expect(reports()).toHaveLength(1);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    const told = [...first.replies(), ...second.replies()].map((r) => String(r.body.text));
    expect(told).toEqual([
      expect.stringMatching(
        /^The report is (already in|on its way to) the thread \(asked for by <@U0(CAROL|DAVE)> at \d\d:\d\d UTC\)\.$/,
      ),
    ]);
    const again = await h.click(report, 'U0ERIN', where);
    expect(again.replies.map((r) => r.body.text)).toEqual([expect.stringMatching(/^The report is already/)]);
    await h.restart();
    expect(reports()).toHaveLength(1);
  });

  it('Slack refusing the report until the outbox gives it up: the next click asks again, once', async () => {
    const parent = h.parent();
    const report = buttonsOf(parent).find((b) => b.actionId === ACTIONS.report);
    if (!parent || !report) throw new Error('no Report button on the parent message');
    const where = { channel: parent.channel, ts: parent.ts };
    const reports = () => h.thread().filter((m) => m.text.startsWith('📄 Run report'));
    // Every post of the report is refused as Slack refuses a payload (not an outage): retried with
    // a back-off, then given up.
    h.slack.failFor('chat.postMessage', { error: 'invalid_blocks' }, 60 * 60_000);
    const asked = await h.click(report, 'U0CAROL', where);
    expect(asked.replies).toEqual([]);
    const pending = await h.click(report, 'U0DAVE', where);
    expect(pending.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^The report is on its way to the thread \(asked for by <@U0CAROL> at /),
    ]);
    // One refused post of the report per attempt; the eighth refusal gives it up.
    const reportPosts = () =>
      h.slack.callsTo('chat.postMessage').filter((c) => String(c.body.text).startsWith('📄 Run report'));
    for (let i = 0; i < 30 && reportPosts().length < 8; i++) {
      h.clock.advanceMinutes(1);
      await h.bot.idle();
    }
    for (let i = 0; i < 3; i++) {
      h.clock.advanceMinutes(10);
      await h.bot.idle();
    }
    expect(reportPosts()).toHaveLength(8);
    expect(reportPosts().every((c) => c.error === 'invalid_blocks')).toBe(true);
    expect(reports()).toHaveLength(0);

    // Slack accepts again: the next click asks again (a double click still shares it once).
    h.slack.clearFaults();
    h.slack.failFor('files.getUploadURLExternal', { error: 'missing_scope' }, 10 * 60_000);
    const first = h.clickBody(report, 'U0ERIN', where);
    const second = h.clickBody(report, 'U0ERIN', where);
    await h.send([first.body, second.body]);
    const told = [...first.replies(), ...second.replies()].map((r) => String(r.body.text));
    expect(told).toEqual(
      expect.arrayContaining([
        'Slack refused the report the last time it was asked for; trying again now.',
        expect.stringMatching(
          /^The report is (already in|on its way to) the thread \(asked for by <@U0ERIN> at /,
        ),
      ]),
    );
    expect(told).toHaveLength(2);
    await h.bot.idle();
    expect(reports()).toHaveLength(1);
  });

  it('/deploy status <run> of an aborted run answers with the report', async () => {
    const { replies } = await h.command(`status ${runId}`, 'U0DAVE');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatchObject({ response_type: 'ephemeral' });
    const text = String(replies[0]?.body.text);
    expect(text).toMatch(
      new RegExp(`^• \`${runId}\` k8s-service-rollout in production: Aborted · 1 of 17 steps done,`),
    );
    expect(text).toContain('```\n---\ntitle: Kubernetes service rollout (canary)');
    expect(text).toContain('- **Started:** by @U0ALICE at ');
    expect(text).toContain('⛔ aborted by @U0ALICE at ');
    expect(text).toContain('“wrong maintenance window”');
    // The annotated k8s runbook is longer than one answer holds: cut at a line, and it says so.
    expect(text.length).toBeLessThan(8_000);
    expect(text).toMatch(
      /```\n_✂️ Cut here: \d+ more lines\. Click \*Report\* on the run's message for the whole report\._$/,
    );
    expect(h.slack.messages(CHANNEL).filter((m) => m.text.startsWith('📄'))).toEqual([]);
  });

  it('a runbook edited since the run: the report follows the pinned model, not the new text', async () => {
    appendFileSync(
      join(h.config.runbooksDir, 'k8s-service-rollout.md'),
      '\n- [ ] A step added after the run\n',
    );
    const { replies } = await h.command(`status ${runId}`, 'U0DAVE');
    const text = String(replies[0]?.body.text);
    expect(text).toContain('```\n# Kubernetes service rollout (canary)\n\n## Run\n');
    expect(text).toMatch(
      /- \[x\] Switch to the production context and check it is the one you expect — ✅ done by @U0BOB/,
    );
    expect(text).not.toContain('A step added after the run');
  });
});
