// The fake Slack Web API, exercised through the real `@slack/web-api` client over HTTP.
import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type WebClientOptions,
} from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack } from '../support/fake-slack.js';

let fake: FakeSlack;

beforeAll(async () => {
  fake = await createFakeSlack({
    emails: { 'ana@example.com': 'U0ANA' },
    usergroups: { S0SRE: ['U0ANA', 'U0BEN'] },
    users: { U0CAT: { real_name: 'Cat' }, U0LEFT: { deleted: true } },
    missingUsers: ['U0GONE'],
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const quiet = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** A client as deploybot builds one: fail fast, handle 429s itself. */
function client(options: WebClientOptions = {}): WebClient {
  return new WebClient('xoxb-test-token', {
    slackApiUrl: fake.url,
    logger: quiet,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    ...options,
  });
}

/** The rejection of `promise`, for asserting on its class and fields. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('message state', () => {
  it('keeps a posted parent, its thread reply and an update, as Slack would', async () => {
    const slack = client();
    const parent = await slack.chat.postMessage({
      channel: 'C0DEPLOY',
      text: 'Deploy started',
      blocks: [section('*Deploy* started')],
      unfurl_links: false,
    });
    expect(parent).toMatchObject({ ok: true, channel: 'C0DEPLOY', ts: '1700000000.000100' });
    expect(parent.message).toMatchObject({ user: 'U0BOT', bot_id: 'B0BOT', text: 'Deploy started' });
    const reply = await slack.chat.postMessage({
      channel: 'C0DEPLOY',
      thread_ts: parent.ts ?? '',
      text: 'Step 1',
    });
    await slack.chat.update({
      channel: 'C0DEPLOY',
      ts: parent.ts ?? '',
      text: 'Deploy done',
      blocks: [section('*Deploy* done')],
    });

    const stored = fake.message('C0DEPLOY', parent.ts ?? '');
    expect(stored).toMatchObject({ text: 'Deploy done', blocks: [section('*Deploy* done')], user: 'U0BOT' });
    expect(stored?.edits).toEqual([{ text: 'Deploy started', blocks: [section('*Deploy* started')] }]);
    expect(fake.thread('C0DEPLOY', parent.ts ?? '').map((m) => [m.ts, m.text])).toEqual([
      [reply.ts, 'Step 1'],
    ]);
    expect(fake.messages('C0DEPLOY')).toHaveLength(2);

    const [post] = fake.callsTo('chat.postMessage');
    expect(post?.token).toBe('xoxb-test-token');
    expect(post?.body.blocks).toEqual([section('*Deploy* started')]); // parsed back from the form body
    expect(post?.body.unfurl_links).toBe(false);
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['chat.postMessage', 200],
      ['chat.postMessage', 200],
      ['chat.update', 200],
    ]);
  });

  it('hands out unique, increasing ts values', async () => {
    const slack = client();
    const posts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => slack.chat.postMessage({ channel: 'C1', text: `m${i}` })),
    );
    const ts = posts.map((p) => p.ts ?? '').sort();
    expect(new Set(ts).size).toBe(20);
    expect(ts.every((t) => /^\d{10}\.\d{6}$/.test(t))).toBe(true);
    expect(ts.map(Number)).toEqual([...ts.map(Number)].sort((a, b) => a - b));
  });

  it('refuses to update unknown messages, other people’s messages, and user ids as channels', async () => {
    const slack = client();
    const human = fake.seedMessage('C1', 'hello');
    const errorOf = async (args: { channel: string; ts: string }) =>
      ((await rejectionOf(slack.chat.update({ ...args, text: 'x' }))) as WebAPIPlatformError).data.error;
    expect(await errorOf({ channel: 'C1', ts: '1.000000' })).toBe('message_not_found');
    expect(await errorOf({ channel: 'C1', ts: human.ts })).toBe('cant_update_message');
    expect(await errorOf({ channel: 'U0ANA', ts: human.ts })).toBe('channel_not_found');
  });

  it('drops blocks when an update sends text alone', async () => {
    const slack = client();
    const { ts = '' } = await slack.chat.postMessage({ channel: 'C1', text: 'a', blocks: [section('a')] });
    await slack.chat.update({ channel: 'C1', ts, text: 'b' });
    expect(fake.message('C1', ts)).toMatchObject({ text: 'b', blocks: [] });
  });

  it('records ephemerals, Home tabs and modals', async () => {
    const slack = client();
    const eph = await slack.chat.postEphemeral({ channel: 'C1', user: 'U0ANA', text: 'only you' });
    expect(fake.ephemerals('U0ANA')).toEqual([
      expect.objectContaining({ channel: 'C1', message_ts: eph.message_ts, text: 'only you' }),
    ]);

    const view = { type: 'home' as const, blocks: [section('Runs')] };
    const first = await slack.views.publish({ user_id: 'U0ANA', view });
    await slack.views.publish({ user_id: 'U0ANA', view, hash: first.view?.hash ?? '' });
    const stale = await rejectionOf(
      slack.views.publish({ user_id: 'U0ANA', view, hash: first.view?.hash ?? '' }),
    );
    expect((stale as WebAPIPlatformError).data.error).toBe('hash_conflict');
    expect(fake.homeViews('U0ANA')).toHaveLength(2);

    const modal = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Abort' },
      blocks: [],
    };
    const opened = await slack.views.open({ trigger_id: 't1', view: modal });
    expect(opened.view?.id).toMatch(/^V/);
    const again = await rejectionOf(slack.views.open({ trigger_id: 't1', view: modal }));
    expect((again as WebAPIPlatformError).data.error).toBe('trigger_exchanged');
  });
});

describe('directory', () => {
  it('answers auth.test, lookups, user groups and DMs from its options', async () => {
    const slack = client();
    expect(await slack.auth.test()).toMatchObject({ team_id: 'T0FAKE', user_id: 'U0BOT', bot_id: 'B0BOT' });
    expect((await slack.users.lookupByEmail({ email: 'Ana@example.com' })).user?.id).toBe('U0ANA');
    const missing = await rejectionOf(slack.users.lookupByEmail({ email: 'nobody@example.com' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('users_not_found');
    expect((await slack.usergroups.users.list({ usergroup: 'S0SRE' })).users).toEqual(['U0ANA', 'U0BEN']);
    expect((await slack.users.info({ user: 'U0CAT' })).user?.real_name).toBe('Cat');

    const dm = await slack.conversations.open({ users: 'U0BEN' });
    expect(dm.channel?.id).toBe(fake.dmChannel('U0BEN'));
    expect((await slack.conversations.open({ users: 'U0BEN' })).channel?.id).toBe(dm.channel?.id);
    await slack.chat.postMessage({ channel: dm.channel?.id ?? '', text: 'You are on call' });
    expect(fake.dms('U0BEN').map((m) => m.text)).toEqual(['You are on call']);
    const errorOf = async (users: string) =>
      ((await rejectionOf(slack.conversations.open({ users }))) as WebAPIPlatformError).data.error;
    expect(await errorOf('U0GONE')).toBe('user_not_found');
    expect(await errorOf('U0LEFT')).toBe('user_disabled');
    const gone = await rejectionOf(slack.chat.postMessage({ channel: 'U0GONE', text: 'hi' }));
    expect((gone as WebAPIPlatformError).data.error).toBe('channel_not_found');
    // Posting to a user id opens the DM, as on Slack.
    expect((await slack.chat.postMessage({ channel: 'U0DAN', text: 'hi' })).channel).toBe(
      fake.dmChannel('U0DAN'),
    );
  });
});

describe('faults', () => {
  it('answers 429 with Retry-After, which the client surfaces as WebAPIRateLimitedError', async () => {
    const slack = client();
    fake.failNext('chat.update', { status: 429, retryAfter: 7 });
    const { ts = '' } = await slack.chat.postMessage({ channel: 'C1', text: 'a' });
    const error = await rejectionOf(slack.chat.update({ channel: 'C1', ts, text: 'b' }));
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    await slack.chat.update({ channel: 'C1', ts, text: 'b' }); // only the next call was limited
    expect(fake.callsTo('chat.update').map((c) => [c.status, c.error])).toEqual([
      [429, 'ratelimited'],
      [200, null],
    ]);
  });

  it('rate-limits for a time window, counting Retry-After down', async () => {
    const slack = client();
    fake.failFor('chat.postMessage', { status: 429 }, 2500);
    const error = await rejectionOf(slack.chat.postMessage({ channel: 'C1', text: 'a' }));
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(3);
    await expect(slack.auth.test()).resolves.toMatchObject({ ok: true }); // other methods are not limited
  });

  it('lets a default client sleep out the Retry-After and retry', async () => {
    const slack = client({ rejectRateLimitedCalls: false, retryConfig: { retries: 1, minTimeout: 0 } });
    fake.failNext('auth.test', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await expect(slack.auth.test()).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.callsTo('auth.test').map((c) => c.status)).toEqual([429, 200]);
  });

  it('answers HTTP 500 (WebAPIHTTPError) and ok:false (WebAPIPlatformError)', async () => {
    const slack = client();
    fake.failNext('chat.postMessage', { status: 500 });
    fake.failNext('chat.postMessage', { error: 'invalid_blocks', messages: ['[ERROR] scripted'] });
    const http = await rejectionOf(slack.chat.postMessage({ channel: 'C1', text: 'a' }));
    expect(http).toBeInstanceOf(WebAPIHTTPError);
    expect((http as WebAPIHTTPError).statusCode).toBe(500);
    const platform = await rejectionOf(slack.chat.postMessage({ channel: 'C1', text: 'a' }));
    expect(platform).toBeInstanceOf(WebAPIPlatformError);
    expect((platform as WebAPIPlatformError).data).toMatchObject({
      error: 'invalid_blocks',
      response_metadata: { messages: ['[ERROR] scripted'] },
    });
    expect(fake.messages()).toEqual([]);
    fake.failNext('*', { error: 'cant_update_message' });
    await expect(rejectionOf(slack.auth.test())).resolves.toBeInstanceOf(WebAPIPlatformError);
  });

  it('answers slowly, and hangs until released', async () => {
    const slack = client({ timeout: 300 });
    fake.delay('auth.test', 150);
    const started = Date.now();
    await slack.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    fake.hang('chat.postMessage');
    const timedOut = await rejectionOf(slack.chat.postMessage({ channel: 'C1', text: 'lost?' }));
    expect(timedOut).toBeInstanceOf(WebAPIRequestError);
    expect(fake.heldCount).toBe(1);
    expect(fake.release('chat.postMessage')).toBe(1);
    // The held call still lands once released, as a slow Slack would have stored it.
    await fake.waitForCalls('chat.postMessage');
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['lost?']);
  });

  it('records response_url posts and refuses a sixth', async () => {
    const url = fake.responseUrl('cmd-1');
    for (let i = 0; i < 6; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `reply ${i}`, response_type: 'ephemeral' }),
      });
      expect(res.status).toBe(i < 5 ? 200 : 404);
    }
    expect(fake.responses('cmd-1').map((r) => r.body.text)).toEqual([0, 1, 2, 3, 4].map((i) => `reply ${i}`));
  });
});
