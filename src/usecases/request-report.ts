// Asking for a run's report: the first request (any replica, any click) claims the run's report row
// and queues the sharing in the outbox, in one transaction; a later request is told who asked and
// whether the report is in the thread or on its way. When Slack kept refusing the sharing and the
// outbox gave it up, the next request asks again (under the report row's lock: once).
import type { RunDeps } from './deps.js';

/** The outcome of a request: queued now, or already asked for (by whom, when; shared or on its way). */
export type ReportRequest =
  | { first: true; again: boolean }
  | { first: false; by: string; at: string; shared: boolean };

/** Queues the report of a run once, and again only after the outbox gave the last one up. */
export async function requestReport(deps: RunDeps, runId: string, userId: string): Promise<ReportRequest> {
  const at = deps.clock.now().toISOString();
  return deps.store.withTransaction(async (tx) => {
    const share = () => tx.outbox.add(runId, { type: 'share_report', userId }, at);
    if (await tx.reports.claim(runId, userId, at)) {
      await share();
      return { first: true as const, again: false };
    }
    const row = await tx.reports.lock(runId);
    const items = await tx.reports.sharings(runId);
    const live = items.filter((i) => !(i.done && i.dropped));
    if (items.length > 0 && live.length === 0) {
      await tx.reports.askAgain(runId, userId, at);
      await share();
      return { first: true as const, again: true };
    }
    return {
      first: false as const,
      by: row?.requestedBy ?? '',
      at: new Date(row?.requestedAt ?? at).toISOString(),
      shared: live.some((i) => i.done),
    };
  });
}
