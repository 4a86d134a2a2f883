// The queue behind environment locks: who waits for which runbook and environment, in order, and
// the offers to start. Every change that the holder's parent message shows queues a re-render of it.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';
import { createQueueOffers, offerEnded, outbox } from './queue-offers.repository.js';
import { runQueueTable } from './schema.js';

type Db = Database | Transaction;

/** A queue entry as stored. */
export type QueueEntry = typeof runQueueTable.$inferSelect;

/** Statuses of entries still in the queue. */
export const QUEUED = ['waiting', 'offered', 'starting'] as const;

/** What a new entry needs. */
export type NewEntry = Pick<
  QueueEntry,
  'runbookName' | 'environment' | 'channelId' | 'starterId' | 'params' | 'rehearsal' | 'behindRunId'
> & { status: 'proposed' | 'waiting' };

/** Creates the queue repository. */
export function createQueueRepository(db: Database) {
  const rerender = (tx: Db, runId: string | null, at: string) =>
    runId ? outbox(tx, runId, { type: 'render_run' }, at) : Promise.resolve();

  return {
    /** Adds an entry (`proposed` until its starter clicks Queue behind it). */
    async add(entry: NewEntry, now: Date): Promise<QueueEntry> {
      const at = now.toISOString();
      return db.transaction(async (tx) => {
        const queuedAt = entry.status === 'waiting' ? at : null;
        const [row] = await tx
          .insert(runQueueTable)
          .values({ ...entry, createdAt: at, queuedAt })
          .returning();
        if (!row) throw new Error('queue insert returned nothing');
        if (entry.status === 'waiting') await rerender(tx, entry.behindRunId, at);
        return row;
      });
    },

    /** Turns a proposed entry into a waiting one; null when it is not the starter's proposal any more. */
    async confirm(id: number, userId: string, now: Date): Promise<QueueEntry | null> {
      const at = now.toISOString();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(runQueueTable)
          .set({ status: 'waiting', queuedAt: at })
          .where(
            and(
              eq(runQueueTable.id, id),
              eq(runQueueTable.starterId, userId),
              eq(runQueueTable.status, 'proposed'),
            ),
          )
          .returning();
        if (row) await rerender(tx, row.behindRunId, at);
        return row ?? null;
      });
    },

    async find(id: number): Promise<QueueEntry | null> {
      const [row] = await db.select().from(runQueueTable).where(eq(runQueueTable.id, id));
      return row ?? null;
    },

    /** Entries still queued for a runbook and environment, first first. */
    async queued(runbookName: string, environment: string, tx: Db = db): Promise<QueueEntry[]> {
      return tx
        .select()
        .from(runQueueTable)
        .where(
          and(
            eq(runQueueTable.runbookName, runbookName),
            eq(runQueueTable.environment, environment),
            inArray(runQueueTable.status, [...QUEUED]),
          ),
        )
        .orderBy(asc(runQueueTable.id));
    },

    /** Entries still queued that were asked for in a channel. */
    async inChannel(channelId: string): Promise<QueueEntry[]> {
      return db
        .select()
        .from(runQueueTable)
        .where(and(eq(runQueueTable.channelId, channelId), inArray(runQueueTable.status, [...QUEUED])))
        .orderBy(asc(runQueueTable.id))
        .limit(50);
    },

    /** Cancels the starter's entry; when it held the offer, the next one is offered. */
    async cancel(id: number, userId: string, now: Date): Promise<QueueEntry | null> {
      const at = now.toISOString();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(runQueueTable)
          .set({ status: 'cancelled', endedAt: at })
          .where(
            and(
              eq(runQueueTable.id, id),
              eq(runQueueTable.starterId, userId),
              inArray(runQueueTable.status, ['proposed', 'waiting', 'offered']),
            ),
          )
          .returning();
        if (!row) return null;
        await rerender(tx, row.behindRunId, at);
        if (row.offeredAt) await offerEnded(tx, row, at);
        return row;
      });
    },

    ...createQueueOffers(db),
  };
}

/** The repository's type. */
export type QueueRepository = ReturnType<typeof createQueueRepository>;
