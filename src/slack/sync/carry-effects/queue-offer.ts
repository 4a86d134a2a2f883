// The lock of a runbook and environment was released: offer it to the first start queued behind it,
// in the channel it was queued from. Once: the offer is claimed in the database before it is posted
// (two workers agree on one), and a claimed offer whose post did not go out is posted on the retry.
import type { QueueEntry, QueueRepository } from '../../../db/queue.repository.js';
import type { LoadedRun } from '../../../db/runs.repository.js';
import { ACTIVE_STATUSES } from '../../../runs/index.js';
import type { Clock } from '../../../shared/clock.js';
import { buildOfferMessage, OFFER_MINUTES, type QueuedStart } from '../../blocks/queue-blocks.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';

/** Posts the offer to the next in line, if there is one and nobody holds the lock. */
export async function offerQueue(
  deps: { queue: QueueRepository; writer: SlackWriter; clock: Clock },
  releasedBy: LoadedRun,
  where: { runbookName: string; environment: string },
): Promise<void> {
  const entry = await deps.queue.offerNext(
    where.runbookName,
    where.environment,
    releasedBy.meta.id,
    deps.clock.now(),
    OFFER_MINUTES,
  );
  if (!entry || entry.offerTs || entry.status !== 'offered') return;
  const posted = await deps.writer.post(entry.channelId, buildOfferMessage(toQueuedStart(entry)));
  await deps.queue.markOfferPosted(entry.id, posted.ts);
}

/** What the parent message shows of the queue behind an active run. */
export async function queueBehind(
  queue: QueueRepository,
  loaded: LoadedRun,
): Promise<{ queue?: QueuedStart[] }> {
  // Only an active run shows its queue: an ended one costs no query.
  if (!ACTIVE_STATUSES.includes(loaded.state.status)) return {};
  const entries = await queue.queued(loaded.meta.runbookName, loaded.state.environment);
  return entries.length ? { queue: entries.map(toQueuedStart) } : {};
}

/** A stored entry as the renderers take it (its times as ISO strings). */
export function toQueuedStart(entry: Pick<QueueEntry, keyof QueuedStart>): QueuedStart {
  const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: entry.id,
    starterId: entry.starterId,
    runbookName: entry.runbookName,
    environment: entry.environment,
    queuedAt: iso(entry.queuedAt),
    status: entry.status,
    offerExpiresAt: iso(entry.offerExpiresAt),
  };
}
