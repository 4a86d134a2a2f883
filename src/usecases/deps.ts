// What the use cases need: the database, the repositories and the clock, in one object.
import type { Database, Transaction } from '../db/client.js';
import { createJournalRepository } from '../db/journal.repository.js';
import { createLocksRepository } from '../db/locks.repository.js';
import { inPipelinedTransaction, type PipelinedTransaction } from '../db/pipelined-transaction.js';
import { createRunsRepository } from '../db/runs.repository.js';
import type { Clock } from '../shared/clock.js';

/** Dependencies of the run use cases. */
export interface RunDeps {
  db: Database;
  clock: Clock;
  runs: ReturnType<typeof createRunsRepository>;
  journal: ReturnType<typeof createJournalRepository>;
  locks: ReturnType<typeof createLocksRepository>;
}

/** Builds the dependencies over a database. */
export function createRunDeps(db: Database, clock: Clock): RunDeps {
  return {
    db,
    clock,
    runs: createRunsRepository(),
    journal: createJournalRepository(),
    locks: createLocksRepository(),
  };
}

const RETRYABLE = new Set(['40001', '40P01']);

/** Runs a transaction, retrying a few times on serialization failures and deadlocks. */
export async function inTransaction<T>(db: Database, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return retrying(() => db.transaction(fn));
}

/** The same, pipelined: BEGIN goes with the first statements, the last write with COMMIT. */
export async function inPipelinedCommand<T>(
  db: Database,
  fn: (t: PipelinedTransaction) => Promise<T>,
): Promise<T> {
  return retrying(() => inPipelinedTransaction(db, fn));
}

async function retrying<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 5 || !RETRYABLE.has(pgCode(error) ?? '')) throw error;
    }
  }
}

/** The Postgres error code of an error or of its cause (drizzle wraps driver errors). */
export function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
