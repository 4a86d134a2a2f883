// The store's one door: every repository over one database (or one transaction), built once in
// the composition root and carried in the contexts. A transaction gets the same repositories.
import { sql } from 'drizzle-orm';
import type { LoadedRun } from '../runs/loaded-run.js';
import { createBudgetRepository } from './budget.repository.js';
import type { Database, Db } from './client.js';
import { createEscalationDmsRepository } from './escalation-dms.repository.js';
import { createEventsRepository } from './events.repository.js';
import { createHomeViewersRepository } from './home-viewers.repository.js';
import { createJournalRepository } from './journal.repository.js';
import { createLocksRepository } from './locks.repository.js';
import { createOutboxRepository } from './outbox.repository.js';
import { inPipelinedTransaction } from './pipelined-transaction.js';
import { createRunQueries } from './queries.js';
import { createQueueRepository } from './queue.repository.js';
import { createReportsRepository } from './reports.repository.js';
import { createRunsRepository } from './runs.repository.js';
import { createSlackMessagesRepository } from './slack-messages.repository.js';
import { executeWrites, type Write, writesStatement } from './writes.js';

/** Every repository over `db`. */
export function createRepositories(db: Db) {
  return {
    runs: createRunsRepository({ db }),
    journal: createJournalRepository({ db }),
    locks: createLocksRepository({ db }),
    outbox: createOutboxRepository({ db }),
    queue: createQueueRepository({ db }),
    queries: createRunQueries({ db }),
    slackMessages: createSlackMessagesRepository({ db }),
    budget: createBudgetRepository({ db }),
    escalationDms: createEscalationDmsRepository({ db }),
    reports: createReportsRepository({ db }),
    events: createEventsRepository({ db }),
    homeViewers: createHomeViewersRepository({ db }),
    /** Sends writes (built by the repositories) as one statement. */
    execute: (writes: readonly Write[]) => executeWrites(db, writes),
  };
}

/** The repositories' type. */
export type Repositories = ReturnType<typeof createRepositories>;

/** What the work of a command's transaction gets. */
export interface CommandTransaction {
  /** The repositories over the transaction. */
  tx: Repositories;
  /** Sends the writes (as one statement) together with COMMIT; a failed write rolls all back. */
  finish(writes: readonly Write[]): Promise<void>;
}

/** The store: the repositories, transactions over them, and a health check. */
export interface Store extends Repositories {
  /**
   * Runs `fn` in a transaction, with repositories over it; retried a few times on serialization
   * failures and deadlocks, so `fn` must do nothing but database work.
   */
  withTransaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * A command's transaction, in two round trips on Postgres: BEGIN goes out with the first
   * statements (the lock and the load), the writes with COMMIT (`finish`), and statements are
   * prepared. Without `finish` it commits when `fn` returns. Retried like `withTransaction`.
   */
  withCommand<T>(fn: (command: CommandTransaction) => Promise<T>): Promise<T>;
  /** Runs as this process last saw them committed, for loads that find them unchanged. */
  recentRuns: RecentRuns;
  /** True when the database answers. */
  ping(): Promise<boolean>;
}

/**
 * Runs as this process last saw them committed. A run's version moves with every write to it, so a
 * load that finds the same version may take the run from here (see the runs repository's loadRun).
 */
export interface RecentRuns {
  get(runId: string): LoadedRun | null;
  /** Keeps a committed run, unless a newer version of it is kept already. */
  remember(run: LoadedRun): void;
}

function createRecentRuns(size: number): RecentRuns {
  const runs = new Map<string, LoadedRun>();
  return {
    get: (runId) => runs.get(runId) ?? null,
    remember(run) {
      const kept = runs.get(run.meta.id);
      if (kept && kept.version >= run.version) return;
      runs.delete(run.meta.id);
      runs.set(run.meta.id, run);
      if (runs.size > size) runs.delete(runs.keys().next().value ?? '');
    },
  };
}

const RETRYABLE = new Set(['40001', '40P01']);

/** Creates the store over a database. */
export function createStore(db: Database): Store {
  return {
    ...createRepositories(db),
    recentRuns: createRecentRuns(1000),
    withTransaction: (fn) => retrying(() => db.transaction((tx) => fn(createRepositories(tx)))),
    withCommand: (fn) =>
      retrying(() =>
        inPipelinedTransaction(db, ({ tx, finish }) =>
          fn({ tx: createRepositories(tx), finish: (writes) => finish(writesStatement(writes)) }),
        ),
      ),
    async ping() {
      try {
        await db.execute(sql`select 1`);
        return true;
      } catch {
        return false;
      }
    },
  };
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
function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
