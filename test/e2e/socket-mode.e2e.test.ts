// Socket Mode end to end: the real bot with SLACK_APP_TOKEN against the fake Web API and the fake
// Socket Mode server. A run is started, clicked through and finished over the WebSocket, also across
// reconnects (Slack's `disconnect`, and a dropped connection with a click in flight).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { type Bot, startBot } from '../../src/server.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { createFakeSlack, type FakeMessage, type FakeSlack } from '../support/fake-slack.js';
import { FakeSocketMode } from '../support/fake-socket-mode.js';
import { buttonsOf, type FoundButton } from './harness.js';

const CHANNEL = 'C0SOCKET';
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNBOOK = `# Socket drill

## Build

- [ ] Build the image
- [ ] Push the image

## Deploy

- [ ] Roll out
- [ ] Check the dashboard

## Rollback

1. Roll back
`;

describe('Socket Mode', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let bot: Bot;
  let dir: string;

  beforeEach(async () => {
    slack = await createFakeSlack();
    socket = await FakeSocketMode.start(slack);
    dir = mkdtempSync(join(tmpdir(), 'deploybot-socket-'));
    cpSync(join(REPO, 'runbooks', 'directory.example.yml'), join(dir, 'directory.yml'));
    writeFileSync(join(dir, 'socket-drill.md'), RUNBOOK);
    const config: Config = {
      slack: {
        botToken: 'xoxb-socket',
        signingSecret: 'unused-in-socket-mode',
        appToken: 'xapp-1-A0APP-socket',
        apiUrl: slack.url,
        botUserId: null,
      },
      database: { dataDir: 'memory://' },
      port: 0,
      runbooksDir: dir,
      directoryFile: join(dir, 'directory.yml'),
      directoryOptional: true,
      logLevel: 'silent',
    };
    const timing = {
      postIntervalMs: 2,
      updateIntervalMs: 2,
      maxAttempts: 6,
      maxRetryAfterMs: 1500,
      updatesPerMinute: 60_000,
    };
    bot = await startBot(config, pino({ level: process.env.E2E_LOG ?? 'silent' }), {
      timing,
      pollMs: 60_000,
    });
  }, 60_000);

  afterEach(async () => {
    await bot?.stop();
    await socket?.close();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function command(text: string, userId = 'U0ALICE') {
    const responseUrl = slack.responseUrl(undefined, { channel: CHANNEL, user: userId });
    await socket.command({ text, userId, channelId: CHANNEL, responseUrl });
    await bot.idle();
    return slack.responses(responseUrl.split('/').pop()).map((r) => String(r.body.text));
  }

  /** Sends a click over the socket; `whileInFlight` runs right after it was sent. */
  async function click(button: FoundButton, message: FakeMessage, whileInFlight?: () => void) {
    // As on Slack, a click's response_url belongs to the clicked message.
    const responseUrl = slack.responseUrl(undefined, {
      channel: message.channel,
      ts: message.ts,
      user: 'U0BOB',
    });
    const acked = socket.action({
      userId: 'U0BOB',
      channelId: message.channel,
      messageTs: message.ts,
      responseUrl,
      actions: [{ action_id: button.actionId, value: button.value, block_id: button.blockId }],
    });
    whileInFlight?.();
    await acked;
    await bot.idle();
    return slack.responses(responseUrl.split('/').pop()).map((r) => String(r.body.text));
  }

  function nextDone(): { button: FoundButton; message: FakeMessage } | null {
    const parent = slack.messages(CHANNEL).find((m) => !m.thread_ts);
    const thread = parent ? slack.thread(CHANNEL, parent.ts) : [];
    for (const message of thread) {
      const button = buttonsOf(message).find((b) => b.actionId === ACTIONS.stepDone);
      if (button) return { button, message };
    }
    return null;
  }

  async function progress(): Promise<string> {
    return (await command('status'))[0] ?? '';
  }

  it('starts a run, takes every click and finishes it, each envelope acked once', async () => {
    expect(socket.connections).toBe(1);
    const started = await command('start socket-drill');
    expect(started[0]).toMatch(/^Started run/);
    for (let i = 0; i < 4; i++) {
      const next = nextDone();
      if (!next) throw new Error(`no Done button before click ${i + 1}`);
      expect(await click(next.button, next.message)).toEqual([]);
    }
    expect(nextDone()).toBeNull();
    const parent = slack.messages(CHANNEL).find((m) => !m.thread_ts);
    expect(parent?.text).toMatch(/completed|4\/4/i);
    expect(socket.unacked).toBe(0);
    expect(new Set(socket.acks).size).toBe(socket.acks.length);
    // Every envelope's ack is timed: the start, four clicks.
    const { body } = await bot.metrics.scrape();
    expect(body).toMatch(/^deploybot_ack_latency_seconds_count 5$/m);
    expect(body).toMatch(/^deploybot_clicks_total\{action="step.done",outcome="applied"\} 4$/m);
  });

  it("reconnects on Slack's disconnect without losing the click sent meanwhile", async () => {
    await command('start socket-drill');
    const first = nextDone();
    if (!first) throw new Error('no Done button');
    expect(await click(first.button, first.message)).toEqual([]);
    socket.requestReconnect();
    const deadline = Date.now() + 5000;
    while (socket.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(socket.connected).toBe(false);
    // Clicked while the bot reconnects: Slack holds the envelope and delivers it on the new connection.
    const second = nextDone();
    if (!second) throw new Error('no second Done button');
    expect(await click(second.button, second.message)).toEqual([]);
    expect(socket.connections).toBe(2);
    expect(await progress()).toMatch(/ 2 of 4 steps done/);
  }, 60_000);

  it('a click whose ack was lost with the connection is redelivered and counted once', async () => {
    await command('start socket-drill');
    const first = nextDone();
    if (!first) throw new Error('no Done button');
    expect(await click(first.button, first.message, () => socket.dropConnection())).toEqual([]);
    await socket.waitForConnection(2);
    expect(await progress()).toMatch(/ 1 of 4 steps done/);
    const next = nextDone();
    if (!next) throw new Error('no Done button after the reconnect');
    expect(await click(next.button, next.message)).toEqual([]);
    expect(await progress()).toMatch(/ 2 of 4 steps done/);
  }, 60_000);
});
