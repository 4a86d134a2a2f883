// Faults from outside: hostile bodies, echoes of user input, clicks that name another run, a rollback
// that cannot start. One bot serves every test; each test has its own channel.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { FOREIGN_CLICK } from '../../src/slack/listeners/actions/click-origin.js';
import { postToApp, slashCommandBody } from '../support/slack-requests.js';
import { startRollback, threadTexts } from './drive.js';
import { buttonsOf, E2E_DRIVER, type Harness, SECRET, startHarness } from './harness.js';

/** Mentions the fake Slack would have delivered that came from what users typed (not our own `<@U…>`). */
function hostileMentions(h: Harness) {
  return h.slack.violations.filter((v) => /<!|VICTIM/.test(v.detail));
}

async function statusLine(h: Harness, channel: string): Promise<string> {
  const { replies } = await h.command('status', 'U0ALICE', channel);
  return String(replies[0]?.body.text ?? '');
}

async function startIn(h: Harness, channel: string, text = 'start k8s-service-rollout version=1.4.2') {
  const { replies } = await h.command(text, 'U0ALICE', channel);
  expect(String(replies[0]?.body.text)).toMatch(/^Started run/);
  const phase = h.thread(channel)[0];
  const done = buttonsOf(phase).filter((b) => b.actionId === ACTIONS.stepDone);
  if (!phase || !done[0]) throw new Error(`no phase message in ${channel}`);
  return { phase, done };
}

describe('faults from outside', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('signed bodies that are not JSON objects get 400 and change nothing; the run goes on', async () => {
    const channel = 'C0BODIES';
    const { phase, done } = await startIn(h, channel);
    const url = `http://127.0.0.1:${h.bot.port}/slack/events`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const json = { 'content-type': 'application/json' };
    const sent = [
      await postToApp(url, 'payload=null', { secret: SECRET, headers: form }),
      await postToApp(url, 'payload=42', { secret: SECRET, headers: form }),
      await postToApp(url, 'null', { secret: SECRET, headers: json }),
      await postToApp(url, '"text"', { secret: SECRET, headers: json }),
    ];
    expect(sent.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    const future = slashCommandBody({
      text: 'help',
      userId: 'U0ALICE',
      channelId: channel,
      responseUrl: h.slack.responseUrl(),
    });
    const ahead = await postToApp(url, future, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) + 301 + 60,
    });
    expect(ahead.status).toBe(401);
    const step = done[0];
    if (!step) throw new Error('no step');
    const { replies } = await h.click(step, 'U0BOB', { channel, ts: phase.ts });
    expect(replies).toEqual([]);
    expect(await statusLine(h, channel)).toMatch(/ · 1 of 17 steps done,/);
  });

  it('every echo of what a user typed is escaped in private answers', async () => {
    const channel = 'C0ECHOES';
    const texts = [
      'start <!channel>',
      'frob<!here>',
      'start k8s-service-rollout <!channel>=1',
      'status <@U0VICTIM>',
      'abort <!everyone>',
    ];
    const answers: string[] = [];
    for (const text of texts) {
      const { replies } = await h.command(text, 'U0ALICE', channel);
      answers.push(String(replies[0]?.body.text ?? ''));
    }
    // Environment names are 1-40 of a-z 0-9 . _ -: one with a mention is refused, its echo escaped.
    const refused = await h.command('start k8s-service-rollout env=<!here>', 'U0ALICE', channel);
    answers.push(String(refused.replies[0]?.body.text ?? ''));
    expect(answers.every((a) => a.length > 0)).toBe(true);
    for (const a of answers) expect(a).not.toMatch(/<!|<@U0VICTIM/);
    expect(answers[0]).toContain('&lt;!channel');
    expect(answers.at(-1)).toContain('&lt;!here&gt;');
    expect(hostileMentions(h)).toEqual([]);
  });

  it('an environment name outside [a-z0-9][a-z0-9._-]{0,39} starts nothing', async () => {
    const channel = 'C0DMTEXT';
    for (const env of ['<!channel>', 'Production', '-x', 'a'.repeat(41), 'prod/eu']) {
      const { replies } = await h.command(`start k8s-service-rollout env=${env}`, 'U0ALICE', channel);
      expect(String(replies[0]?.body.text), env).toMatch(/is not an environment name/);
    }
    expect(h.parent(channel)).toBeUndefined();
    await startIn(h, channel, `start k8s-service-rollout env=eu-west.1_${'a'.repeat(29)}`);
    expect(hostileMentions(h)).toEqual([]);
  });

  it("a click from one run's message naming another run's step is refused, nothing changed", async () => {
    const a = await startIn(h, 'C0RUNA', 'start k8s-service-rollout env=a');
    const b = await startIn(h, 'C0RUNB', 'start k8s-service-rollout env=b');
    const stepOfB = b.done[0];
    if (!stepOfB) throw new Error('no step');
    // The value names run B; the message the click comes from is run A's phase message.
    const { replies } = await h.click(stepOfB, 'U0MALLORY', { channel: 'C0RUNA', ts: a.phase.ts });
    expect(replies.map((r) => r.body.text)).toEqual([FOREIGN_CLICK]);
    // Nor from a message of no run, nor B's button in a channel that is not B's.
    const elsewhere = await h.click(stepOfB, 'U0MALLORY', { channel: 'C0RUNB', ts: '1.000001' });
    expect(elsewhere.replies.map((r) => r.body.text)).toEqual([FOREIGN_CLICK]);
    expect(await statusLine(h, 'C0RUNA')).toMatch(/ · 0 of 17 steps done,/);
    expect(await statusLine(h, 'C0RUNB')).toMatch(/ · 0 of 17 steps done,/);
    // From its own message the same button works.
    const own = await h.click(stepOfB, 'U0BOB', { channel: 'C0RUNB', ts: b.phase.ts });
    expect(own.replies).toEqual([]);
    expect(await statusLine(h, 'C0RUNB')).toMatch(/ · 1 of 17 steps done,/);
  });

  it('a rollback that cannot start is said in the thread and to the clicker, never silent', async () => {
    const channel = 'C0NOROLL';
    await startIn(h, channel, 'start k8s-service-rollout env=noroll');
    // A database fault while the bot is down: escalations can no longer be written.
    await h.restart(async () => {
      const db = await openDatabase(h.config.database);
      await db.db.execute(sql`alter table escalations add constraint sabotage check (false) not valid`);
      await db.close();
    });
    await startRollback(h, 'U0BOB', 'errors', channel);
    expect(threadTexts(h, channel).some((t) => /asked for a rollback, but it could not start/.test(t))).toBe(
      true,
    );
    const told = h.slack.ephemerals('U0BOB').map((e) => e.text);
    expect(told.some((t) => /The rollback could not start/.test(String(t)))).toBe(true);
    expect(await statusLine(h, channel)).toMatch(/: Running · /);
  });
});
