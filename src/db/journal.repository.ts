// The audit trail, the outbox of effects and the durable timers: what a command leaves behind.
import { and, eq, sql } from 'drizzle-orm';
import type { RunEffect, RunEvent, TimerPayload } from '../runs/index.js';
import type { Database, Transaction } from './client.js';
import { rowsOf } from './runs.repository.js';
import { outboxTable, runEventsTable, timersTable } from './schema.js';

type Db = Database | Transaction;

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
export function createJournalRepository() {
  return { findByKey, appendCommand, storeEffects, dueTimers, claimTimer, finishTimer };
}

/** The repository's type. */
export type JournalRepository = ReturnType<typeof createJournalRepository>;

async function findByKey(db: Db, key: string) {
  const [row] = await db.select().from(runEventsTable).where(eq(runEventsTable.idempotencyKey, key));
  return row ?? null;
}

async function appendCommand(db: Db, entry: StoredCommand): Promise<void> {
  await db.insert(runEventsTable).values(entry);
}

/** Timer effects become timer rows; everything else goes to the outbox for the Slack edge. */
async function storeEffects(db: Db, runId: string, effects: readonly RunEffect[], at: string): Promise<void> {
  const writes: Promise<unknown>[] = [];
  const outbox: RunEffect[] = [];
  for (const effect of effects) {
    if (effect.type === 'set_timer') {
      writes.push(
        db
          .insert(timersTable)
          .values({ key: effect.key, runId, dueAt: effect.dueAt, payload: effect.timer })
          .onConflictDoNothing()
          .execute(),
      );
    } else if (effect.type === 'cancel_timer') {
      writes.push(
        db
          .update(timersTable)
          .set({ status: 'cancelled' })
          .where(and(eq(timersTable.key, effect.key), eq(timersTable.status, 'pending')))
          .execute(),
      );
    } else {
      outbox.push(effect);
    }
  }
  if (outbox.length) {
    writes.push(
      db
        .insert(outboxTable)
        .values(outbox.map((effect) => ({ runId, effect, createdAt: at })))
        .execute(),
    );
  }
  await Promise.all(writes);
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

async function finishTimer(db: Db, id: number, at: string): Promise<void> {
  await db
    .update(timersTable)
    .set({ status: 'fired', firedAt: at, attempts: sql`${timersTable.attempts} + 1` })
    .where(eq(timersTable.id, id));
}
