// The Bolt app: HTTP receiver (signatures always verified) with /healthz, or Socket Mode, and
// every listener registered by surface.
import { App, type CustomRoute, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { timeSocketModeAcks } from '../metrics/instrument.js';
import { toSlackLogger } from '../shared/logger.js';
import type { BotIdentity } from './bot-identity.js';
import type { SlackContext } from './context.js';
import { ACTIONS, VIEWS } from './ids.js';
import { guardReceiver } from './ingress-guard.js';
import { createRanItOpener, createRollbackOpener } from './listeners/actions/modal-actions.js';
import { createOwnerSelectHandler } from './listeners/actions/owner-action.js';
import { createQueueHandler, joinQueue, leaveQueue, startQueued } from './listeners/actions/queue-actions.js';
import { createReportHandler } from './listeners/actions/report-action.js';
import {
  abortCommand,
  acknowledgeCommand,
  approveCommand,
  createButtonHandler,
  stepCommands,
} from './listeners/actions/run-actions.js';
import { createDeployCommand } from './listeners/commands/deploy-command.js';
import { createAppHomeOpened } from './listeners/events/app-home-opened.js';
import { createMessageDeleted } from './listeners/events/message-deleted.js';
import { createRequestScope } from './listeners/request-scope.js';
import { createRanItSubmission, createRollbackSubmission } from './listeners/views/modal-submissions.js';
import { slackClientOptions } from './outbound/transport.js';

/** What the app needs besides the listeners' context. */
export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  ctx: SlackContext;
  /** Answers GET /healthz: is the database reachable? */
  health: () => Promise<boolean>;
  /** Told about every request's work, which goes on after the ack, so a stop can wait for it. */
  track: (work: Promise<unknown>) => void;
  /** The bot's identity for every request, asked once at start-up (never an auth.test per request). */
  authorize: () => Promise<BotIdentity>;
  /** More GET routes on the HTTP port (e.g. /metrics behind a token). */
  routes?: CustomRoute[];
}

/** Builds the Bolt app and its receiver. */
export function createSlackApp({
  config,
  logger,
  ctx,
  health,
  track,
  authorize,
  routes = [],
}: SlackAppOptions): {
  app: App;
  receiver: HTTPReceiver | SocketModeReceiver;
} {
  const slackLogger = toSlackLogger(logger);
  // Bolt's own client (listener `client`) behaves as the bot's writer does.
  const clientOptions = slackClientOptions(config, logger);
  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: (
      _req: unknown,
      res: { writeHead(s: number, h: Record<string, string>): void; end(b: string): void },
    ) => {
      void health().then(
        (ok) => {
          res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok, database: ok ? 'up' : 'down' }));
        },
        () => {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, database: 'down' }));
        },
      );
    },
  };
  const receiver = config.slack.appToken
    ? new SocketModeReceiver({
        appToken: config.slack.appToken,
        logger: slackLogger,
        customRoutes: [healthz, ...routes],
        // Only the API URL: Socket Mode keeps its own retries for apps.connections.open.
        installerOptions: {
          port: config.port,
          clientOptions: config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {},
        },
      })
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret,
        signatureVerification: true,
        logger: slackLogger,
        customRoutes: [healthz, ...routes],
        processBeforeResponse: false,
      });
  if (receiver instanceof HTTPReceiver) {
    guardReceiver(receiver, {
      signingSecret: config.slack.signingSecret,
      onRefused: ctx.metrics.refused,
      onAnswered: ctx.metrics.observeAck,
    });
  } else {
    timeSocketModeAcks(receiver.client, ctx.metrics);
  }
  const app = new App({
    authorize,
    receiver,
    logger: slackLogger,
    // Bolt sets this level on our logger: pass pino's, mapped to the four Bolt knows.
    logLevel: boltLevel(config.logLevel),
    clientOptions,
    convoStore: false,
  });
  app.use(async ({ next }) => {
    const work = next();
    track(work);
    await work;
  });
  app.use(
    createRequestScope({
      installedTeam: async () => (await authorize()).teamId,
      apiUrl: config.slack.apiUrl,
      logger,
      onRefused: ctx.metrics.refused,
    }),
  );
  register(app, ctx);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled Slack listener error');
  });
  return { app, receiver };
}

function boltLevel(level: Config['logLevel']): LogLevel {
  if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
  if (level === 'info') return LogLevel.INFO;
  if (level === 'warn') return LogLevel.WARN;
  return LogLevel.ERROR;
}

function register(app: App, ctx: SlackContext): void {
  app.command('/deploy', createDeployCommand(ctx));
  const button = (id: string, handler: ReturnType<typeof createButtonHandler>) =>
    app.action({ type: 'block_actions', action_id: id }, handler as never);
  button(ACTIONS.stepDone, createButtonHandler(ctx, stepCommands.done));
  button(ACTIONS.stepDoneEarly, createButtonHandler(ctx, stepCommands.doneEarly));
  button(ACTIONS.stepSkip, createButtonHandler(ctx, stepCommands.skip));
  button(ACTIONS.stepFail, createButtonHandler(ctx, stepCommands.fail));
  button(ACTIONS.stepUndo, createButtonHandler(ctx, stepCommands.undo));
  button(ACTIONS.stepStartWait, createButtonHandler(ctx, stepCommands.startWait));
  button(ACTIONS.approve, createButtonHandler(ctx, approveCommand));
  button(ACTIONS.abort, createButtonHandler(ctx, abortCommand));
  button(ACTIONS.acknowledge, createButtonHandler(ctx, acknowledgeCommand));
  button(
    ACTIONS.pageNext,
    createButtonHandler(ctx, async (_value, userId) => ({ type: 'page_next', userId })),
  );
  button(ACTIONS.report, createReportHandler(ctx));
  button(ACTIONS.reassignOwner, createOwnerSelectHandler(ctx) as never);
  button(ACTIONS.queueJoin, createQueueHandler(ctx, joinQueue));
  button(ACTIONS.queueStart, createQueueHandler(ctx, startQueued));
  button(ACTIONS.queueCancel, createQueueHandler(ctx, leaveQueue));
  button(ACTIONS.stepRanIt, createRanItOpener(ctx) as never);
  button(ACTIONS.startRollback, createRollbackOpener(ctx) as never);
  app.view(VIEWS.ranIt, createRanItSubmission(ctx));
  app.view(VIEWS.rollbackReason, createRollbackSubmission(ctx));
  app.event('app_home_opened', createAppHomeOpened(ctx));
  app.event('message', createMessageDeleted(ctx));
}
