// The request helpers against a real Bolt app on its real HTTPReceiver, talking to the fake Slack.
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, type BlockAction, LogLevel, type SlackViewAction, verifySlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import {
  blockActionsBody,
  eventBody,
  postToApp,
  signRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-requests.js';

const SECRET = 'test-signing-secret';
const quiet = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

let fake: FakeSlack;
let app: App;
let url: string;
const seen: { actions: BlockAction[]; views: SlackViewAction[] } = { actions: [], views: [] };

beforeAll(async () => {
  fake = await createFakeSlack({ users: { U0ANA: {} } });
  app = new App({
    signingSecret: SECRET,
    token: 'xoxb-test-token',
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    convoStore: false,
    logger: quiet,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
  });
  app.command('/deploy', async ({ ack, respond, command }) => {
    await ack();
    await respond({ text: `Starting ${command.text}` });
  });
  app.action('step.done', async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    seen.actions.push(body);
    await client.chat.update({ channel: body.channel?.id ?? '', ts: body.message?.ts ?? '', text: 'Done' });
  });
  app.view('abort', async ({ ack, body }) => {
    seen.views.push(body);
    await ack();
  });
  app.event('app_home_opened', async ({ event, client }) => {
    await client.views.publish({
      user_id: event.user,
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Runs' } }] },
    });
  });
  const server = await app.start(0);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await app.stop();
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  seen.actions.length = 0;
  seen.views.length = 0;
});

describe('signRequest', () => {
  it('reproduces the v0 signature of Slack’s documented example', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = signRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);
    expect(headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });

  it('matches an independent HMAC and passes Bolt’s verifySlackRequest', () => {
    const body = eventBody({ type: 'app_home_opened', user: 'U0ANA', tab: 'home' });
    const ts = Math.floor(Date.now() / 1000);
    const headers = signRequest(SECRET, body, ts);
    const expected = createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex');
    expect(headers['x-slack-signature']).toBe(`v0=${expected}`);
    expect(headers['content-type']).toBe('application/json');
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body,
        headers: {
          'x-slack-signature': headers['x-slack-signature'] ?? '',
          'x-slack-request-timestamp': ts,
        },
      }),
    ).not.toThrow();
  });
});

describe('requests into a real HTTPReceiver', () => {
  it('acks a slash command fast and respond() reaches the fake response_url', async () => {
    const responseUrl = fake.responseUrl('cmd');
    const body = slashCommandBody({ text: 'payments', userId: 'U0ANA', channelId: 'C0DEPLOY', responseUrl });
    const res = await postToApp(url, body, { secret: SECRET });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    await expect.poll(() => fake.responses('cmd').map((r) => r.body.text)).toEqual(['Starting payments']);
  });

  it('delivers a block_actions click whose listener edits the message on the fake', async () => {
    const { ts } = fake.seedMessage('C0DEPLOY', 'Step 1', { user: 'U0BOT' });
    const body = blockActionsBody({
      userId: 'U0ANA',
      channelId: 'C0DEPLOY',
      messageTs: ts,
      actions: [{ action_id: 'step.done', value: 'run1:step1:3', block_id: 'step1.r1' }],
      responseUrl: fake.responseUrl(),
      message: fake.message('C0DEPLOY', ts),
    });
    expect((await postToApp(url, body, { secret: SECRET })).status).toBe(200);
    await fake.waitForCalls('chat.update');
    expect(fake.message('C0DEPLOY', ts)?.text).toBe('Done');
    expect(seen.actions[0]).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ANA', team_id: 'T0FAKE' },
      channel: { id: 'C0DEPLOY' },
      container: { type: 'message', message_ts: ts, channel_id: 'C0DEPLOY', is_ephemeral: false },
      message: { ts, text: 'Step 1', user: 'U0BOT' },
      actions: [{ type: 'button', action_id: 'step.done', block_id: 'step1.r1', value: 'run1:step1:3' }],
    });
  });

  it('delivers a view_submission with its state values', async () => {
    const body = viewSubmissionBody({
      userId: 'U0ANA',
      callbackId: 'abort',
      privateMetadata: 'run1',
      values: { reason: { reason_input: 'bad canary' } },
    });
    expect((await postToApp(url, body, { secret: SECRET })).status).toBe(200);
    expect(seen.views[0]?.view).toMatchObject({
      callback_id: 'abort',
      private_metadata: 'run1',
      state: { values: { reason: { reason_input: { type: 'plain_text_input', value: 'bad canary' } } } },
    });
  });

  it('delivers an Events API event that publishes the Home tab', async () => {
    const res = await postToApp(url, eventBody({ type: 'app_home_opened', user: 'U0ANA', tab: 'home' }), {
      secret: SECRET,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(res.status).toBe(200);
    await fake.waitForCalls('views.publish');
    expect(fake.homeViews('U0ANA')).toHaveLength(1);
  });

  it('refuses bad, stale and missing signatures with 401', async () => {
    const body = slashCommandBody({ userId: 'U0ANA', channelId: 'C1', responseUrl: fake.responseUrl() });
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 360;
    const statuses = await Promise.all([
      postToApp(url, body, { secret: 'wrong-secret' }),
      postToApp(url, body, { secret: SECRET, timestamp: sixMinutesAgo }),
      postToApp(url, body, { secret: SECRET, signature: 'v0=deadbeef' }),
      postToApp(url, body, { secret: SECRET, omitSignature: true }),
    ]);
    expect(statuses.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(fake.responses()).toEqual([]);
  });
});
