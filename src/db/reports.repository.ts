// Who asked for a run's report, and whether its sharing is still on its way or was given up.
import { and, eq, like, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { DROPPED } from './outbox.repository.js';
import { outboxTable, runReportsTable } from './schema.js';

/** Creates the reports repository. */
export function createReportsRepository({ db }: { db: Db }) {
  return {
    /** Claims the run's report row for the first request; false when it was already asked for. */
    async claim(runId: string, userId: string, at: string): Promise<boolean> {
      const claimed = await db
        .insert(runReportsTable)
        .values({ runId, requestedBy: userId, requestedAt: at })
        .onConflictDoNothing()
        .returning({ runId: runReportsTable.runId });
      return claimed.length > 0;
    },
    /** The run's report row, under its row lock (the caller is in a transaction). */
    async lock(runId: string): Promise<{ requestedBy: string; requestedAt: string } | null> {
      const [row] = await db
        .select()
        .from(runReportsTable)
        .where(eq(runReportsTable.runId, runId))
        .for('update');
      return row ?? null;
    },
    /** Records a new request of a report whose last sharing was given up. */
    async askAgain(runId: string, userId: string, at: string): Promise<void> {
      await db
        .update(runReportsTable)
        .set({ requestedBy: userId, requestedAt: at })
        .where(eq(runReportsTable.runId, runId));
    },
    /** The run's sharings in the outbox: done or not, and given up or not. */
    async sharings(runId: string): Promise<{ done: boolean; dropped: boolean }[]> {
      const items = await db
        .select({ doneAt: outboxTable.doneAt, dropped: like(outboxTable.lastError, `${DROPPED}%`) })
        .from(outboxTable)
        .where(and(eq(outboxTable.runId, runId), sql`${outboxTable.effect}->>'type' = 'share_report'`));
      return items.map((i) => ({ done: i.doneAt !== null, dropped: Boolean(i.dropped) }));
    },
  };
}

/** The repository's type. */
export type ReportsRepository = ReturnType<typeof createReportsRepository>;
