// The bot as its own process: hostile but signed bodies must not stop it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { FakeSocketMode } from '../support/fake-socket-mode.js';
import { postToApp, slashCommandBody } from '../support/slack-requests.js';
import { type SpawnedBot, spawnBot } from '../support/spawned-bot.js';

const SECRET = 'process-signing-secret';
const TOKEN = 'metrics-token-0123456789';

describe('the bot process', () => {
  let slack: FakeSlack;
  let bot: SpawnedBot;
  beforeAll(async () => {
    slack = await createFakeSlack();
    bot = await spawnBot(
      {
        SLACK_BOT_TOKEN: 'xoxb-process',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        METRICS_TOKEN: TOKEN,
      },
      { preload: 'inject-faults.mjs' },
    );
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await slack?.close();
  });

  it('answers 400 to signed bodies that are not JSON objects, and stays up', async () => {
    const url = `http://127.0.0.1:${bot.port}/slack/events`;
    const bodies = ['payload=null', 'null', 'payload=5', 'payload=%22text%22', 'payload=%5B%5D', '5', '[]'];
    const statuses: number[] = [];
    for (const body of bodies) {
      const res = await postToApp(url, body, {
        secret: SECRET,
        headers: {
          'content-type': body.startsWith('payload=')
            ? 'application/x-www-form-urlencoded'
            : 'application/json',
        },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual(bodies.map(() => 400));
    // Give a crash (an unhandled rejection) the time to happen, then ask the process.
    await new Promise((r) => setTimeout(r, 300));
    expect(bot.alive(), bot.output()).toBe(true);
    const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(health.status).toBe(200);
    const scrape = await fetch(`http://127.0.0.1:${bot.port}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const text = await scrape.text();
    expect(text).toMatch(/deploybot_requests_refused_total\{reason="malformed_body"\} 7/);
    expect(text).not.toMatch(/deploybot_unhandled_errors_total\{/);
  });

  it('refuses a timestamp more than five minutes in the future (401) and still serves commands', async () => {
    const url = `http://127.0.0.1:${bot.port}/slack/events`;
    const body = slashCommandBody({
      text: 'list',
      userId: 'U0ALICE',
      channelId: 'C0DEPLOY',
      responseUrl: slack.responseUrl('future'),
    });
    const future = await postToApp(url, body, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) + 6 * 60,
    });
    expect(future.status).toBe(401);
    const now = await postToApp(url, body, { secret: SECRET });
    expect(now.status).toBe(200);
    expect(bot.alive()).toBe(true);
  });

  it('logs and counts an unhandled rejection and an uncaught exception, and keeps running', async () => {
    bot.child.kill('SIGUSR2');
    const deadline = Date.now() + 10_000;
    let text = '';
    while (Date.now() < deadline) {
      const scrape = await fetch(`http://127.0.0.1:${bot.port}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: AbortSignal.timeout(5000),
      });
      text = await scrape.text();
      // The counter moves before pino's line has crossed the pipe: wait for both.
      if (/kind="exception"\} 1/.test(text) && /uncaught exception/.test(bot.output())) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(text).toMatch(/deploybot_unhandled_errors_total\{kind="rejection"\} 1/);
    expect(text).toMatch(/deploybot_unhandled_errors_total\{kind="exception"\} 1/);
    expect(bot.alive(), bot.output()).toBe(true);
    expect(bot.output()).toMatch(/unhandled promise rejection \(the bot keeps running\)/);
    expect(bot.output()).toMatch(/uncaught exception \(the bot keeps running\)/);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
  });
});

describe('the bot process in Socket Mode', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let bot: SpawnedBot;
  beforeAll(async () => {
    slack = await createFakeSlack();
    socket = await FakeSocketMode.start(slack);
    bot = await spawnBot({
      SLACK_BOT_TOKEN: 'xoxb-process',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APP_TOKEN: 'xapp-1-A0APP-process',
      SLACK_API_URL: slack.url,
    });
    await socket.waitForConnection(1);
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await socket?.close();
    await slack?.close();
  });

  it('envelopes whose payload is null or not an object do not stop it; the next command is answered', async () => {
    for (const type of ['interactive', 'slash_commands', 'events_api']) {
      for (const payload of [null, 42, 'text']) {
        // Some are acked (Bolt's error handler), some never are: only the process's survival counts.
        void socket.deliver(type, payload as never, 2000).catch(() => undefined);
      }
    }
    const until = Date.now() + 10_000;
    while (!/unhandled promise rejection/.test(bot.output()) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    expect(bot.alive(), bot.output()).toBe(true);
    // @slack/socket-mode reads `payload.event.type` of an events_api envelope unchecked: without the
    // process-level handler, this rejection would stop the bot.
    expect(bot.output()).toMatch(/unhandled promise rejection \(the bot keeps running\)/);
    const responseUrl = slack.responseUrl('after');
    await socket.command({ text: 'help', userId: 'U0ALICE', channelId: 'C0DEPLOY', responseUrl });
    const deadline = Date.now() + 10_000;
    while (slack.responses('after').length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(String(slack.responses('after')[0]?.body.text)).toMatch(/deploybot/);
    expect(bot.alive()).toBe(true);
  });
});
