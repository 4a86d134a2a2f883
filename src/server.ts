// Wires the bot together from a Config: database, runbooks, directory, Slack, background worker.
// src/main.ts calls it with the process environment; tests call it with their own config and clock.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebClient } from '@slack/web-api';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { createRunbookCatalog } from './catalog/runbook-catalog.js';
import type { Config } from './config/config.js';
import { openDatabase } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createOutboxRepository } from './db/outbox.repository.js';
import { createRunQueries } from './db/queries.js';
import { createQueueRepository } from './db/queue.repository.js';
import { runbookSnapshotsTable } from './db/schema.js';
import { createSlackMessagesRepository } from './db/slack-messages.repository.js';
import { loadDirectory } from './directory/load-directory.js';
import { pumpHandOffs } from './pagerduty/hand-offs.js';
import { startPagerDuty } from './pagerduty/start-pagerduty.js';
import { type Clock, systemClock } from './shared/clock.js';
import { toSlackLogger } from './shared/logger.js';
import { createSlackApp } from './slack/app.js';
import type { SlackContext } from './slack/context.js';
import { createSlackWriter, DEFAULT_TIMING, type WriterTiming } from './slack/outbound/slack-writer.js';
import { createPeopleResolver } from './slack/people/resolve-people.js';
import { renderers } from './slack/render.js';
import { rememberDm } from './slack/sync/carry-effects/close-pages.js';
import { createCarryEffects } from './slack/sync/carry-effects/index.js';
import { queueBehind } from './slack/sync/carry-effects/queue-offer.js';
import { createDmSender } from './slack/sync/send-dm.js';
import { type SyncDeps, syncRun } from './slack/sync/sync-run.js';
import { createRunDeps } from './usecases/deps.js';
import { createBackgroundWorker } from './worker/background-worker.js';

/** Knobs tests turn; production uses the defaults. */
export interface ServerOptions {
  clock?: Clock;
  timing?: WriterTiming;
  pollMs?: number;
  workerId?: string;
  /** How long a stop waits for in-flight Slack work (the rest stays in the outbox for the next process). */
  stopTimeoutMs?: number;
}

/** A running bot. */
export interface Bot {
  port: number;
  /** Stops taking requests, finishes what is in flight, closes the database. */
  stop(): Promise<void>;
  /** One pass of the background loop (timers and pending Slack work). */
  tick(): Promise<void>;
  /** Waits until the Slack work started so far is done (for tests and graceful stops). */
  idle(): Promise<void>;
}

/** Starts the bot. Throws (with a clear message) when the database or the directory file is unusable. */
export async function startBot(config: Config, logger: Logger, options: ServerOptions = {}): Promise<Bot> {
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config.database);
  await migrateDatabase(database);
  const directoryResult = await loadDirectory(config.directoryFile, { optional: config.directoryOptional });
  if (!directoryResult.ok) {
    await database.close();
    throw new Error(`directory file: ${directoryResult.errors.join('; ')}`);
  }
  const directory = directoryResult.directory;
  const runDeps = createRunDeps(database.db, clock);
  const outbox = createOutboxRepository(database.db);
  const client = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    logger: toSlackLogger(logger),
  });
  const writer = createSlackWriter(
    client,
    logger.child({ component: 'slack-writer' }),
    options.timing ?? DEFAULT_TIMING,
  );
  const people = createPeopleResolver(writer, () => directory);
  const catalog = createRunbookCatalog(config.runbooksDir);
  const pagerDuty = startPagerDuty(config, directory, { db: database.db, clock, logger, runs: runDeps.runs });
  const queue = createQueueRepository(database.db);
  const syncDeps: SyncDeps = {
    db: database.db,
    runs: runDeps.runs,
    outbox,
    messages: createSlackMessagesRepository(database.db),
    writer,
    logger,
    clock,
    workerId: options.workerId ?? randomUUID(),
    render: renderers,
    sendDm: createDmSender(writer, rememberDm(database.db)),
    carry: createCarryEffects({ runDeps, catalog, writer, logger, queue, clock }),
    viewExtras: (loaded) => queueBehind(queue, loaded),
    snapshotInfo: async (loaded) => {
      const [row] = await database.db
        .select({
          contentHash: runbookSnapshotsTable.contentHash,
          gitCommit: runbookSnapshotsTable.gitCommit,
        })
        .from(runbookSnapshotsTable)
        .where(eq(runbookSnapshotsTable.id, loaded.meta.snapshotId));
      return row ?? { contentHash: '', gitCommit: null };
    },
  };
  // One sync per run at a time in this process (claims keep other processes out): a kick while one
  // runs asks it to go round once more, so no click waits and no effect is carried out twice.
  const syncing = new Map<string, { again: boolean; refresh: boolean; done: Promise<void> }>();
  const sync = (runId: string, refresh = false): Promise<void> => {
    const current = syncing.get(runId);
    if (current) {
      current.again = true;
      current.refresh ||= refresh;
      return current.done;
    }
    const entry = { again: false, refresh, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          const options = { refresh: entry.refresh };
          entry.again = false;
          entry.refresh = false;
          await syncRun(syncDeps, runId, options);
        } while (entry.again);
      } finally {
        syncing.delete(runId);
      }
    })();
    syncing.set(runId, entry);
    return entry.done;
  };
  const inFlight = new Set<Promise<void>>();
  const ctx: SlackContext = {
    runDeps,
    catalog,
    queries: createRunQueries(database.db),
    writer,
    people,
    directory: () => directory,
    logger,
    kick(runId) {
      const p = sync(runId).catch((err: unknown) => logger.error({ err, runId }, 'sync failed'));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  };
  const health = async () => {
    try {
      await database.db.execute(sql`select 1`);
      return true;
    } catch {
      return false;
    }
  };
  const track = (work: Promise<unknown>) => {
    const p = work.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const { app } = createSlackApp({ config, logger, ctx, health, track });
  const worker = createBackgroundWorker({
    runDeps,
    outbox,
    logger,
    sync,
    pollMs: options.pollMs ?? 1000,
    expireOffers: () => queue.expireOffers(clock.now()),
    // Without PagerDuty, rollback moments are still taken off the list (so turning it on later
    // never pages for old runs).
    flushPagerDuty: pagerDuty
      ? () => pagerDuty.flush()
      : () => pumpHandOffs({ db: database.db, clock, runs: runDeps.runs, directory: () => directory }),
  });
  const started = await app.start(config.port);
  const port = config.slack.appToken ? config.port : ((started as Server).address() as { port: number }).port;
  // Catch up: messages whose last render did not reach Slack before a restart are brought up to date.
  // Through the same per-run serialisation as clicks: a click during catch-up must not sync the
  // run a second time in parallel (both would claim the same outbox items under one worker id).
  for (const run of await ctx.queries.activeAll()) {
    await sync(run.id, true).catch((err: unknown) => logger.warn({ err, runId: run.id }, 'catch-up failed'));
  }
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
    tick: worker.tick,
    async idle() {
      // Listener work starts kicks, kicks may finish after: wait until nothing is left.
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await worker.tick();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      await app.stop();
      await worker.stop();
      // Unfinished Slack work is safe in the outbox (its lease expires for the next process): wait a
      // bounded time, as container stops give a grace period, not forever.
      const deadline = Date.now() + (options.stopTimeoutMs ?? 10_000);
      while (inFlight.size && Date.now() < deadline) {
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
        ]);
      }
      await database.close();
      logger.info('deploybot stopped');
    },
  };
}
