// The PagerDuty hand-off end to end, against a fake of the Events API v2: the directory names the
// variable holding the routing key and when to trigger; an acknowledgement in Slack acknowledges
// the alert and the run's end resolves it, all with one dedup_key per run; a failure is said in the
// thread and retried until PagerDuty takes the event.
import { afterEach, describe, expect, it } from 'vitest';
import { createFakePagerDuty, type FakePagerDuty } from '../support/fake-pagerduty.js';
import { acknowledge, elapse, finishOpenSteps, pagedUsers, startRollback, threadTexts } from './drive.js';
import { buttonsOf, E2E_DRIVER, type Harness, readExample, startHarness } from './harness.js';
import { pagerDrill } from './pager-drill.js';

const DIRECTORY = readExample('directory.example.yml');
const KEY = 'R0UTINGKEYFORTESTS0123456789ABCD';

const PAGER = pagerDrill();

describe('the PagerDuty hand-off', () => {
  let h: Harness | undefined;
  let pd: FakePagerDuty | undefined;
  afterEach(async () => {
    await h?.close();
    await pd?.close();
  });

  async function start(triggerOn: string) {
    pd = await createFakePagerDuty();
    h = await startHarness({
      driver: E2E_DRIVER,
      runbooks: { pager: PAGER },
      directory: `${DIRECTORY}\npagerduty:\n  routing_key_env: PAGERDUTY_ROUTING_KEY\n  trigger_on: [${triggerOn}]\n`,
      config: { pagerduty: { eventsUrl: pd.url, keys: { PAGERDUTY_ROUTING_KEY: KEY } } },
    });
    h.slack.allowMentions('U0ALICE', 'U0BOB', 'U0SRELD1', 'U0MEITAN');
    return { h, pd };
  }
  const pdNotices = (harness: Harness, channel: string) =>
    threadTexts(harness, channel).filter((t) => t.startsWith('📟 PagerDuty') || t.startsWith('⚠️ PagerDuty'));

  it('nobody acknowledges: trigger (a 500 first, retried), then Slack acknowledges, then the end resolves', async () => {
    const { h, pd } = await start('exhausted');
    const channel = 'C0PDEXH';
    await h.command('start pager', 'U0ALICE', channel);
    await startRollback(h, 'U0BOB', 'canary errors', channel);
    for (let i = 0; i < 3; i++) await elapse(h, 2);
    expect(pagedUsers(h, channel)).toHaveLength(4);
    expect(pd.calls).toEqual([]);
    pd.failNext(500);
    await elapse(h, 2);
    expect(threadTexts(h, channel)).toContain('⚠️ Nobody acknowledged the page after 2 rounds of escalation.');
    // The first try failed: the thread says so, and nothing is lost.
    expect(pd.calls.map((c) => c.status)).toEqual([500]);
    expect(pdNotices(h, channel)).toEqual([
      expect.stringMatching(
        /^⚠️ PagerDuty did not take the trigger event \(HTTP 500.*\); retrying until it does\.$/,
      ),
    ]);
    await h.restart();
    await elapse(h, 1);
    expect(pd.calls.map((c) => c.status)).toEqual([500, 202]);
    const runId = pd.accepted()[0]?.dedup_key;
    expect(pd.accepted()[0]).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: expect.stringMatching(/^deploybot-run-[0-9a-f-]{36}$/),
      payload: {
        summary: 'Rollback of Pager drill (staging): nobody acknowledged after 2 round(s) of Slack pages',
        source: 'deploybot/pager',
        severity: 'critical',
        custom_details: {
          runbook: 'pager',
          environment: 'staging',
          reason: 'canary errors',
          rollback_by: 'U0BOB',
        },
      },
    });
    expect(pdNotices(h, channel).at(-1)).toBe('📟 PagerDuty alert triggered (after 2 attempts).');

    // A late acknowledgement in Slack acknowledges the alert; the run's end resolves it.
    expect((await acknowledge(h, 'U0MEITAN', channel)).replies).toEqual([]);
    expect(pd.accepted().map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', runId],
      ['acknowledge', runId],
    ]);
    await finishOpenSteps(h, channel);
    await elapse(h, 1);
    expect(pd.accepted().map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', runId],
      ['acknowledge', runId],
      ['resolve', runId],
    ]);
    expect(pdNotices(h, channel).slice(-2)).toEqual([
      '📟 PagerDuty alert acknowledged (the acknowledgement in Slack was passed on).',
      '📟 PagerDuty alert resolved: the run ended.',
    ]);
    // Each event once, and the routing key never reaches Slack.
    await elapse(h, 30);
    expect(pd.calls).toHaveLength(4);
    expect(JSON.stringify(h.slack.callsTo('chat.postMessage'))).not.toContain(KEY);
  }, 120_000);

  it('trigger at once on rollback; an acknowledgement before anything else still reaches PagerDuty; rehearsals never do', async () => {
    const { h, pd } = await start('rollback');
    const channel = 'C0PDROLL';
    await h.command('start pager', 'U0ALICE', channel);
    await startRollback(h, 'U0BOB', null, channel);
    expect(pd.accepted().map((e) => e.event_action)).toEqual(['trigger']);
    expect(pd.accepted()[0]?.payload).toMatchObject({
      summary: 'Rollback of Pager drill (staging): rollback started',
    });
    expect((await acknowledge(h, 'U0SRELD1', channel)).replies).toEqual([]);
    const parent = h.parent(channel);
    const abort = buttonsOf(parent).find((b) => b.text === 'Abort');
    if (!parent || !abort) throw new Error('no Abort');
    await h.click(abort, 'U0ALICE', { channel, ts: parent.ts });
    expect(pd.accepted().map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);

    await h.command('start pager --rehearsal', 'U0ALICE', 'C0PDREH');
    await startRollback(h, 'U0ALICE', 'drill', 'C0PDREH');
    await elapse(h, 30);
    expect(pd.calls).toHaveLength(3);
  }, 120_000);
});
