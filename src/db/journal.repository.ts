// The audit trail, the outbox of effects and the durable timers: what a command leaves behind.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { RunEffect, RunEvent, TimerPayload } from '../runs/index.js';
import { bindDb, type Db } from './client.js';
import { rowsOf } from './runs.repository.js';
import { handOffsTable, timersTable } from './schema.js';
import type { Write } from './writes.js';

/** A stored command: what the audit trail keeps of it. */
export interface StoredCommand {
  runId: string;
  command: string;
  actor: string | null;
  at: string;
  idempotencyKey: string | null;
  events: RunEvent[];
}

/** Creates the journal repository. */
export function createJournalRepository({ db }: { db: Db }) {
  return bindDb(db, { appendCommandWrite, effectWrites, dueTimers, claimTimer, finishTimerWrite });
}

/** The repository's type. */
export type JournalRepository = ReturnType<typeof createJournalRepository>;

/** The write that appends a command to the audit trail. */
// Every command appends to the audit trail and usually queues a render: both are written out
// rather than built by drizzle's insert builder (its CPU limits commands per second), jsonb as JSON
// text as drizzle sends it.
function appendCommandWrite(_db: Db, entry: StoredCommand): Write {
  return sql`insert into run_events (run_id, command, actor, at, idempotency_key, events) values (${entry.runId}, ${entry.command}, ${entry.actor}, ${entry.at}, ${entry.idempotencyKey}, ${JSON.stringify(entry.events)})`;
}

/** The writes of a command's effects: timer effects become timer rows, the rest goes to the outbox. */
function effectWrites(db: Db, runId: string, effects: readonly RunEffect[], at: string): Write[] {
  const writes: Write[] = [];
  const outbox: RunEffect[] = [];
  const timers: { key: string; runId: string; dueAt: string; payload: TimerPayload }[] = [];
  const cancelled: string[] = [];
  const handOffs: { runId: string; event: string; createdAt: string }[] = [];
  for (const effect of effects) {
    if (effect.type === 'set_timer')
      timers.push({ key: effect.key, runId, dueAt: effect.dueAt, payload: effect.timer });
    else if (effect.type === 'cancel_timer') cancelled.push(effect.key);
    else if (effect.type === 'hand_off') handOffs.push({ runId, event: effect.event, createdAt: at });
    else outbox.push(effect);
  }
  if (handOffs.length) writes.push(db.insert(handOffsTable).values(handOffs));
  if (timers.length) writes.push(db.insert(timersTable).values(timers).onConflictDoNothing());
  if (cancelled.length) {
    writes.push(
      db
        .update(timersTable)
        .set({ status: 'cancelled' })
        .where(and(inArray(timersTable.key, cancelled), eq(timersTable.status, 'pending'))),
    );
  }
  if (outbox.length) {
    const rows = outbox.map((effect) => sql`(${runId}, ${JSON.stringify(effect)}, ${at})`);
    writes.push(sql`insert into outbox (run_id, effect, created_at) values ${sql.join(rows, sql`, `)}`);
  }
  return writes;
}

/** Timers due at `now`, oldest first (not locked: claimTimer decides who fires one). */
async function dueTimers(db: Db, now: string, limit: number) {
  return db
    .select({ id: timersTable.id, runId: timersTable.runId })
    .from(timersTable)
    .where(and(eq(timersTable.status, 'pending'), sql`${timersTable.dueAt} <= ${now}`))
    .orderBy(timersTable.dueAt, timersTable.id)
    .limit(limit);
}

/** Locks one pending timer for this transaction; null when it fired, was cancelled or is taken. */
async function claimTimer(db: Db, id: number): Promise<{ key: string; payload: TimerPayload } | null> {
  const result = await db.execute(
    sql`select key, payload from timers where id = ${id} and status = 'pending' for update skip locked`,
  );
  const row = rowsOf(result)[0];
  if (!row) return null;
  const payload =
    typeof row.payload === 'string'
      ? (JSON.parse(row.payload) as TimerPayload)
      : (row.payload as TimerPayload);
  return { key: String(row.key), payload };
}

/** The write that marks a timer fired. */
function finishTimerWrite(db: Db, id: number, at: string): Write {
  return db
    .update(timersTable)
    .set({ status: 'fired', firedAt: at, attempts: sql`${timersTable.attempts} + 1` })
    .where(eq(timersTable.id, id));
}
