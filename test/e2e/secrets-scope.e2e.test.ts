// A secret pasted into a run stays in that run, masked: "I ran it" output, parameters and reasons are
// masked before they are stored, and a run's details (its report with the output) are read only in its
// own channel, by its starter, or by an admin. Elsewhere a status says the run exists, and where.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, VIEWS } from '../../src/slack/ids.js';
import { buttonsOf, E2E_DRIVER, type Harness, startHarness } from './harness.js';

const A = 'C0SECRETA';
const B = 'C0SECRETB';
const SECRETS = ['hunter2-param', 's3cr3t-output', 'xoxb-111122223333-abcdefabcdef', 'reason-pw-42'];

function everythingSlackGot(h: Harness): string {
  return JSON.stringify(h.slack.callsTo('chat.postMessage').concat(h.slack.callsTo('chat.update')));
}

describe('secrets and where a run can be read', () => {
  let h: Harness;
  let runId = '';
  const answers: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER });
    const started = await h.command(
      'start k8s-service-rollout version=1.4.2 DB_PASSWORD=hunter2-param',
      'U0ALICE',
      A,
    );
    answers.push(String(started.replies[0]?.body.text));
    runId = /`([0-9a-f]{8})`/.exec(answers[0] ?? '')?.[1] ?? '';
    // "I ran it" on the first step, with a password and a Slack token in the pasted output.
    const phase = h.thread(A)[0];
    const ranIt = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepRanIt);
    if (!phase || !ranIt) throw new Error('no "I ran it" button');
    const opened = h.slack.modals().length;
    await h.click(ranIt, 'U0BOB', { channel: A, ts: phase.ts });
    const modal = h.slack.modals()[opened];
    expect(modal?.view.callback_id).toBe(VIEWS.ranIt);
    const res = await h.submitView(
      VIEWS.ranIt,
      String(modal?.view.private_metadata ?? ''),
      { output: { value: 'DB_PASSWORD=s3cr3t-output\nSLACK=xoxb-111122223333-abcdefabcdef\nok' } },
      'U0BOB',
    );
    expect(res.status).toBe(200);
    const aborted = await h.command(`abort ${runId} rotate it, password=reason-pw-42`, 'U0ALICE', A);
    expect(String(aborted.replies[0]?.body.text)).toMatch(/aborted/);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a parameter named like a password is masked, and the start says how many values were', () => {
    expect(runId).toMatch(/^[0-9a-f]{8}$/);
    expect(answers[0]).toMatch(/1 secret value was masked before being stored/);
    expect(JSON.stringify(h.parent(A))).toContain('[masked]');
  });

  it('in its own channel the report shows the output masked, with how many values were', async () => {
    const { replies } = await h.command(`status ${runId}`, 'U0CAROL', A);
    const text = String(replies[0]?.body.text);
    expect(text).toContain('DB_PASSWORD=[masked]');
    expect(text).toContain('2 secret values were masked before being stored');
    expect(text).toContain('1 secret value was masked before being stored'); // the abort reason
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('no secret reached Slack anywhere', () => {
    const sent = everythingSlackGot(h);
    for (const secret of SECRETS) expect(sent).not.toContain(secret);
  });

  it('from another channel, someone else learns only that the run exists and where', async () => {
    const { replies } = await h.command(`status ${runId}`, 'U0MALLORY', B);
    const text = String(replies[0]?.body.text);
    expect(text).toBe(
      `Run \`${runId}\` exists: it lives in <#${A}>. Its details are shown there, to the person who started it, and to admins.`,
    );
  });

  it('its starter gets the details from anywhere', async () => {
    const { replies } = await h.command(`status ${runId}`, 'U0ALICE', B);
    expect(String(replies[0]?.body.text)).toContain('k8s-service-rollout');
    expect(String(replies[0]?.body.text)).toContain('[masked]');
  });

  it('a run id typed by hand needs 8 characters', async () => {
    for (const prefix of [runId.slice(0, 4), runId.slice(0, 7)]) {
      const { replies } = await h.command(`status ${prefix}`, 'U0ALICE', A);
      expect(String(replies[0]?.body.text)).toMatch(/^No run .*at least 8 characters/);
    }
  });

  it('a Report click from another channel is answered like a status there, and asks for nothing', async () => {
    const parent = h.parent(A);
    const report = buttonsOf(parent).find((b) => b.actionId === ACTIONS.report);
    if (!report) throw new Error('no Report button');
    const { replies } = await h.click(report, 'U0MALLORY', { channel: B, ts: '1700000000.000100' });
    expect(replies.map((r) => r.body.text)).toEqual([
      `Run \`${runId}\` exists: it lives in <#${A}>. Its details are shown there, to the person who started it, and to admins.`,
    ]);
    expect(h.slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });
});
