// `/deploy cancel q…` and the queue part of `/deploy status`.
import { leaveQueue, queuedInChannel } from '../../../usecases/queue.js';
import { queueName, queueStatusLines, toQueuedStart } from '../../blocks/queue-blocks.js';
import type { SlackContext } from '../../context.js';

/** Leaves the queue (its starter only); the holder's parent message and the next offer follow. */
export async function cancelQueued(ctx: SlackContext, id: number, userId: string): Promise<string> {
  const left = await leaveQueue(ctx.runDeps, id, userId);
  if (!left.ok) {
    const { found } = left;
    if (!found || found.status === 'proposed') return `No queued run \`${queueName(id)}\`.`;
    if (found.starterId !== userId)
      return `Only <@${found.starterId}>, who queued it, can cancel \`${queueName(id)}\`.`;
    return `\`${queueName(id)}\` is no longer queued (${found.status}).`;
  }
  const { row } = left;
  for (const runId of [row.behindRunId, row.releasedByRunId]) if (runId) ctx.kick(runId);
  return `Left the queue: \`${queueName(id)}\` (${row.runbookName} in ${row.environment}) is cancelled.`;
}

/** Lines for the starts queued from a channel. */
export async function queueStatus(ctx: SlackContext, channelId: string): Promise<string[]> {
  const queued = await queuedInChannel(ctx.runDeps, channelId);
  return queueStatusLines(queued.map(({ entry, position }) => ({ ...toQueuedStart(entry), position })));
}
