// Asking for a run's report: the first request (any replica, any click) claims the run's report row
// and queues the sharing in the outbox, in one transaction; a later request is told who asked and
// whether the report is in the thread or on its way. When Slack kept refusing the sharing and the
// outbox gave it up, the next request asks again (under the report row's lock: once).
import { and, eq, like, sql } from 'drizzle-orm';
import { DROPPED } from '../db/outbox.repository.js';
import { outboxTable, runReportsTable } from '../db/schema.js';
import { inTransaction, type RunDeps } from './deps.js';

/** The outcome of a request: queued now, or already asked for (by whom, when; shared or on its way). */
export type ReportRequest =
  | { first: true; again: boolean }
  | { first: false; by: string; at: string; shared: boolean };

/** Queues the report of a run once, and again only after the outbox gave the last one up. */
export async function requestReport(deps: RunDeps, runId: string, userId: string): Promise<ReportRequest> {
  const at = deps.clock.now().toISOString();
  return inTransaction(deps.db, async (tx) => {
    const share = () =>
      tx.insert(outboxTable).values({ runId, effect: { type: 'share_report', userId }, createdAt: at });
    const claimed = await tx
      .insert(runReportsTable)
      .values({ runId, requestedBy: userId, requestedAt: at })
      .onConflictDoNothing()
      .returning({ runId: runReportsTable.runId });
    if (claimed.length) {
      await share();
      return { first: true as const, again: false };
    }
    const [row] = await tx
      .select()
      .from(runReportsTable)
      .where(eq(runReportsTable.runId, runId))
      .for('update');
    const items = await tx
      .select({ doneAt: outboxTable.doneAt, dropped: like(outboxTable.lastError, `${DROPPED}%`) })
      .from(outboxTable)
      .where(and(eq(outboxTable.runId, runId), sql`${outboxTable.effect}->>'type' = 'share_report'`));
    const live = items.filter((i) => !(i.doneAt && i.dropped));
    if (items.length > 0 && live.length === 0) {
      await tx
        .update(runReportsTable)
        .set({ requestedBy: userId, requestedAt: at })
        .where(eq(runReportsTable.runId, runId));
      await share();
      return { first: true as const, again: true };
    }
    return {
      first: false as const,
      by: row?.requestedBy ?? '',
      at: new Date(row?.requestedAt ?? at).toISOString(),
      shared: live.some((i) => i.doneAt !== null),
    };
  });
}
