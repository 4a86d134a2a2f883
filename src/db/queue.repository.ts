// The queue behind environment locks: who waits for which runbook and environment, in order, and
// the offers to start. Every change that the holder's parent message shows queues a re-render of it.
// Offers: the lock is free, the first in line may start until the offer expires; conditional updates
// under the entries' row locks make replicas agree.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { RunEffect } from '../runs/index.js';
import type { Db } from './client.js';
import { environmentLocksTable, outboxTable, runQueueTable } from './schema.js';

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
export function createQueueRepository({ db }: { db: Db }) {
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

    /**
     * Offers the lock to the first waiting entry, once: not while the lock is held or an offer
     * stands (that offer is returned, so a retried post can finish it). Conditional updates under
     * the entries' row locks make two workers agree on one offer.
     */
    async offerNext(
      runbookName: string,
      environment: string,
      releasedByRunId: string,
      now: Date,
      minutes: number,
    ): Promise<QueueEntry | null> {
      const at = now.toISOString();
      return db.transaction(async (tx) => {
        const held = await tx
          .select({ runId: environmentLocksTable.runId })
          .from(environmentLocksTable)
          .where(
            and(
              eq(environmentLocksTable.runbookName, runbookName),
              eq(environmentLocksTable.environment, environment),
            ),
          );
        if (held.length) return null;
        const rows = await tx.execute(sql`select id, status from run_queue
          where runbook_name = ${runbookName} and environment = ${environment}
            and status in ('waiting', 'offered', 'starting') order by id for update`);
        const list = (Array.isArray(rows) ? rows : ((rows as { rows?: unknown[] }).rows ?? [])) as {
          id: number | string;
          status: string;
        }[];
        const standing = list.find((r) => r.status !== 'waiting');
        if (standing)
          return (
            (
              await tx
                .select()
                .from(runQueueTable)
                .where(eq(runQueueTable.id, Number(standing.id)))
            )[0] ?? null
          );
        const first = list[0];
        if (!first) return null;
        const expires = new Date(now.getTime() + minutes * 60_000).toISOString();
        const [row] = await tx
          .update(runQueueTable)
          .set({ status: 'offered', offeredAt: at, offerExpiresAt: expires, releasedByRunId })
          .where(and(eq(runQueueTable.id, Number(first.id)), eq(runQueueTable.status, 'waiting')))
          .returning();
        return row ?? null;
      });
    },

    async markOfferPosted(id: number, ts: string): Promise<void> {
      await db.update(runQueueTable).set({ offerTs: ts }).where(eq(runQueueTable.id, id));
    },

    /** Takes the starter's standing offer for a start (one click wins); null when it is gone. */
    async claimStart(id: number, userId: string, now: Date): Promise<QueueEntry | null> {
      const [row] = await db
        .update(runQueueTable)
        .set({ status: 'starting' })
        .where(
          and(
            eq(runQueueTable.id, id),
            eq(runQueueTable.starterId, userId),
            eq(runQueueTable.status, 'offered'),
            sql`${runQueueTable.offerExpiresAt} > ${now.toISOString()}`,
          ),
        )
        .returning();
      return row ?? null;
    },

    /**
     * After a claimed start: started (with its run; the offer's message is closed through the
     * outbox of the run that released the lock), or back to offered when the start failed.
     */
    async finishStart(id: number, runId: string | null, now: Date): Promise<QueueEntry | null> {
      const at = now.toISOString();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(runQueueTable)
          .set(runId ? { status: 'started', startedRunId: runId, endedAt: at } : { status: 'offered' })
          .where(and(eq(runQueueTable.id, id), eq(runQueueTable.status, 'starting')))
          .returning();
        if (row && runId) await closeOfferLater(tx, row, at);
        return row ?? null;
      });
    },

    /** The standing offer of a runbook and environment, which other starts must respect. */
    async reservation(runbookName: string, environment: string, now: Date): Promise<QueueEntry | null> {
      const [row] = await db
        .select()
        .from(runQueueTable)
        .where(
          and(
            eq(runQueueTable.runbookName, runbookName),
            eq(runQueueTable.environment, environment),
            inArray(runQueueTable.status, ['offered', 'starting']),
            sql`${runQueueTable.offerExpiresAt} > ${now.toISOString()}`,
          ),
        )
        .limit(1);
      return row ?? null;
    },

    /**
     * Expires offers nobody took in time; the next entry of each is offered through the outbox. A
     * start still `starting` when its offer runs out was cut off (the process died between the claim
     * and the start's end: a start takes seconds, an offer 15 minutes): it expires too, or the queue
     * would wait on it for ever.
     */
    async expireOffers(now: Date): Promise<QueueEntry[]> {
      const at = now.toISOString();
      const due = and(
        inArray(runQueueTable.status, ['offered', 'starting']),
        sql`${runQueueTable.offerExpiresAt} <= ${at}`,
      );
      // Every worker pass asks: a plain read first, a transaction only when an offer is due.
      const [any] = await db.select({ id: runQueueTable.id }).from(runQueueTable).where(due).limit(1);
      if (!any) return [];
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(runQueueTable)
          .set({ status: 'expired', endedAt: at })
          .where(due)
          .returning();
        for (const row of rows) await offerEnded(tx, row, at);
        return rows;
      });
    },
  };
}

/** The repository's type. */
export type QueueRepository = ReturnType<typeof createQueueRepository>;

/** Queues a re-render of the run the entry waits behind (its parent message lists the queue). */
async function outbox(tx: Db, runId: string, effect: RunEffect, at: string): Promise<void> {
  await tx.insert(outboxTable).values({ runId, effect, createdAt: at });
}

/** Queues the edit that takes the buttons off an offer that ended (taken, left or expired). */
async function closeOfferLater(tx: Db, row: QueueEntry, at: string): Promise<void> {
  if (!row.releasedByRunId || !row.offeredAt) return;
  await outbox(tx, row.releasedByRunId, { type: 'close_offer', entryId: row.id }, at);
}

/** An offer ended unused (left or expired): its message is closed and the next in line is asked. */
async function offerEnded(tx: Db, row: QueueEntry, at: string): Promise<void> {
  await closeOfferLater(tx, row, at);
  await offerLater(tx, row, at);
}

/** Queues the offer to the next entry, as Slack work of the run that released the lock. */
async function offerLater(tx: Db, row: QueueEntry, at: string): Promise<void> {
  if (!row.releasedByRunId) return;
  await outbox(
    tx,
    row.releasedByRunId,
    { type: 'offer_queue', runbookName: row.runbookName, environment: row.environment },
    at,
  );
}
