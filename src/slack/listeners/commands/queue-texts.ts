// `/deploy cancel q…` and the queue part of `/deploy status`.
import { queueName, queueStatusLines } from '../../blocks/queue-blocks.js';
import type { SlackContext } from '../../context.js';
import { toQueuedStart } from '../../sync/carry-effects/queue-offer.js';

/** Leaves the queue (its starter only); the holder's parent message and the next offer follow. */
export async function cancelQueued(ctx: SlackContext, id: number, userId: string): Promise<string> {
  const queue = ctx.runDeps.store.queue;
  const row = await queue.cancel(id, userId, ctx.runDeps.clock.now());
  if (!row) {
    const found = await queue.find(id);
    if (!found || found.status === 'proposed') return `No queued run \`${queueName(id)}\`.`;
    if (found.starterId !== userId)
      return `Only <@${found.starterId}>, who queued it, can cancel \`${queueName(id)}\`.`;
    return `\`${queueName(id)}\` is no longer queued (${found.status}).`;
  }
  for (const runId of [row.behindRunId, row.releasedByRunId]) if (runId) ctx.kick(runId);
  return `Left the queue: \`${queueName(id)}\` (${row.runbookName} in ${row.environment}) is cancelled.`;
}

/** Lines for the starts queued from a channel. */
export async function queueStatus(ctx: SlackContext, channelId: string): Promise<string[]> {
  const queue = ctx.runDeps.store.queue;
  const entries = await queue.inChannel(channelId);
  const withPositions = await Promise.all(
    entries.map(async (e) => {
      const line = await queue.queued(e.runbookName, e.environment);
      return { ...toQueuedStart(e), position: line.findIndex((q) => q.id === e.id) + 1 };
    }),
  );
  return queueStatusLines(withPositions);
}
