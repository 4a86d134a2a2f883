// The figures /metrics reads from the database at scrape time: one statement.
import { sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../runs/index.js';
import type { Database } from './client.js';
import { rowsOf } from './runs.repository.js';

/** Figures read from the database at scrape time (the same on every replica). */
export interface DatabaseFigures {
  outboxDepth: number;
  outboxOldestAgeSeconds: number;
  timersDue: number;
  timersLate: number;
  activeRuns: number;
}

/** A timer still pending this long after its time counts as late (the poller runs every second). */
export const LATE_AFTER_SECONDS = 60;

/** Reads outbox depth and age, due and late timers, and active runs, as of `now`. */
export async function readDatabaseFigures(db: Database, now: Date): Promise<DatabaseFigures> {
  const at = now.toISOString();
  const late = new Date(now.getTime() - LATE_AFTER_SECONDS * 1000).toISOString();
  const statuses = sql.join(
    ACTIVE_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const result = await db.execute(sql`
    select
      (select count(*) from outbox where done_at is null)::int as outbox_depth,
      coalesce((select extract(epoch from (${at}::timestamptz - min(created_at)))
                from outbox where done_at is null), 0)::float8 as outbox_oldest,
      (select count(*) from timers where status = 'pending' and due_at <= ${at}::timestamptz)::int as due,
      (select count(*) from timers where status = 'pending' and due_at <= ${late}::timestamptz)::int as late,
      (select count(*) from runs where status in (${statuses}))::int as active`);
  const row = rowsOf(result)[0] ?? {};
  return {
    outboxDepth: Number(row.outbox_depth ?? 0),
    outboxOldestAgeSeconds: Math.max(0, Number(row.outbox_oldest ?? 0)),
    timersDue: Number(row.due ?? 0),
    timersLate: Number(row.late ?? 0),
    activeRuns: Number(row.active ?? 0),
  };
}
