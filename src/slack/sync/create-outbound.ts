// Builds the Slack output path of a process: the Web API client and writer, the shared update
// budget, the per-message writes, the run queue and the click feedback.
import { randomUUID } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/client.js';
import { createOutboxRepository } from '../../db/outbox.repository.js';
import { createRunsRepository, type LoadedRun } from '../../db/runs.repository.js';
import { createSlackMessagesRepository } from '../../db/slack-messages.repository.js';
import { countPages } from '../../metrics/instrument.js';
import type { Metrics } from '../../metrics/metrics.js';
import { type Clock, systemTimer, type Timer } from '../../shared/clock.js';
import { toSlackLogger } from '../../shared/logger.js';
import { createSlackWriter, type WriterTiming } from '../outbound/slack-writer.js';
import type { CarryEffect } from './carry-effects/index.js';
import { createClickFeedback } from './click-feedback.js';
import { createMessageWrites } from './message-writes.js';
import { createRenderMemo, type ViewExtras } from './render-run.js';
import { createRunQueue } from './run-queue.js';
import { createDmSender } from './send-dm.js';
import { createUpdateBudget } from './update-budget.js';

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

/** Creates the output path over a database. */
export function createOutbound(input: {
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
  /** Real time for the Slack calls' gaps, back-off and budget (tests move it by hand). */
  timer?: Timer;
  timing: WriterTiming;
  metrics: Metrics;
  workerId?: string;
  /** Stores where each escalation DM went (so an acknowledgement can edit them all). */
  rememberDm?: Parameters<typeof createDmSender>[1];
  /** Carries out the effects sync does not know itself (reports, queue offers, pages, PagerDuty). */
  carry?: CarryEffect;
  /** What the messages show besides the run's state (the queue behind it). */
  viewExtras?: (loaded: LoadedRun) => Promise<ViewExtras>;
}) {
  const { config, db, logger, clock } = input;
  const timer = input.timer ?? systemTimer;
  // The writer retries itself, spaced per method: a client retry inside each attempt would double
  // the calls to a failing Slack.
  const client = new WebClient(config.slack.botToken, {
    ...slackClientOptions(config, logger),
    retryConfig: { retries: 0 },
  });
  const writer = createSlackWriter(client, logger.child({ component: 'slack-writer' }), input.timing, timer);
  const messages = createSlackMessagesRepository(db);
  const budget = createUpdateBudget({ db, perMinute: input.timing.updatesPerMinute, logger, timer });
  const renders = createRenderMemo();
  let kickAgain: (runId: string) => void = () => undefined;
  const writes = createMessageWrites({
    writer,
    budget,
    messages,
    logger,
    clock,
    timer,
    gapMs: input.timing.updateIntervalMs,
    onOvertaken: (runId) => kickAgain(runId),
  });
  const queue = createRunQueue({
    db,
    runs: createRunsRepository(),
    outbox: createOutboxRepository(db),
    messages,
    writer,
    writes,
    logger,
    clock,
    workerId: input.workerId ?? randomUUID(),
    sendDm: countPages(createDmSender(writer, input.rememberDm), input.metrics),
    renders,
    ...(input.carry ? { carry: input.carry } : {}),
    ...(input.viewExtras ? { viewExtras: input.viewExtras } : {}),
  });
  kickAgain = (runId) => queue.catchUp([runId]);
  const feedback = createClickFeedback({
    messages,
    writes,
    writer,
    clock,
    logger,
    renders,
    ...(input.viewExtras ? { viewExtras: input.viewExtras } : {}),
  });
  return { client, writer, budget, writes, queue, feedback };
}

/** The output path's type. */
export type Outbound = ReturnType<typeof createOutbound>;
