// App Home: the person's active and recent runs, published when they open the tab (Slack may deliver
// the event more than once: publishing again is harmless).
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import { publishHome } from '../../home/publish-home.js';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Publishes the Home tab of whoever opened it. */
export function createAppHomeOpened(ctx: SlackContext) {
  return async ({ event }: Args): Promise<void> => {
    if (event.tab && event.tab !== 'home') return;
    try {
      // From now on the person's Home follows their runs' status changes.
      await ctx.runDeps.store.homeViewers.opened(event.user, ctx.runDeps.clock.now().toISOString());
      await publishHome({ store: ctx.runDeps.store, writer: ctx.writer }, event.user);
    } catch (err) {
      ctx.logger.error({ err }, 'could not publish the Home tab');
    }
  };
}
