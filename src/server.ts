// Wires the bot together from a Config: database, runbooks, directory, Slack, background worker.
// src/main.ts calls it with the process environment; tests call it with their own config and clock.
import { once } from 'node:events';
import type { Server } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { createRunbookCatalog } from './catalog/runbook-catalog.js';
import type { Config } from './config/config.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createRunQueries } from './db/queries.js';
import { createQueueRepository } from './db/queue.repository.js';
import { loadDirectory } from './directory/load-directory.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { serveMetrics, wireMetrics } from './metrics/wire-metrics.js';
import { pumpHandOffs } from './pagerduty/hand-offs.js';
import { startPagerDuty } from './pagerduty/start-pagerduty.js';
import { type Clock, systemClock, systemTimer, type Timer } from './shared/clock.js';
import { createSlackApp } from './slack/app.js';
import { createBotIdentity } from './slack/bot-identity.js';
import type { SlackContext } from './slack/context.js';
import { HTTP_SERVER_OPTIONS, limitServer } from './slack/http-limits.js';
import { deriveMetadataKey } from './slack/listeners/views/modal-origin.js';
import { DEFAULT_TIMING, type WriterTiming } from './slack/outbound/slack-writer.js';
import { createPeopleResolver } from './slack/people/resolve-people.js';
import { stopReceiver } from './slack/stop-receiver.js';
import { rememberDm } from './slack/sync/carry-effects/close-pages.js';
import { createCarryEffects } from './slack/sync/carry-effects/index.js';
import { queueBehind } from './slack/sync/carry-effects/queue-offer.js';
import { createOutbound } from './slack/sync/create-outbound.js';
import { type ExpectedMessage, loadExpectedMessages } from './slack/sync/expected-messages.js';
import { createRunDeps } from './usecases/deps.js';
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
  // What start-up opened, closed in reverse when a stop signal aborts it (checked between the phases).
  const opened: (() => unknown)[] = [];
  const checkpoint = async () => {
    if (!options.signal?.aborted) return;
    for (const close of opened.reverse()) await close();
    throw new StartAborted();
  };
  await checkpoint();
  const database = await openDatabase(config.database);
  opened.push(() => database.close());
  await checkpoint();
  await migrateDatabase(database);
  await checkpoint();
  const directoryResult = await loadDirectory(config.directoryFile, { optional: config.directoryOptional });
  if (!directoryResult.ok) {
    await database.close();
    throw new Error(`directory file: ${directoryResult.errors.join('; ')}`);
  }
  const directory = directoryResult.directory;
  const runDeps = createRunDeps(database.db, clock);
  const catalog = createRunbookCatalog(config.runbooksDir, {
    onParse: metrics.observeParse,
    ...(config.parseTimeLimitMs ? { parseTimeLimitMs: config.parseTimeLimitMs } : {}),
  });
  opened.push(() => catalog.close());
  const pagerDuty = startPagerDuty(config, directory, { db: database.db, clock, logger, runs: runDeps.runs });
  const runQueue = createQueueRepository(database.db);
  const viewExtras = (loaded: Parameters<typeof queueBehind>[1]) => queueBehind(runQueue, loaded);
  // The carriers post through the writer, which exists only once the output path does.
  let carry: ReturnType<typeof createCarryEffects> | undefined;
  const outbound = createOutbound({
    config,
    db: database.db,
    logger,
    clock,
    timer: options.timer ?? systemTimer,
    timing: options.timing ?? {
      ...DEFAULT_TIMING,
      updatesPerMinute: config.slack.updatesPerMinute ?? DEFAULT_TIMING.updatesPerMinute,
    },
    metrics,
    ...(options.workerId ? { workerId: options.workerId } : {}),
    rememberDm: rememberDm(database.db),
    carry: (loaded, effect, parent) => (carry ? carry(loaded, effect, parent) : Promise.resolve(false)),
    viewExtras,
  });
  carry = createCarryEffects({
    runDeps,
    catalog,
    writer: outbound.writer,
    logger,
    queue: runQueue,
    clock,
  });
  wireMetrics(metrics, database.db, clock, outbound.client);
  const { queue } = outbound;
  const identity = createBotIdentity(outbound.client, config.slack, logger);
  opened.push(() => identity.stop());
  const ctx: SlackContext = {
    runDeps,
    catalog,
    queries: createRunQueries(database.db),
    writer: outbound.writer,
    people: createPeopleResolver(outbound.writer, () => directory),
    directory: () => directory,
    logger,
    metrics,
    feedback: outbound.feedback,
    metadataKey: deriveMetadataKey(config.slack.signingSecret),
    limits: config.limits ?? null,
    kick: queue.kick,
  };
  const health = async () => {
    try {
      await database.db.execute(sql`select 1`);
      return true;
    } catch {
      return false;
    }
  };
  const served = await serveMetrics(metrics, config.metrics);
  opened.push(() => served.server?.close());
  const { app } = createSlackApp({
    config,
    logger,
    ctx,
    health,
    track: queue.track,
    authorize: identity.authorize,
    routes: served.routes,
  });
  const worker = createBackgroundWorker({
    runDeps,
    logger,
    queue,
    pollMs: options.pollMs ?? 1000,
    expireOffers: () => runQueue.expireOffers(clock.now()),
    // Without PagerDuty, rollback moments are still taken off the list (so turning it on later
    // never pages for old runs).
    flushPagerDuty: pagerDuty
      ? () => pagerDuty.flush()
      : () => pumpHandOffs({ db: database.db, clock, runs: runDeps.runs, directory: () => directory }),
  });
  // Start-up does not depend on Slack: it waits for auth.test a short while at most (or a stop).
  const waited = options.signal ? [once(options.signal, 'abort')] : [];
  await Promise.race([identity.ready, delay(3000, undefined, { ref: false }), ...waited]);
  await checkpoint();
  const listen = config.host ? { port: config.port, host: config.host } : config.port;
  const started = config.slack.appToken
    ? await app.start(listen)
    : await app.start(listen, HTTP_SERVER_OPTIONS);
  const httpServer = config.slack.appToken ? null : (started as Server);
  if (httpServer) limitServer(httpServer);
  opened.push(() => stopReceiver(app, httpServer, logger, 0));
  await checkpoint();
  const port = httpServer ? (httpServer.address() as { port: number }).port : config.port;
  // Catch up: every active run's messages are compared with the committed state, all runs at once,
  // through the per-run queue (a click meanwhile does not sync the run a second time in parallel).
  queue.catchUp((await ctx.queries.activeAll()).map((run) => run.id));
  worker.start();
  logger.info(
    {
      port,
      socketMode: Boolean(config.slack.appToken),
      database: 'url' in config.database ? 'postgres' : 'pglite',
    },
    'deploybot is up',
  );
  return {
    port,
    metrics,
    metricsPort: served.server?.port ?? null,
    async tick() {
      // A pass, and the Slack writes its rounds handed on (a round does not wait for them).
      await worker.tick();
      await queue.idle();
    },
    expectedMessages: () => loadExpectedMessages(database.db, clock.now(), viewExtras),
    async idle() {
      // Listener work starts kicks, kicks may finish after: wait until nothing is left.
      await queue.idle();
      await worker.tick();
      await queue.idle();
    },
    async stop() {
      identity.stop();
      await stopReceiver(app, httpServer, logger, options.requestGraceMs);
      await served.server?.close();
      await worker.stop();
      // Unfinished Slack work is safe in the outbox (its short lease lapses for the next process):
      // wait a bounded time, as container stops give a grace period, not forever.
      await queue.drain(options.stopTimeoutMs ?? 10_000);
      await catalog.close();
      await database.close();
      logger.info('deploybot stopped');
    },
  };
}
