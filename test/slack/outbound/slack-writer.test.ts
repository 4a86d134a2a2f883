import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../src/shared/clock.js';
import { createSlackWriter } from '../../../src/slack/outbound/slack-writer.js';
import { createFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { runOn, until } from '../../support/virtual-time.js';

const timing = {
  postIntervalMs: 120,
  updateIntervalMs: 150,
  maxAttempts: 4,
  maxRetryAfterMs: 2000,
  updatesPerMinute: 6000,
};

// Time is the test clock's: the writer waits on its timer, and the fake Slack stamps calls with it.
describe('the outbound writer', () => {
  let slack: FakeSlack;
  let time: TestClock;
  let writer: ReturnType<typeof createSlackWriter>;
  beforeEach(async () => {
    time = createTestClock();
    slack = await createFakeSlack({ now: time.timer.now });
    const client = new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    writer = createSlackWriter(client, pino({ level: 'silent' }), timing, time.timer);
  });
  afterEach(async () => {
    await slack.close();
  });

  it('paces posts per channel, not across channels', async () => {
    const posts = Promise.all([
      writer.post('C1', { text: 'a' }),
      writer.post('C1', { text: 'b' }),
      writer.post('C1', { text: 'c' }),
      writer.post('C2', { text: 'x' }),
    ]);
    // The first post of each channel goes out at once; 'b' waits for its gap.
    await until(() => slack.callsTo('chat.postMessage').length === 2 && time.sleeping === 1);
    expect(slack.messages('C2').map((m) => m.text)).toEqual(['x']);
    await time.advance(timing.postIntervalMs - 1);
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['a']);
    await runOn(time, posts);
    const c1 = slack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === 'C1')
      .map((c) => c.at);
    expect(c1).toHaveLength(3);
    expect((c1[1] ?? 0) - (c1[0] ?? 0)).toBeGreaterThanOrEqual(timing.postIntervalMs);
    expect((c1[2] ?? 0) - (c1[1] ?? 0)).toBeGreaterThanOrEqual(timing.postIntervalMs);
    const c2 = slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'C2');
    expect((c2?.at ?? 0) - (c1[0] ?? 0)).toBeLessThan(timing.postIntervalMs);
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['a', 'b', 'c']);
  });

  it('posts to a response_url and says when Slack refuses it', async () => {
    const { ts } = await writer.post('C1', { text: 'v0' });
    const url = slack.responseUrl('click-1', { channel: 'C1', ts });
    await writer.respond(url, { replace_original: true, text: 'v1' });
    expect(slack.message('C1', ts)?.text).toBe('v1');
    slack.failNext('response_url', { status: 500 });
    await expect(writer.respond(url, { replace_original: true, text: 'v2' })).rejects.toMatchObject({
      status: 500,
    });
    expect(slack.message('C1', ts)?.text).toBe('v1');
  });

  it('spaces the calls of a method that keeps failing (no hammering during an outage)', async () => {
    slack.failFor('chat.postMessage', { status: 500 }, 60_000);
    await expect(runOn(time, writer.post('C9', { text: 'x' }))).rejects.toThrow();
    await expect(runOn(time, writer.post('C9', { text: 'y' }))).rejects.toThrow();
    const at = slack.callsTo('chat.postMessage').map((c) => c.at);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? t));
    // Back-off doubles from 100 ms towards its 1 s cap; never a tight loop.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(gaps.at(-1) ?? 0).toBeGreaterThan(gaps[0] ?? 0);
  });

  it('waits out a 429 for the time Slack asks, then delivers', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 1);
    const started = time.timer.now();
    const posted = writer.post('C1', { text: 'after the storm' });
    await until(() => time.sleeping === 1);
    await time.advance(999);
    expect(slack.messages('C1')).toEqual([]);
    await runOn(time, posted);
    expect(time.timer.now() - started).toBe(1000);
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['after the storm']);
  });

  it('gives up after its attempts and says so to the caller (the outbox keeps the work)', async () => {
    slack.failNext('chat.update', { status: 500 }, 10);
    const { ts } = await writer.post('C1', { text: 'v0' });
    await expect(runOn(time, writer.update('C1', ts, { text: 'v1' }))).rejects.toThrow();
    expect(slack.callsTo('chat.update')).toHaveLength(timing.maxAttempts);
  });
});
