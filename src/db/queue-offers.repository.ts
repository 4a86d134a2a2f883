// Offers of the queue: the lock of a runbook and environment is free, the first in line may start
// it until the offer expires. Conditional updates under the entries' row locks make replicas agree.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { RunEffect } from '../runs/index.js';
import type { Database, Transaction } from './client.js';
import type { QueueEntry } from './queue.repository.js';
import { environmentLocksTable, outboxTable, runQueueTable } from './schema.js';

/** The offer half of the queue repository. */
export function createQueueOffers(db: Database) {
  return {
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

/** Queues a re-render of the run the entry waits behind (its parent message lists the queue). */
export async function outbox(
  tx: Database | Transaction,
  runId: string,
  effect: RunEffect,
  at: string,
): Promise<void> {
  await tx.insert(outboxTable).values({ runId, effect, createdAt: at });
}

/** Queues the edit that takes the buttons off an offer that ended (taken, left or expired). */
async function closeOfferLater(tx: Database | Transaction, row: QueueEntry, at: string): Promise<void> {
  if (!row.releasedByRunId || !row.offeredAt) return;
  await outbox(tx, row.releasedByRunId, { type: 'close_offer', entryId: row.id }, at);
}

/** An offer ended unused (left or expired): its message is closed and the next in line is asked. */
export async function offerEnded(tx: Database | Transaction, row: QueueEntry, at: string): Promise<void> {
  await closeOfferLater(tx, row, at);
  await offerLater(tx, row, at);
}

/** Queues the offer to the next entry, as Slack work of the run that released the lock. */
async function offerLater(tx: Database | Transaction, row: QueueEntry, at: string): Promise<void> {
  if (!row.releasedByRunId) return;
  await outbox(
    tx,
    row.releasedByRunId,
    { type: 'offer_queue', runbookName: row.runbookName, environment: row.environment },
    at,
  );
}
