// The composition root: the only place that reads process.env. `npm start` runs it.
import { ConfigError, loadConfig } from './config/config.js';
import { isPlayground, loadPlaygroundConfig } from './config/playground-config.js';
import { createMetrics } from './metrics/metrics.js';
import { runPlayground } from './playground/run-playground.js';
import { startBot } from './server.js';
import { createLogger } from './shared/logger.js';

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
  const code = await runPlayground(pc, {
    err: (line) => process.stderr.write(`${line}\n`),
    onSignal: (signal, stop) => process.on(signal, stop),
    exit: (c) => process.exit(c),
  });
  if (code !== null) process.exit(code);
}

/** The longest a stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 25_000;

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
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot(config, logger, { metrics });
  } catch (error) {
    logger.fatal({ err: error }, 'deploybot could not start');
    process.stderr.write(`deploybot: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: no new requests, finishing what is in flight');
    // bot.stop() bounds each part (requests 5 s, Slack work 10 s); this bounds the whole, under the
    // 30 s a container stop gives by default, whatever a part waits on.
    setTimeout(() => {
      logger.error(
        { deadlineMs: STOP_DEADLINE_MS },
        'stop took too long: exiting (Slack work stays in the outbox)',
      );
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    bot.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
