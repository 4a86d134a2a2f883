// The queue's buttons: **Queue behind it** (on the private answer to a locked start), **Start now**
// and **Leave the queue** (on the offer). Only the person who queued may use them.
import { createQueueRepository } from '../../../db/queue.repository.js';
import { formatTime } from '../../../shared/format-time.js';
import { queuedText, readQueueValue } from '../../blocks/queue-blocks.js';
import type { SlackContext } from '../../context.js';
import { toQueuedStart } from '../../sync/carry-effects/queue-offer.js';
import { cancelQueued } from '../commands/queue-texts.js';
import { positionOf, startRequest } from '../commands/start-request.js';
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
  const queue = createQueueRepository(ctx.runDeps.db);
  const row = await queue.confirm(id, userId, ctx.runDeps.clock.now());
  if (!row) {
    const found = await queue.find(id);
    if (found && found.starterId === userId && found.status === 'waiting') {
      return { text: queuedText(toQueuedStart(found), await positionOf(ctx, found)), replace: true };
    }
    return { text: 'This start is no longer waiting to be queued; nothing was changed.', replace: false };
  }
  if (row.behindRunId) ctx.kick(row.behindRunId);
  return { text: queuedText(toQueuedStart(row), await positionOf(ctx, row)), replace: true };
};

/** **Start now**: the offer's starter starts the queued run (one click wins). */
export const startQueued: Act = async (ctx, id, userId) => {
  const queue = createQueueRepository(ctx.runDeps.db);
  const now = ctx.runDeps.clock.now();
  const claimed = await queue.claimStart(id, userId, now);
  if (!claimed) {
    const found = await queue.find(id);
    if (!found || found.starterId !== userId)
      return { text: 'Only the person who queued this run can start it.', replace: false };
    if (found.status === 'started') return { text: 'This queued run has already started.', replace: false };
    if (found.status === 'starting')
      return {
        text: 'This queued run is being started (a click before this one); nothing more was started.',
        replace: false,
      };
    const until = found.offerExpiresAt
      ? ` at ${formatTime(new Date(found.offerExpiresAt).toISOString())}`
      : '';
    return { text: `This offer expired${until} or was withdrawn; nothing was started.`, replace: false };
  }
  const started = await startRequest(ctx, {
    runbook: claimed.runbookName,
    params: claimed.params,
    environment: claimed.environment,
    rehearsal: claimed.rehearsal,
    channelId: claimed.channelId,
    userId,
    fromQueue: claimed.id,
  });
  const finished = await queue.finishStart(claimed.id, started.runId ?? null, ctx.runDeps.clock.now());
  // The offer is a channel message: the clicker is answered privately, and the offer itself is
  // edited for everyone (without its buttons) by the run that released the lock.
  if (finished?.releasedByRunId) ctx.kick(finished.releasedByRunId);
  return { text: started.text, replace: false };
};

/** **Leave the queue**. */
export const leaveQueue: Act = async (ctx, id, userId) => {
  // Answered privately; the offer in the channel is edited for everyone (see startQueued).
  return { text: await cancelQueued(ctx, id, userId), replace: false };
};
