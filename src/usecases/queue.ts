// The queue behind environment locks, as people use it: join it, start from an offer, leave it, and
// where each entry stands. The Slack listeners word the outcomes and sync the runs they name.
import type { QueueEntry } from '../db/queue.repository.js';
import type { RunDeps } from './deps.js';

type QueueDeps = Pick<RunDeps, 'store' | 'clock'>;

/** Where an entry stands in its queue (1 is next). */
export async function positionOf(deps: QueueDeps, row: QueueEntry): Promise<number> {
  const queued = await deps.store.queue.queued(row.runbookName, row.environment);
  return Math.max(1, queued.findIndex((q) => q.id === row.id) + 1);
}

/** **Queue behind it**: the starter's proposed entry joins the queue (a repeat finds it waiting). */
export async function joinQueue(
  deps: QueueDeps,
  id: number,
  userId: string,
): Promise<{ ok: true; row: QueueEntry; position: number; joined: boolean } | { ok: false }> {
  const row = await deps.store.queue.confirm(id, userId, deps.clock.now());
  if (row) return { ok: true, row, position: await positionOf(deps, row), joined: true };
  const found = await deps.store.queue.find(id);
  if (found && found.starterId === userId && found.status === 'waiting')
    return { ok: true, row: found, position: await positionOf(deps, found), joined: false };
  return { ok: false };
}

/** Why a Start now did not claim the offer. */
export type ClaimRefusal = 'not_yours' | 'started' | 'starting' | { expired: string | null };

/** **Start now**: claims the starter's standing offer (one click wins), or says why not. */
export async function claimQueuedStart(
  deps: QueueDeps,
  id: number,
  userId: string,
): Promise<{ ok: true; entry: QueueEntry } | { ok: false; why: ClaimRefusal }> {
  const claimed = await deps.store.queue.claimStart(id, userId, deps.clock.now());
  if (claimed) return { ok: true, entry: claimed };
  const found = await deps.store.queue.find(id);
  if (!found || found.starterId !== userId) return { ok: false, why: 'not_yours' };
  if (found.status === 'started' || found.status === 'starting') return { ok: false, why: found.status };
  const until = found.offerExpiresAt ? new Date(found.offerExpiresAt).toISOString() : null;
  return { ok: false, why: { expired: until } };
}

/** After a claimed start: started (with its run), or back to offered when the start failed. */
export async function finishQueuedStart(
  deps: QueueDeps,
  id: number,
  runId: string | null,
): Promise<QueueEntry | null> {
  return deps.store.queue.finishStart(id, runId, deps.clock.now());
}

/** **Leave the queue** (its starter only), or what the entry is now. */
export async function leaveQueue(
  deps: QueueDeps,
  id: number,
  userId: string,
): Promise<{ ok: true; row: QueueEntry } | { ok: false; found: QueueEntry | null }> {
  const row = await deps.store.queue.cancel(id, userId, deps.clock.now());
  if (row) return { ok: true, row };
  return { ok: false, found: await deps.store.queue.find(id) };
}

/** Puts a start on a locked (or reserved) environment in the queue: proposed, or waiting at once. */
export async function enqueueStart(
  deps: QueueDeps,
  entry: Parameters<RunDeps['store']['queue']['add']>[0],
): Promise<QueueEntry> {
  return deps.store.queue.add(entry, deps.clock.now());
}

/** The starts queued from a channel, each with where it stands. */
export async function queuedInChannel(
  deps: QueueDeps,
  channelId: string,
): Promise<{ entry: QueueEntry; position: number }[]> {
  const entries = await deps.store.queue.inChannel(channelId);
  return Promise.all(
    entries.map(async (entry) => {
      const line = await deps.store.queue.queued(entry.runbookName, entry.environment);
      return { entry, position: line.findIndex((q) => q.id === entry.id) + 1 };
    }),
  );
}
