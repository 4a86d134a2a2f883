// An end-to-end harness: the real bot (startBot: Bolt's HTTP receiver, our listeners, the database,
// the background worker) against the fake Slack Web API, driven by signed HTTP requests.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Config } from '../../src/config/config.js';
import { type Bot, startBot } from '../../src/server.js';
import { createTestClock, type TestClock, type Timer } from '../../src/shared/clock.js';
import type { WriterTiming } from '../../src/slack/outbound/slack-writer.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFakeSlack, type FakeMessage, type FakeSlack } from '../support/fake-slack.js';
import {
  blockActionsBody,
  postToApp,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-requests.js';

export const SECRET = 'e2e-signing-secret';
/** End-to-end tests run on real Postgres when the tests have one, else on PGlite. */
export const E2E_DRIVER: 'postgres' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
export const CHANNEL = 'C0DEPLOY';
/** The repository's runbooks folder: the example runbooks and directory.example.yml. */
export const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'runbooks');

/** A file of the examples folder (`k8s-service-rollout.md`, `directory.example.yml`), as text. */
export function readExample(file: string): string {
  return readFileSync(join(EXAMPLES, file), 'utf8');
}

/** A button found in a message. */
export interface FoundButton {
  actionId: string;
  value: string;
  text: string;
  blockId: string;
}

/** Every button of a message, in order. */
export function buttonsOf(message: Pick<FakeMessage, 'blocks'> | undefined): FoundButton[] {
  const found: FoundButton[] = [];
  for (const block of (message?.blocks ?? []) as {
    type: string;
    block_id?: string;
    elements?: unknown[];
    accessory?: unknown;
  }[]) {
    const elements = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])] as {
      type: string;
      action_id?: string;
      value?: string;
      text?: { text?: string };
    }[];
    for (const e of elements) {
      if (e.type === 'button' && e.action_id) {
        found.push({
          actionId: e.action_id,
          value: e.value ?? '',
          text: e.text?.text ?? '',
          blockId: block.block_id ?? '',
        });
      }
    }
  }
  return found;
}

/** Options of a harness. */
export interface HarnessOptions {
  driver: 'postgres' | 'pglite';
  /** Runbook files to write instead of the repository's examples. */
  runbooks?: Record<string, string>;
  directory?: string;
  /** Overrides of the bot's configuration (e.g. `metrics`). */
  config?: Partial<Config>;
  /** Overrides of the writer's timing (e.g. a small update budget). */
  timing?: Partial<WriterTiming>;
  /**
   * The output path's real time (gaps, back-off, the update budget); the system's by default. A test
   * that passes a test clock's timer moves it itself (test/support/virtual-time.ts).
   */
  timer?: Timer;
}

/** Starts the fake Slack, a fresh database and the bot. */
export async function startHarness(options: HarnessOptions) {
  // The example directory names two approvers by email.
  const slack: FakeSlack = await createFakeSlack({
    emails: { 'lena.fischer@example.com': 'U0LENAF1', 'sre.lead@example.com': 'U0SRELD1' },
  });
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-e2e-'));
  const runbooksDir = join(dir, 'runbooks');
  if (options.runbooks) {
    cpSync(join(EXAMPLES, 'directory.example.yml'), join(runbooksDir, 'directory.yml'), {
      force: true,
    });
    for (const [name, text] of Object.entries(options.runbooks))
      writeFileSync(join(runbooksDir, `${name}.md`), text);
  } else {
    cpSync(EXAMPLES, runbooksDir, { recursive: true });
    // The tests play the example directory's cast, as a team would after copying it.
    cpSync(join(EXAMPLES, 'directory.example.yml'), join(runbooksDir, 'directory.yml'));
  }
  if (options.directory !== undefined) writeFileSync(join(runbooksDir, 'directory.yml'), options.directory);
  const database: TestDatabase = await createTestDatabase(
    options.driver,
    options.driver === 'pglite' ? { onDisk: join(dir, 'data') } : {},
  );
  // PGlite allows one process at a time in a data folder: the harness's own handle must go first.
  if (options.driver === 'pglite') await database.dispose();
  const clock: TestClock = createTestClock(new Date());
  const config: Config = {
    slack: {
      botToken: 'xoxb-e2e',
      signingSecret: SECRET,
      appToken: null,
      apiUrl: slack.url,
      botUserId: null,
    },
    database: database.target,
    port: 0,
    runbooksDir,
    directoryFile: join(runbooksDir, 'directory.yml'),
    directoryOptional: true,
    logLevel: 'silent',
    ...options.config,
  };
  const logger = pino({ level: process.env.E2E_LOG ?? 'silent' });
  const timing = {
    postIntervalMs: 2,
    updateIntervalMs: 2,
    maxAttempts: 6,
    maxRetryAfterMs: 1500,
    updatesPerMinute: 60_000,
    ...options.timing,
  };
  const timer = options.timer ? { timer: options.timer } : {};
  let bot: Bot = await startBot(config, logger, { clock, ...timer, timing, pollMs: 60_000 });

  const url = () => `http://127.0.0.1:${bot.port}/slack/events`;
  const harness = {
    slack,
    clock,
    config,
    timing,
    get bot() {
      return bot;
    },
    async command(text: string, userId = 'U0ALICE', channelId = CHANNEL) {
      const responseUrl = slack.responseUrl(undefined, { channel: channelId, user: userId });
      const res = await postToApp(url(), slashCommandBody({ text, userId, channelId, responseUrl }), {
        secret: SECRET,
      });
      await bot.idle();
      return { res, replies: slack.responses(responseUrl.split('/').pop()) };
    },
    /** The signed body of a click, and where its private answers land. */
    clickBody(
      button: FoundButton,
      userId: string,
      message: { channel: string; ts: string },
      responseUrl = slack.responseUrl(undefined, { channel: message.channel, ts: message.ts, user: userId }),
    ) {
      const body = blockActionsBody({
        userId,
        channelId: message.channel,
        messageTs: message.ts,
        responseUrl,
        actions: [{ action_id: button.actionId, value: button.value, block_id: button.blockId }],
      });
      return { body, replies: () => slack.responses(responseUrl.split('/').pop()) };
    },
    /** Posts raw bodies to the bot (all at once), then waits for the work they started. */
    async send(bodies: string[], options: Partial<Parameters<typeof postToApp>[2]> = {}) {
      const results = await Promise.all(
        bodies.map((b) => postToApp(url(), b, { secret: SECRET, ...options })),
      );
      await bot.idle();
      return results;
    },
    async click(button: FoundButton, userId: string, message: { channel: string; ts: string }) {
      const { body, replies } = harness.clickBody(button, userId, message);
      const [res] = await harness.send([body]);
      return { res, replies: replies() };
    },
    async submitView(
      callbackId: string,
      privateMetadata: string,
      values: Record<string, Record<string, unknown>>,
      userId: string,
    ) {
      const res = await postToApp(
        url(),
        viewSubmissionBody({ userId, callbackId, privateMetadata, values: values as never }),
        { secret: SECRET },
      );
      await bot.idle();
      return res;
    },
    /** The run's parent message (the first message the bot posted in the channel). */
    parent(channel = CHANNEL): FakeMessage | undefined {
      return slack.messages(channel).find((m) => !m.thread_ts);
    },
    thread(channel = CHANNEL): FakeMessage[] {
      const parent = harness.parent(channel);
      return parent ? slack.thread(channel, parent.ts) : [];
    },
    /** Every posted message shows the render of its run's committed state (what Slack must end with). */
    async expectCurrent() {
      const expected = await bot.expectedMessages();
      const shown = expected.map((e) => {
        const m = slack.message(e.channel, e.ts);
        return { channel: e.channel, ts: e.ts, text: m?.text, blocks: m?.blocks };
      });
      const wanted = expected.map((e) => ({
        channel: e.channel,
        ts: e.ts,
        text: e.content.text,
        blocks: e.content.blocks ?? [],
      }));
      return { shown, wanted, count: expected.length };
    },
    /** Stops the bot (as a crash or deploy would) and starts a new one on the same database. */
    async restart(whileDown?: () => Promise<void>) {
      await bot.stop();
      await whileDown?.();
      bot = await startBot(config, logger, { clock, ...timer, timing, pollMs: 60_000 });
      await bot.idle();
    },
    async close() {
      await bot.stop();
      await slack.close();
      if (options.driver === 'postgres') await database.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The harness's type. */
export type Harness = Awaited<ReturnType<typeof startHarness>>;
