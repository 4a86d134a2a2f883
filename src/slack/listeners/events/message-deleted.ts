// A message was deleted in a channel the bot is in (the `message.channels` / `message.groups`
// subscriptions): when it was one of a run's messages, it is posted again at once — a phase in its
// thread, a parent as a new parent that says it replaces the deleted one — instead of at the run's
// next change. Slack may deliver an event twice: a second delivery finds nothing stored at that ts.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackContext } from '../../context.js';

type Args = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** Listens to message events and acts on `message_deleted` only. */
export function createMessageDeleted(ctx: SlackContext) {
  return async ({ event }: Args): Promise<void> => {
    if (event.subtype !== 'message_deleted') return;
    const { channel, deleted_ts: ts } = event as { channel: string; deleted_ts?: string };
    if (typeof channel !== 'string' || typeof ts !== 'string') return;
    try {
      await ctx.messageDeleted(channel, ts);
    } catch (err) {
      // The next change of the run finds the message gone all the same (message_not_found).
      ctx.logger.warn({ err, channel, ts }, 'could not act on a deleted message; the next change will');
    }
  };
}
