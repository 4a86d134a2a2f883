// The Slack transport of a process: the Web API client, the writer that spaces and retries its
// calls, and the workspace's shared chat.update budget. It knows Slack's limits, not runs.
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import { systemTimer, type Timer } from '../../shared/clock.js';
import { toSlackLogger } from '../../shared/logger.js';
import { createSlackWriter, DEFAULT_TIMING, type WriterTiming } from './slack-writer.js';
import { type BudgetStore, createUpdateBudget } from './update-budget.js';

/** The options of the Web API client (also Bolt's, so both behave alike). */
export function slackClientOptions(config: Config, logger: Logger) {
  return {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    retryConfig: { retries: 1, factor: 2, minTimeout: 200, maxTimeout: 1000 },
    logger: toSlackLogger(logger),
  };
}

/**
 * Creates the transport; the budget's tokens are kept in `budgetStore` (shared by replicas). The
 * timing is the default one with the configured update budget, unless a test gives its own.
 */
export function createTransport(input: {
  config: Config;
  logger: Logger;
  timing?: WriterTiming | undefined;
  /** Real time for the calls' gaps, back-off and budget (tests move it by hand). */
  timer?: Timer | undefined;
  budgetStore: BudgetStore;
}) {
  const { config, logger } = input;
  const timing = input.timing ?? {
    ...DEFAULT_TIMING,
    updatesPerMinute: config.slack.updatesPerMinute ?? DEFAULT_TIMING.updatesPerMinute,
  };
  // The writer retries itself, spaced per method: a client retry inside each attempt would double
  // the calls to a failing Slack.
  const client = new WebClient(config.slack.botToken, {
    ...slackClientOptions(config, logger),
    retryConfig: { retries: 0 },
  });
  const timer = input.timer ?? systemTimer;
  const writer = createSlackWriter(client, logger.child({ component: 'slack-writer' }), timing, timer);
  const perMinute = timing.updatesPerMinute;
  const budget = createUpdateBudget({ store: input.budgetStore, perMinute, logger, timer });
  return { client, writer, budget, timing, timer };
}

/** The transport's type. */
export type Transport = ReturnType<typeof createTransport>;
