// The composition root: the only place that reads process.env. `npm start` runs it.
// First the Node.js check and the stop signals' handlers (runtime/early-start.ts); the bot's modules
// are imported only then, dynamically, since loading them takes seconds. (A bare import is never
// reordered, and runs the module before the imports below it.)
import './runtime/early-start.js';
import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import { ConfigError, loadConfig } from './config/config.js';
import { isPlayground, loadPlaygroundConfig } from './config/playground-config.js';
import { onStopSignal } from './runtime/early-start.js';

/** The longest a stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 25_000;

/** No Slack app configured and not production: the playground (embedded Slack and a page). */
async function playground(): Promise<void> {
  let pc: ReturnType<typeof loadPlaygroundConfig>;
  try {
    pc = loadPlaygroundConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`deploybot: ${problem}\n`);
    process.exit(1);
  }
  const { runPlayground } = await import('./playground/run-playground.js');
  const code = await runPlayground(pc, {
    err: (line) => process.stderr.write(`${line}\n`),
    onSignal: (_signal, stop) => onStopSignal(stop),
    exit: (c) => process.exit(c),
  });
  if (code !== null) process.exit(code);
}

async function main(): Promise<void> {
  if (isPlayground(process.env)) return playground();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`deploybot: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Loading modules holds the event loop, and a signal is handled only when the loop turns (a resolved
  // import() is a microtask, which does not turn it): the largest dependencies load one at a time with
  // a turn of the loop after each, so that a stop meanwhile is handled within about a second.
  for (const heavy of ['@slack/bolt', 'drizzle-orm', 'drizzle-orm/pg-core', '@electric-sql/pglite']) {
    await import(heavy);
    await turnOfTheLoop();
  }
  const { createLogger } = await import('./shared/logger.js');
  const { createMetrics } = await import('./metrics/metrics.js');
  const { StartAborted, startBot } = await import('./server.js');
  await turnOfTheLoop();
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  // Nothing a request carries may stop the process: an unhandled rejection or an exception thrown
  // from a request's work is logged and counted, never fatal (the database keeps every run's state).
  process.on('unhandledRejection', (reason) => {
    metrics.unhandled('rejection');
    logger.error({ err: reason }, 'unhandled promise rejection (the bot keeps running)');
  });
  process.on('uncaughtException', (error) => {
    metrics.unhandled('exception');
    logger.error({ err: error }, 'uncaught exception (the bot keeps running)');
  });
  // A stop during start-up aborts it (startBot closes what it opened); once up, bot.stop() bounds each
  // part (requests 5 s, Slack work 10 s) and the deadline bounds the whole. `docker stop` waits 10 s by
  // default: the Dockerfile and docker-compose.yml ask for 30 s.
  const starting = new AbortController();
  let bot: Awaited<ReturnType<typeof startBot>> | null = null;
  let stopping = false;
  onStopSignal((signal) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: no new requests, finishing what is in flight');
    setTimeout(() => {
      logger.error(
        { deadlineMs: STOP_DEADLINE_MS },
        'stop took too long: exiting (Slack work stays in the outbox)',
      );
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    if (!bot) return starting.abort(signal);
    bot.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  });
  try {
    bot = await startBot(config, logger, { metrics, signal: starting.signal });
  } catch (error) {
    if (error instanceof StartAborted) {
      logger.info('stopped during start-up');
      process.exit(0);
    }
    logger.fatal({ err: error }, 'deploybot could not start');
    process.stderr.write(`deploybot: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main();
