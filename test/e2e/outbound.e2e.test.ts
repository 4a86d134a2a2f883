// What people see keeps up with what they do: the clicked message is replaced through the click's
// response_url as part of handling the click, with chat.update as the fallback; writes to one
// message never go back in time; the DM and the forward buttons change at once; no auth.test per
// request; a click made while Slack fails is applied and shown once Slack answers again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../src/shared/clock.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { DRIVERS } from '../support/database.js';
import { postToApp } from '../support/slack-requests.js';
import { runOn } from '../support/virtual-time.js';
import { acknowledge, lastPage, pagedUsers, startRollback } from './drive.js';
import { buttonsOf, CHANNEL, type Harness, SECRET, startHarness } from './harness.js';

const doneButtons = (m: { blocks: unknown[] } | undefined) =>
  buttonsOf(m).filter((b) => b.actionId === ACTIONS.stepDone || b.actionId === ACTIONS.stepDoneEarly);

describe.each(DRIVERS)('the Slack output path (%s)', (driver) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ driver });
  });
  afterEach(async () => {
    await h.close();
  });

  async function firstPhase() {
    await h.command('start k8s-service-rollout version=1.4.2');
    const phase = h.thread()[0];
    const done = doneButtons(phase)[0];
    if (!phase || !done) throw new Error('no phase message with a Done button');
    return { phase, done };
  }

  async function expectCurrent() {
    const { shown, wanted, count } = await h.expectCurrent();
    expect(count).toBeGreaterThan(0);
    expect(shown).toEqual(wanted);
  }

  it('replaces the clicked message through its response_url while handling the click', async () => {
    const { phase, done } = await firstPhase();
    const updatesBefore = h.slack.callsTo('chat.update').filter((c) => c.body.ts === phase.ts).length;
    const url = h.slack.responseUrl('the-click', { channel: CHANNEL, ts: phase.ts, user: 'U0BOB' });
    const { body } = h.clickBody(done, 'U0BOB', { channel: CHANNEL, ts: phase.ts }, url);
    const res = await postToApp(`http://127.0.0.1:${h.bot.port}/slack/events`, body, { secret: SECRET });
    expect(res.status).toBe(200);
    // Acknowledged after the commit; the message follows within the handling of the click.
    await expect.poll(() => h.slack.responseWrites('the-click').map((r) => r.effect)).toEqual(['replaced']);
    await h.bot.idle();
    expect(doneButtons(h.slack.message(CHANNEL, phase.ts)).map((b) => b.value)).not.toContain(done.value);
    expect(JSON.stringify(h.slack.message(CHANNEL, phase.ts)?.blocks)).toContain('<@U0BOB>');
    // The clicked message cost no chat.update.
    expect(h.slack.callsTo('chat.update').filter((c) => c.body.ts === phase.ts)).toHaveLength(updatesBefore);
    await expectCurrent();
  });

  it('falls back to chat.update when the response_url answers an error', async () => {
    const { phase, done } = await firstPhase();
    h.slack.failNext('response_url', { status: 500 });
    await h.click(done, 'U0BOB', { channel: CHANNEL, ts: phase.ts });
    expect(h.slack.callsTo('chat.update').some((c) => c.body.ts === phase.ts)).toBe(true);
    expect(doneButtons(h.slack.message(CHANNEL, phase.ts)).map((b) => b.value)).not.toContain(done.value);
    await expectCurrent();
  });

  it('falls back to chat.update when the response_url has been used five times', async () => {
    const { phase, done } = await firstPhase();
    const url = h.slack.responseUrl('worn', { channel: CHANNEL, ts: phase.ts, user: 'U0BOB' });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url, { method: 'POST', body: JSON.stringify({ text: `note ${i}` }) });
      expect(res.status).toBe(200);
    }
    const { body } = h.clickBody(done, 'U0BOB', { channel: CHANNEL, ts: phase.ts }, url);
    await h.send([body]);
    expect(h.slack.responseWrites('worn')).toHaveLength(5);
    expect(h.slack.callsTo('chat.update').some((c) => c.body.ts === phase.ts)).toBe(true);
    await expectCurrent();
  });

  it('concurrent clicks with slow answers on both paths: the message never goes back in time', async () => {
    const { phase } = await firstPhase();
    h.slack.delay('response_url', 80);
    h.slack.delay('chat.update', 40);
    const buttons = doneButtons(phase);
    expect(buttons.length).toBeGreaterThan(1);
    const people = ['U0BOB', 'U0ALICE', 'U0CAROL', 'U0DAVE', 'U0ERIN'];
    await h.send(
      buttons.map(
        (b, i) =>
          h.clickBody(b, people[i % people.length] ?? 'U0BOB', { channel: CHANNEL, ts: phase.ts }).body,
      ),
    );
    const message = h.slack.message(CHANNEL, phase.ts);
    const versions = [...(message?.edits ?? []), { blocks: message?.blocks ?? [] }];
    const open = versions.map((v) => doneButtons({ blocks: v.blocks }).length);
    // Every write shows at most as many open steps as the one before it.
    for (let i = 1; i < open.length; i++) expect(open[i]).toBeLessThanOrEqual(open[i - 1] ?? 0);
    await expectCurrent();
  });

  it('the escalation DM loses its Acknowledge button at once and says who acknowledged', async () => {
    await firstPhase();
    await startRollback(h, 'U0BOB', 'canary errors');
    const [first] = pagedUsers(h);
    if (!first) throw new Error('nobody paged');
    const before = h.slack.responseWrites().length;
    await acknowledge(h, first);
    const page = lastPage(h, first);
    expect(buttonsOf(page)).toEqual([]);
    expect(JSON.stringify(page?.blocks)).toContain(`<@${first}> acknowledged`);
    expect(
      h.slack
        .responseWrites()
        .slice(before)
        .map((r) => r.effect),
    ).toContain('replaced');
  });

  it('forward Done buttons go the moment a rollback starts', async () => {
    const { phase } = await firstPhase();
    await startRollback(h, 'U0BOB', null);
    expect(doneButtons(h.slack.message(CHANNEL, phase.ts))).toEqual([]);
    expect(buttonsOf(h.parent()).map((b) => b.text)).not.toContain('Start rollback');
    await expectCurrent();
  });

  it('asks auth.test once at start-up, never per request', async () => {
    const { phase } = await firstPhase();
    for (const b of doneButtons(phase).slice(0, 3))
      await h.click(b, 'U0BOB', { channel: CHANNEL, ts: phase.ts });
    await h.command('status');
    expect(h.slack.callsTo('auth.test').length).toBeLessThanOrEqual(1);
  });
});

describe.each(DRIVERS)('the Slack output path during an outage (%s)', (driver) => {
  // The output path's gaps, back-off and budget run on their own test clock, moved by runOn; the
  // harness's clock (the runs' and the outbox's time) is moved by hand as before.
  let time: TestClock;
  let h: Harness;
  beforeEach(async () => {
    time = createTestClock();
    h = await runOn(time, startHarness({ driver, timer: time.timer }));
  });
  afterEach(async () => {
    await runOn(time, h.close());
  });

  it('a click made while every Slack call fails is applied, and shown once Slack answers again', async () => {
    await runOn(time, h.command('start k8s-service-rollout version=1.4.2'));
    const phase = h.thread()[0];
    const done = doneButtons(phase)[0];
    if (!phase || !done) throw new Error('no phase message with a Done button');
    // Slack fails until the test says otherwise: the writer's own retries end first, and the work is
    // left to the outbox and its back-off.
    h.slack.failFor('*', { status: 500 }, 60 * 60_000);
    const { body } = h.clickBody(done, 'U0BOB', { channel: CHANNEL, ts: phase.ts });
    const res = await runOn(
      time,
      postToApp(`http://127.0.0.1:${h.bot.port}/slack/events`, body, { secret: SECRET }),
    );
    expect(res.status).toBe(200);
    // Acknowledged means stored: the committed state already has the step done ...
    const expected = (await h.bot.expectedMessages()).find((m) => m.ts === phase.ts);
    expect(doneButtons({ blocks: expected?.content.blocks ?? [] }).map((b) => b.value)).not.toContain(
      done.value,
    );
    // ... while Slack, failing, still shows the old message, after every attempt the writer made.
    const failedBefore = h.slack.calls.filter((c) => c.status === 500).length;
    await runOn(time, h.bot.idle());
    expect(h.slack.calls.filter((c) => c.status === 500).length).toBeGreaterThan(failedBefore);
    expect(doneButtons(h.slack.message(CHANNEL, phase.ts)).map((b) => b.value)).toContain(done.value);
    h.slack.clearFaults();
    h.clock.advanceBy(10_000);
    await runOn(time, h.bot.idle());
    expect(doneButtons(h.slack.message(CHANNEL, phase.ts)).map((b) => b.value)).not.toContain(done.value);
    const { shown, wanted, count } = await h.expectCurrent();
    expect(count).toBeGreaterThan(0);
    expect(shown).toEqual(wanted);
  });
});
