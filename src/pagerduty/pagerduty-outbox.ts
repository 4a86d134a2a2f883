// The PagerDuty hand-off: rollback moments (hand_offs rows, written with the command that caused
// them) become events in pagerduty_events (hand-offs.ts),
// sent in order per run and retried with backoff until PagerDuty takes them; the thread is told when
// an event went out and when one failed (once per event). Rehearsals never reach PagerDuty.
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { outboxTable, pagerdutyEventsTable } from '../db/schema.js';
import type { Directory } from '../directory/schema.js';
import type { RunEffect } from '../runs/index.js';
import type { Clock } from '../shared/clock.js';
import { type PagerDutyEvent, sendPagerDutyEvent } from './events-api.js';
import { pumpHandOffs } from './hand-offs.js';

type Row = typeof pagerdutyEventsTable.$inferSelect;

/** What the hand-off needs. */
export interface PagerDutyDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  directory: () => Directory;
  config: { eventsUrl: string; keys: Record<string, string> };
}

const LEASE_MS = 30_000;
/** Seconds before retry n (then 5 minutes between tries, for as long as it takes). */
const BACKOFF_S = [10, 30, 60, 120, 300];

/** Creates the hand-off. */
export function createPagerDuty(deps: PagerDutyDeps) {
  /** Sends every event that is due, the oldest of each run first; failures wait for their retry. */
  async function flush(onlyRunId?: string): Promise<void> {
    await pumpHandOffs(deps);
    const now = deps.clock.now();
    const pending = await deps.db
      .select()
      .from(pagerdutyEventsTable)
      .where(
        and(
          eq(pagerdutyEventsTable.status, 'pending'),
          onlyRunId ? eq(pagerdutyEventsTable.runId, onlyRunId) : undefined,
        ),
      )
      .orderBy(asc(pagerdutyEventsTable.id))
      .limit(100);
    const blocked = new Set<string>();
    for (const row of pending) {
      if (blocked.has(row.runId)) continue;
      // Later events of a run wait for its earlier ones (trigger, then acknowledge, then resolve).
      blocked.add(row.runId);
      if (Date.parse(row.nextAttemptAt) > now.getTime()) continue;
      const claimed = await claim(row, now);
      if (claimed) await attempt(claimed);
    }
  }

  async function claim(row: Row, now: Date): Promise<Row | null> {
    const nowIso = now.toISOString();
    const [claimed] = await deps.db
      .update(pagerdutyEventsTable)
      .set({ claimedUntil: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where(
        and(
          eq(pagerdutyEventsTable.id, row.id),
          eq(pagerdutyEventsTable.status, 'pending'),
          or(isNull(pagerdutyEventsTable.claimedUntil), lt(pagerdutyEventsTable.claimedUntil, nowIso)),
        ),
      )
      .returning();
    return claimed ?? null;
  }

  async function attempt(row: Row): Promise<void> {
    const event: PagerDutyEvent = {
      action: row.action as PagerDutyEvent['action'],
      dedupKey: row.dedupKey,
      payload: row.payload,
    };
    const now = deps.clock.now().toISOString();
    try {
      const key = deps.config.keys[row.routingKeyEnv];
      if (!key) throw new Error(`${row.routingKeyEnv} is not set`);
      await sendPagerDutyEvent(deps.config.eventsUrl, key, event);
      await deps.db
        .update(pagerdutyEventsTable)
        .set({
          status: 'sent',
          sentAt: now,
          claimedUntil: null,
          attempts: sql`${pagerdutyEventsTable.attempts} + 1`,
        })
        .where(eq(pagerdutyEventsTable.id, row.id));
      await notice(row, true, row.attempts > 0 ? `after ${row.attempts + 1} attempts` : null, now);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn(
        { runId: row.runId, action: row.action, error: message },
        'PagerDuty event failed; retrying',
      );
      const wait = BACKOFF_S[Math.min(row.attempts, BACKOFF_S.length - 1)] ?? 300;
      await deps.db
        .update(pagerdutyEventsTable)
        .set({
          attempts: sql`${pagerdutyEventsTable.attempts} + 1`,
          lastError: message.slice(0, 500),
          claimedUntil: null,
          nextAttemptAt: new Date(Date.parse(now) + wait * 1000).toISOString(),
        })
        .where(eq(pagerdutyEventsTable.id, row.id));
      if (row.attempts === 0) await notice(row, false, message, now);
    }
  }

  /** Tells the run's thread (through the outbox) how an event went. */
  async function notice(row: Row, ok: boolean, detail: string | null, at: string): Promise<void> {
    const effect: RunEffect = { type: 'pagerduty_notice', action: row.action, ok, detail };
    await deps.db.insert(outboxTable).values({ runId: row.runId, effect, createdAt: at });
  }

  return { flush };
}

/** The PagerDuty hand-off's type. */
export type PagerDuty = ReturnType<typeof createPagerDuty>;
