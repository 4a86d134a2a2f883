// The outbox: Slack work a command produced, carried out after commit by one worker per run at a time.
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { RunEffect } from '../runs/index.js';
import type { Db } from './client.js';
import { inPipelinedTransaction } from './pipelined-transaction.js';
import { rowsOf } from './runs.repository.js';
import { outboxTable } from './schema.js';

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
      const until = new Date(now.getTime() + leaseMs).toISOString();
      // Two round trips on Postgres: BEGIN, the run's lock and the check for another worker's
      // claim go together (the check runs after the lock is granted, in a snapshot of its own, so
      // it sees the claims committed by the previous holder), then the claim with COMMIT.
      return inPipelinedTransaction(db, async ({ tx, finish }) => {
        const [locked, held] = await Promise.all([
          tx.execute(sql`select id, version from runs where id = ${runId} for update skip locked`),
          tx.execute(
            sql`select id from outbox where run_id = ${runId} and done_at is null
              and claimed_by <> ${workerId} and claimed_until >= ${nowIso} limit 1`,
          ),
        ]);
        const run = rowsOf(locked)[0];
        if (!run || rowsOf(held).length > 0) return none;
        const [claimed] = await Promise.all([
          tx.execute(
            sql`update outbox set claimed_by = ${workerId}, claimed_until = ${until}
              where run_id = ${runId} and done_at is null returning id, effect, attempts`,
          ),
          finish(null),
        ]);
        const items = rowsOf(claimed)
          .map((row) => ({
            id: Number(row.id),
            effect: (typeof row.effect === 'string' ? JSON.parse(row.effect) : row.effect) as RunEffect,
            attempts: Number(row.attempts),
          }))
          .sort((a, b) => a.id - b.id);
        return { items, version: Number(run.version) };
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
