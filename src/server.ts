// Wires the bot together from a Config: database, runbooks, directory, Slack, background worker.
// src/main.ts calls it with the process environment; tests call it with their own config and clock.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import { createRunbookCatalog, type RunbookCatalog } from './catalog/runbook-catalog.js';
import type { Config } from './config/config.js';
import { type DatabaseHandle, openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createStore } from './db/repositories.js';
import { loadDirectory } from './directory/load-directory.js';
import type { Directory } from './directory/schema.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { serveMetrics, wireMetrics } from './metrics/wire-metrics.js';
import { pumpHandOffs } from './pagerduty/hand-offs.js';
import { startPagerDuty } from './pagerduty/start-pagerduty.js';
import { type Clock, systemClock, type Timer } from './shared/clock.js';
import { createSlackApp } from './slack/app.js';
import { type BotIdentitySource, createBotIdentity } from './slack/bot-identity.js';
import type { SlackContext } from './slack/context.js';
import { HTTP_SERVER_OPTIONS, limitServer } from './slack/http-limits.js';
import { deriveMetadataKey } from './slack/listeners/views/modal-origin.js';
import type { WriterTiming } from './slack/outbound/slack-writer.js';
import { createTransport, type Transport } from './slack/outbound/transport.js';
import { createPeopleResolver } from './slack/people/resolve-people.js';
import { stopReceiver } from './slack/stop-receiver.js';
import { createSync, type Sync } from './slack/sync/create-sync.js';
import type { ExpectedMessage } from './slack/sync/expected-messages.js';
import type { RunDeps } from './usecases/deps.js';
import { createBackgroundWorker } from './worker/background-worker.js';

/** Knobs tests turn; production uses the defaults. */
export interface ServerOptions {
  clock?: Clock;
  /** Real time for the Slack output path (gaps, back-off, the update budget); the system's by default. */
  timer?: Timer;
  timing?: WriterTiming;
  pollMs?: number;
  workerId?: string;
  /** How long a stop waits for in-flight Slack work (the rest stays in the outbox for the next process). */
  stopTimeoutMs?: number;
  /** How long a stop waits for HTTP requests in flight before it closes their connections. */
  requestGraceMs?: number;
  /** The process's metrics (src/main.ts makes them, to count unhandled errors too); else the bot's own. */
  metrics?: Metrics;
  /** Aborts the start-up (a stop signal before the bot is up): what was opened is closed, StartAborted thrown. */
  signal?: AbortSignal;
}

/** Thrown by startBot when its `signal` aborted the start-up; everything it had opened is closed. */
export class StartAborted extends Error {
  constructor() {
    super('start-up aborted by a stop signal');
    this.name = 'StartAborted';
  }
}

/** A running bot. */
export interface Bot {
  port: number;
  metrics: Metrics;
  /** The port of the separate /metrics listener (METRICS_PORT), or null. */
  metricsPort: number | null;
  /** Stops taking requests, finishes what is in flight, closes the database. */
  stop(): Promise<void>;
  /** One pass of the background loop (timers and pending Slack work), until its writes reached Slack. */
  tick(): Promise<void>;
  /** Waits until the Slack work started so far is done (for tests and graceful stops). */
  idle(): Promise<void>;
  /** What every posted message should show now (the render of the committed state). */
  expectedMessages(): Promise<ExpectedMessage[]>;
}

/** Starts the bot. Throws (with a clear message) when the database or the directory file is unusable. */
export async function startBot(config: Config, logger: Logger, options: ServerOptions = {}): Promise<Bot> {
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics({ processMetrics: false });
  const opened = startUp(options.signal);
  const { database, directory } = await openStoreAndDirectory(config, opened);
  const store = createStore(database.db);
  const runDeps: RunDeps = { store, clock };
  const catalog = createRunbookCatalog(config.runbooksDir, {
    onParse: metrics.observeParse,
    ...(config.parseTimeLimitMs ? { parseTimeLimitMs: config.parseTimeLimitMs } : {}),
  });
  opened.push(() => catalog.close());
  const pagerDuty = startPagerDuty(config, directory, { db: database.db, clock, logger });
  const { timing, timer } = options;
  const transport = createTransport({ config, logger, budgetStore: store.budget, timing, timer });
  const sync = createSync({ store, transport, catalog, logger, clock, metrics, workerId: options.workerId });
  wireMetrics(metrics, database.db, clock, transport.client);
  const identity = createBotIdentity(transport.client, config.slack, logger);
  opened.push(() => identity.stop());
  const ctx = slackContext({ config, runDeps, catalog, directory, logger, metrics, transport, sync });
  const served = await serveMetrics(metrics, config.metrics);
  opened.push(() => served.server?.close());
  const { app } = createSlackApp({
    config,
    logger,
    ctx,
    health: store.ping,
    track: sync.queue.track,
    authorize: identity.authorize,
    routes: served.routes,
  });
  const worker = createBackgroundWorker({
    runDeps,
    logger,
    queue: sync.queue,
    pollMs: options.pollMs ?? 1000,
    expireOffers: () => store.queue.expireOffers(clock.now()),
    // Without PagerDuty, rollback moments are still taken off the list (so turning it on later
    // never pages for old runs).
    flushPagerDuty: () =>
      pagerDuty?.flush() ?? pumpHandOffs({ db: database.db, clock, directory: () => directory }),
  });
  await waitForIdentity(identity, options.signal);
  await opened.checkpoint();
  const { port, httpServer } = await listen(app, config);
  opened.push(() => stopReceiver(app, httpServer, logger, 0));
  await opened.checkpoint();
  await sync.start();
  worker.start();
  const how = { port, socketMode: Boolean(config.slack.appToken), database: database.driver };
  logger.info(how, 'deploybot is up');
  const stopParts = { identity, app, httpServer, served, worker, sync, catalog, database, logger };
  return {
    port,
    metrics,
    metricsPort: served.server?.port ?? null,
    async tick() {
      // A pass, and the Slack writes its rounds handed on (a round does not wait for them).
      await worker.tick();
      await sync.queue.idle();
    },
    expectedMessages: sync.expectedMessages,
    async idle() {
      // Listener work starts kicks, kicks may finish after: wait until nothing is left.
      await sync.queue.idle();
      await worker.tick();
      await sync.queue.idle();
    },
    stop: () => stopBot(stopParts, options),
  };
}

/** What the Slack listeners are given. */
function slackContext(parts: {
  config: Config;
  runDeps: RunDeps;
  catalog: RunbookCatalog;
  directory: Directory;
  logger: Logger;
  metrics: Metrics;
  transport: Transport;
  sync: Sync;
}): SlackContext {
  const { config, transport, directory } = parts;
  return {
    runDeps: parts.runDeps,
    catalog: parts.catalog,
    writer: transport.writer,
    people: createPeopleResolver(transport.writer, () => directory),
    directory: () => directory,
    logger: parts.logger,
    metrics: parts.metrics,
    feedback: parts.sync.feedback,
    metadataKey: deriveMetadataKey(config.slack.signingSecret),
    limits: config.limits ?? null,
    kick: parts.sync.queue.kick,
    messageDeleted: parts.sync.queue.messageDeleted,
  };
}

/** What start-up opened, closed in reverse when a stop signal aborts it (checked between phases). */
function startUp(signal: AbortSignal | undefined) {
  const opened: (() => unknown)[] = [];
  return {
    push: (close: () => unknown) => void opened.push(close),
    async checkpoint() {
      if (!signal?.aborted) return;
      for (const close of opened.reverse()) await close();
      throw new StartAborted();
    },
  };
}

/** Opens and migrates the database, and reads the directory file. */
async function openStoreAndDirectory(
  config: Config,
  opened: ReturnType<typeof startUp>,
): Promise<{ database: DatabaseHandle; directory: Directory }> {
  await opened.checkpoint();
  const database = await openDatabase(config.database);
  opened.push(() => database.close());
  await opened.checkpoint();
  await migrateDatabase(database);
  await opened.checkpoint();
  const loaded = await loadDirectory(config.directoryFile, { optional: config.directoryOptional });
  if (!loaded.ok) {
    await database.close();
    throw new Error(`directory file: ${loaded.errors.join('; ')}`);
  }
  return { database, directory: loaded.directory };
}

/** Start-up does not depend on Slack: it waits for auth.test a short while at most (or a stop). */
async function waitForIdentity(identity: BotIdentitySource, signal: AbortSignal | undefined): Promise<void> {
  const waited = signal ? [once(signal, 'abort')] : [];
  await Promise.race([identity.ready, delay(3000, undefined, { ref: false }), ...waited]);
}

/** Starts the receiver: HTTP (with its limits) or Socket Mode. */
async function listen(app: App, config: Config): Promise<{ port: number; httpServer: Server | null }> {
  const at = config.host ? { port: config.port, host: config.host } : config.port;
  if (config.slack.appToken) {
    await app.start(at);
    return { port: config.port, httpServer: null };
  }
  const httpServer = (await app.start(at, HTTP_SERVER_OPTIONS)) as Server;
  limitServer(httpServer);
  return { port: (httpServer.address() as { port: number }).port, httpServer };
}

/** Stops taking requests, finishes what is in flight (for a bounded time), closes the database. */
async function stopBot(
  parts: {
    identity: BotIdentitySource;
    app: App;
    httpServer: Server | null;
    served: Awaited<ReturnType<typeof serveMetrics>>;
    worker: ReturnType<typeof createBackgroundWorker>;
    sync: Sync;
    catalog: RunbookCatalog;
    database: DatabaseHandle;
    logger: Logger;
  },
  options: ServerOptions,
): Promise<void> {
  parts.identity.stop();
  await stopReceiver(parts.app, parts.httpServer, parts.logger, options.requestGraceMs);
  await parts.served.server?.close();
  await parts.worker.stop();
  // Unfinished Slack work is safe in the outbox (its short lease lapses for the next process):
  // wait a bounded time, as container stops give a grace period, not forever.
  await parts.sync.queue.drain(options.stopTimeoutMs ?? 10_000);
  await parts.catalog.close();
  await parts.database.close();
  parts.logger.info('deploybot stopped');
}
