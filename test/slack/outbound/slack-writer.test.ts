import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackWriter } from '../../../src/slack/outbound/slack-writer.js';
import { createFakeSlack, type FakeSlack } from '../../support/fake-slack.js';

const timing = {
  postIntervalMs: 120,
  updateIntervalMs: 150,
  maxAttempts: 4,
  maxRetryAfterMs: 2000,
  updatesPerMinute: 6000,
};

describe('the outbound writer', () => {
  let slack: FakeSlack;
  let writer: ReturnType<typeof createSlackWriter>;
  beforeEach(async () => {
    slack = await createFakeSlack();
    const client = new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    writer = createSlackWriter(client, pino({ level: 'silent' }), timing);
  });
  afterEach(async () => {
    await slack.close();
  });

  it('paces posts per channel, not across channels', async () => {
    await Promise.all([
      writer.post('C1', { text: 'a' }),
      writer.post('C1', { text: 'b' }),
      writer.post('C1', { text: 'c' }),
      writer.post('C2', { text: 'x' }),
    ]);
    const c1 = slack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.channel === 'C1')
      .map((c) => c.at);
    expect(c1).toHaveLength(3);
    expect((c1[1] ?? 0) - (c1[0] ?? 0)).toBeGreaterThanOrEqual(timing.postIntervalMs - 5);
    expect((c1[2] ?? 0) - (c1[1] ?? 0)).toBeGreaterThanOrEqual(timing.postIntervalMs - 5);
    const c2 = slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'C2');
    expect((c2?.at ?? 0) - (c1[0] ?? 0)).toBeLessThan(timing.postIntervalMs);
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['a', 'b', 'c']);
  });

  it('coalesces updates of one message: the latest content wins and every caller is settled', async () => {
    const { ts } = await writer.post('C1', { text: 'v0' });
    await writer.update('C1', ts, { text: 'v1' });
    await Promise.all([1, 2, 3, 4, 5].map((n) => writer.update('C1', ts, { text: `v${n + 1}` })));
    const updates = slack.callsTo('chat.update').map((c) => c.body.text);
    expect(updates[0]).toBe('v1');
    expect(updates.length).toBeLessThanOrEqual(3);
    expect(updates[updates.length - 1]).toBe('v6');
    expect(slack.message('C1', ts)?.text).toBe('v6');
  });

  it('waits out a 429 for the time Slack asks, then delivers', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 1);
    const started = Date.now();
    await writer.post('C1', { text: 'after the storm' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['after the storm']);
  });

  it('gives up after its attempts and says so to the caller (the outbox keeps the work)', async () => {
    slack.failNext('chat.update', { status: 500 }, 10);
    const { ts } = await writer.post('C1', { text: 'v0' });
    await expect(writer.update('C1', ts, { text: 'v1' })).rejects.toThrow();
    expect(slack.callsTo('chat.update')).toHaveLength(timing.maxAttempts);
  });
});
