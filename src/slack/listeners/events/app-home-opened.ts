// App Home: the person's active and recent runs, published when they open the tab (Slack may deliver
// the event more than once: publishing again is harmless).
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { RunListing } from '../../../db/queries.js';
import { ACTIVE_STATUSES, type RunStatus } from '../../../runs/index.js';
import { buildHomeView, type RunSummary } from '../../blocks/index.js';
import type { SlackContext } from '../../context.js';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

function toSummary(run: RunListing): RunSummary {
  return {
    runId: run.id,
    runbookName: run.runbookName,
    title: run.runbookName,
    status: run.status as RunStatus,
    done: run.done,
    total: run.total,
    channelId: run.channelId,
    permalink: run.parentTs
      ? `https://slack.com/app_redirect?channel=${run.channelId}&message_ts=${run.parentTs}`
      : null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** Publishes the Home tab of whoever opened it. */
export function createAppHomeOpened(ctx: SlackContext) {
  return async ({ event }: Args): Promise<void> => {
    if (event.tab && event.tab !== 'home') return;
    try {
      const runs = (await ctx.queries.forUser(event.user, 40)).map(toSummary);
      const active = runs.filter((r) => ACTIVE_STATUSES.includes(r.status));
      const recent = runs.filter((r) => !ACTIVE_STATUSES.includes(r.status));
      await ctx.writer.publishHome(event.user, buildHomeView({ userId: event.user, active, recent }));
    } catch (err) {
      ctx.logger.error({ err }, 'could not publish the Home tab');
    }
  };
}
