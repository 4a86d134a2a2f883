// Asking for a run's report: the first request (any replica, any click) claims the run's report row
// and queues the sharing in the outbox, in one transaction; every later request is told who asked.
import { eq } from 'drizzle-orm';
import { outboxTable, runReportsTable } from '../db/schema.js';
import { inTransaction, type RunDeps } from './deps.js';

/** The outcome of a request: queued now, or already asked for (by whom, when). */
export type ReportRequest = { first: true } | { first: false; by: string; at: string };

/** Queues the report of a run once. */
export async function requestReport(deps: RunDeps, runId: string, userId: string): Promise<ReportRequest> {
  const at = deps.clock.now().toISOString();
  return inTransaction(deps.db, async (tx) => {
    const claimed = await tx
      .insert(runReportsTable)
      .values({ runId, requestedBy: userId, requestedAt: at })
      .onConflictDoNothing()
      .returning({ runId: runReportsTable.runId });
    if (claimed.length) {
      await tx.insert(outboxTable).values({ runId, effect: { type: 'share_report', userId }, createdAt: at });
      return { first: true as const };
    }
    const [row] = await tx.select().from(runReportsTable).where(eq(runReportsTable.runId, runId));
    return {
      first: false as const,
      by: row?.requestedBy ?? '',
      at: new Date(row?.requestedAt ?? at).toISOString(),
    };
  });
}
