// Playground mode: the real bot (Bolt's HTTP receiver, @slack/web-api, a real database) against an
// embedded Slack Web API, with a page that plays the Slack client. Everything listens on 127.0.0.1
// (the page on the host it is given); the database is in memory, so each start begins afresh.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createRunbookCatalog } from '../catalog/runbook-catalog.js';
import type { Config } from '../config/config.js';
import type { PlaygroundConfig } from '../config/playground-config.js';
import { loadDirectory } from '../directory/load-directory.js';
import { createFakeSlack, type FakeSlack } from '../fake-slack/fake-slack.js';
import type { Contact } from '../runbook/model.js';
import { type Bot, startBot } from '../server.js';
import { startPageServer } from './page-server.js';
import { type PlaygroundPeople, playgroundPeople } from './people.js';
import { createPlaygroundClock, type PlaygroundClock } from './playground-clock.js';
import { createRelay } from './relay.js';

/** The channel the page shows. */
export const PLAYGROUND_CHANNEL = { id: 'C0DEPLOYS', name: 'deploys' };

/** A running playground. */
export interface Playground {
  /** The page, e.g. http://localhost:3000/ (with `?token=…` when it listens beyond loopback). */
  url: string;
  /** Whether the page is reachable from other machines (the banner warns). */
  exposed: boolean;
  /** The bot's clock; the page may change its pace. */
  clock: PlaygroundClock;
  slack: FakeSlack;
  bot: Bot;
  people: PlaygroundPeople['people'];
  stop(): Promise<void>;
}

/** Starts the embedded Slack, the bot against it, and the page. */
export async function startPlayground(pc: PlaygroundConfig, logger: Logger): Promise<Playground> {
  pc = { ...pc, directoryFile: playgroundDirectoryFile(pc) };
  const loaded = await loadDirectory(pc.directoryFile, { optional: pc.directoryOptional });
  if (!loaded.ok) throw new Error(`directory file: ${loaded.errors.join('; ')}`);
  const botToken = `xoxb-playground-${randomBytes(18).toString('hex')}`;
  const people = playgroundPeople(loaded.directory, await contactsOf(pc.runbooksDir));
  const slack = await createFakeSlack({
    users: people.users,
    emails: people.emails,
    channels: [PLAYGROUND_CHANNEL.id],
    strictTriggers: true,
    // Only this bot may call the embedded Slack: a token made up at each start.
    token: botToken,
  });
  // A fresh secret per start: only this process can sign requests its bot accepts.
  const signingSecret = randomBytes(24).toString('hex');
  const config: Config = {
    slack: { botToken, signingSecret, appToken: null, apiUrl: slack.url, botUserId: null },
    database: { dataDir: 'memory://playground' },
    port: 0,
    host: '127.0.0.1',
    runbooksDir: pc.runbooksDir,
    directoryFile: pc.directoryFile,
    directoryOptional: pc.directoryOptional,
    logLevel: pc.logLevel,
  };
  const clock = createPlaygroundClock(pc.speed);
  let bot: Bot;
  try {
    // The page may speed time up at any moment: timers are polled often enough for 600×.
    bot = await startBot(config, logger, { clock, pollMs: 250 });
  } catch (error) {
    await slack.close();
    throw error;
  }
  const relay = createRelay(slack, signingSecret, () => `http://127.0.0.1:${bot.port}/slack/events`);
  let page: Awaited<ReturnType<typeof startPageServer>>;
  try {
    page = await startPageServer({
      slack,
      relay,
      people: people.people,
      channel: PLAYGROUND_CHANNEL,
      clock,
      host: pc.host,
      port: pc.port,
    });
  } catch (error) {
    await bot.stop();
    await slack.close();
    throw error;
  }
  return {
    url: page.url,
    exposed: page.access.token !== null,
    clock,
    slack,
    bot,
    people: people.people,
    async stop() {
      await new Promise<void>((resolve) => {
        page.server.close(() => resolve());
        page.server.closeAllConnections();
      });
      await bot.stop();
      await slack.close();
    },
  };
}

/** Every startable runbook's contacts, by runbook name (runbooks with errors are left out). */
async function contactsOf(runbooksDir: string): Promise<Record<string, Contact[]>> {
  const catalog = createRunbookCatalog(runbooksDir);
  const contacts: Record<string, Contact[]> = {};
  for (const name of await catalog.names()) {
    const loaded = await catalog.load(name);
    if (loaded.ok) contacts[name] = loaded.entry.runbook.contacts;
  }
  return contacts;
}

/**
 * The playground's directory: the one given, else `directory.yml` beside the runbooks, else the
 * example beside them (`directory.example.yml`), so the demo has approvers and admins to play. The bot
 * itself never reads the example: its made-up ids would let nobody in a real workspace approve.
 */
function playgroundDirectoryFile(pc: PlaygroundConfig): string {
  if (!pc.directoryOptional || existsSync(pc.directoryFile)) return pc.directoryFile;
  const example = join(pc.runbooksDir, 'directory.example.yml');
  return existsSync(example) ? example : pc.directoryFile;
}
