// The queue's buttons: **Queue behind it** (on the private answer to a locked start), **Start now**
// and **Leave the queue** (on the offer). Only the person who queued may use them.
import { formatTime } from '../../../shared/format-time.js';
import * as queue from '../../../usecases/queue.js';
import { queuedText, readQueueValue, toQueuedStart } from '../../blocks/queue-blocks.js';
import type { SlackContext } from '../../context.js';
import { cancelQueued } from '../commands/queue-texts.js';
import { startRequest } from '../commands/start-request.js';
import type { ButtonArgs } from './run-actions.js';

type Act = (ctx: SlackContext, id: number, userId: string) => Promise<{ text: string; replace: boolean }>;

/** A listener for one of the queue's buttons. */
export function createQueueHandler(ctx: SlackContext, act: Act) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const answer = (text: string, replace: boolean) =>
      respond({ response_type: 'ephemeral', replace_original: replace, text }).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not answer a click'),
      );
    const id = readQueueValue(action.value);
    if (id === null)
      return void (await answer('This button is not one of mine any more; nothing was changed.', false));
    try {
      const { text, replace } = await act(ctx, id, body.user.id);
      await answer(text, replace);
    } catch (err) {
      ctx.logger.error({ err, entry: id }, 'queue click failed');
      await answer('Something went wrong on our side; nothing was changed. Try again in a moment.', false);
    }
  };
}

/** **Queue behind it**: the proposed entry joins the queue. */
export const joinQueue: Act = async (ctx, id, userId) => {
  const joined = await queue.joinQueue(ctx.runDeps, id, userId);
  if (!joined.ok)
    return { text: 'This start is no longer waiting to be queued; nothing was changed.', replace: false };
  if (joined.joined && joined.row.behindRunId) ctx.kick(joined.row.behindRunId);
  return { text: queuedText(toQueuedStart(joined.row), joined.position), replace: true };
};

/** **Start now**: the offer's starter starts the queued run (one click wins). */
export const startQueued: Act = async (ctx, id, userId) => {
  const claimed = await queue.claimQueuedStart(ctx.runDeps, id, userId);
  if (!claimed.ok) return { text: claimRefused(claimed.why), replace: false };
  const { entry } = claimed;
  const started = await startRequest(ctx, {
    runbook: entry.runbookName,
    params: entry.params,
    environment: entry.environment,
    rehearsal: entry.rehearsal,
    channelId: entry.channelId,
    userId,
    fromQueue: entry.id,
  });
  const finished = await queue.finishQueuedStart(ctx.runDeps, entry.id, started.runId ?? null);
  // The offer is a channel message: the clicker is answered privately, and the offer itself is
  // edited for everyone (without its buttons) by the run that released the lock.
  if (finished?.releasedByRunId) ctx.kick(finished.releasedByRunId);
  return { text: started.text, replace: false };
};

function claimRefused(why: queue.ClaimRefusal): string {
  if (why === 'not_yours') return 'Only the person who queued this run can start it.';
  if (why === 'started') return 'This queued run has already started.';
  if (why === 'starting')
    return 'This queued run is being started (a click before this one); nothing more was started.';
  const until = why.expired ? ` at ${formatTime(why.expired)}` : '';
  return `This offer expired${until} or was withdrawn; nothing was started.`;
}

/** **Leave the queue**. */
export const leaveQueue: Act = async (ctx, id, userId) => {
  // Answered privately; the offer in the channel is edited for everyone (see startQueued).
  return { text: await cancelQueued(ctx, id, userId), replace: false };
};
