// The outbox: Slack work a command produced, carried out after commit by one worker per run at a time.
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { RunEffect } from '../runs/index.js';
import type { Db } from './client.js';
import { outboxTable, runsTable } from './schema.js';

/** One claimed piece of work. */
export interface OutboxItem {
  id: number;
  effect: RunEffect;
  attempts: number;
}

/** The claim of items that wait out a back-off after a failure (held by nobody, until their time). */
const RESTING = 'resting';
/** How the last error of an item Slack kept refusing begins: it was given up, not carried out. */
export const DROPPED = 'dropped: ';

/** Creates the outbox repository. */
export function createOutboxRepository({ db }: { db: Db }) {
  return {
    /** Queues Slack work for a run (the caller's transaction commits it with what caused it). */
    async add(runId: string, effect: RunEffect, at: string): Promise<void> {
      await db.insert(outboxTable).values({ runId, effect, createdAt: at });
    },

    /**
     * Claims every pending item of a run for `leaseMs`, or nothing when another worker holds the
     * run's items (so one run's Slack work always happens in order, by one worker). Says the run's
     * version as committed when the items were claimed: the items may come from commands of another
     * replica, newer than any run this worker was handed.
     */
    async claimRun(
      runId: string,
      workerId: string,
      now: Date,
      leaseMs: number,
    ): Promise<{ items: OutboxItem[]; version: number | null }> {
      const nowIso = now.toISOString();
      const none = { items: [], version: null };
      return db.transaction(async (tx) => {
        const [run] = await tx
          .select({ id: runsTable.id, version: runsTable.version })
          .from(runsTable)
          .where(eq(runsTable.id, runId))
          .for('update', { skipLocked: true });
        if (!run) return none;
        const held = await tx
          .select({ id: outboxTable.id })
          .from(outboxTable)
          .where(
            and(
              eq(outboxTable.runId, runId),
              isNull(outboxTable.doneAt),
              sql`${outboxTable.claimedBy} <> ${workerId}`,
              sql`${outboxTable.claimedUntil} >= ${nowIso}`,
            ),
          )
          .limit(1);
        if (held.length) return none;
        const until = new Date(now.getTime() + leaseMs).toISOString();
        const rows = await tx
          .update(outboxTable)
          .set({ claimedBy: workerId, claimedUntil: until })
          .where(and(eq(outboxTable.runId, runId), isNull(outboxTable.doneAt)))
          .returning({ id: outboxTable.id, effect: outboxTable.effect, attempts: outboxTable.attempts });
        return { items: rows.sort((a, b) => a.id - b.id), version: run.version };
      });
    },

    /** Marks items done. */
    async markDone(ids: readonly number[], now: Date): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(outboxTable)
        .set({ doneAt: now.toISOString(), claimedUntil: null })
        .where(inArray(outboxTable.id, [...ids]));
    },

    /**
     * Releases items after a failure, counting the attempt. With `retryAt` the run's work rests
     * until then (a back-off every process respects); without it the items are free at once.
     */
    async markFailed(ids: readonly number[], error: string, retryAt: Date | null): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(outboxTable)
        .set({
          attempts: sql`${outboxTable.attempts} + 1`,
          lastError: error.slice(0, 1000),
          claimedBy: retryAt ? RESTING : null,
          claimedUntil: retryAt ? retryAt.toISOString() : null,
        })
        .where(inArray(outboxTable.id, [...ids]));
    },

    /** Gives items up for good: Slack kept refusing them (they are done, their error says dropped). */
    async drop(ids: readonly number[], error: string, now: Date): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(outboxTable)
        .set({
          attempts: sql`${outboxTable.attempts} + 1`,
          lastError: `${DROPPED}${error}`.slice(0, 1000),
          claimedBy: null,
          claimedUntil: null,
          doneAt: now.toISOString(),
        })
        .where(inArray(outboxTable.id, [...ids]));
    },

    /** Extends this worker's lease on a run's items while it is still working on them. */
    async renew(runId: string, workerId: string, now: Date, leaseMs: number): Promise<void> {
      await db
        .update(outboxTable)
        .set({ claimedUntil: new Date(now.getTime() + leaseMs).toISOString() })
        .where(
          and(eq(outboxTable.runId, runId), eq(outboxTable.claimedBy, workerId), isNull(outboxTable.doneAt)),
        );
    },

    /** Runs that have pending work nobody holds. */
    async runsWithWork(now: Date, limit: number): Promise<string[]> {
      const rows = await db
        .selectDistinct({ runId: outboxTable.runId })
        .from(outboxTable)
        .where(
          and(
            isNull(outboxTable.doneAt),
            or(isNull(outboxTable.claimedUntil), lt(outboxTable.claimedUntil, now.toISOString())),
          ),
        )
        .limit(limit);
      return rows.map((r) => r.runId);
    },
  };
}

/** The repository's type. */
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
