// Environment locks: one active run per runbook and environment.
import { and, eq } from 'drizzle-orm';
import type { RunEffect } from '../runs/index.js';
import { bindDb, type Db } from './client.js';
import { environmentLocksTable, outboxTable } from './schema.js';
import type { Write } from './writes.js';

/** Who holds an environment. */
export interface LockHolder {
  runId: string;
  holderId: string;
  since: string;
}

/** Creates the locks repository. */
export function createLocksRepository({ db }: { db: Db }) {
  return bindDb(db, { acquire, releaseWrite, releaseWrites });
}

/** The repository's type. */
export type LocksRepository = ReturnType<typeof createLocksRepository>;

/** Takes the lock for a run, or returns who holds it. */
async function acquire(
  db: Db,
  input: { runbookName: string; environment: string; runId: string; holderId: string; since: string },
): Promise<{ ok: true } | { ok: false; holder: LockHolder }> {
  const taken = await db.insert(environmentLocksTable).values(input).onConflictDoNothing().returning();
  if (taken.length) return { ok: true };
  const [row] = await db
    .select()
    .from(environmentLocksTable)
    .where(
      and(
        eq(environmentLocksTable.runbookName, input.runbookName),
        eq(environmentLocksTable.environment, input.environment),
      ),
    );
  if (!row) return acquire(db, input);
  return {
    ok: false,
    holder: { runId: row.runId, holderId: row.holderId, since: new Date(row.since).toISOString() },
  };
}

/** Releases the run's lock and queues the offer to whoever is queued behind it (run-queue). */
function releaseWrites(
  db: Db,
  run: { id: string; runbookName: string; environment: string },
  at: string,
): Write[] {
  const effect: RunEffect = {
    type: 'offer_queue',
    runbookName: run.runbookName,
    environment: run.environment,
  };
  return [releaseWrite(db, run.id), db.insert(outboxTable).values({ runId: run.id, effect, createdAt: at })];
}

/** The write that releases whatever lock a run holds. */
function releaseWrite(db: Db, runId: string): Write {
  return db.delete(environmentLocksTable).where(eq(environmentLocksTable.runId, runId));
}
