// The store's one door: every repository over one database (or one transaction), built once in
// the composition root and carried in the contexts. A transaction gets the same repositories.
import { sql } from 'drizzle-orm';
import { createBudgetRepository } from './budget.repository.js';
import type { Database, Db } from './client.js';
import { createEscalationDmsRepository } from './escalation-dms.repository.js';
import { createEventsRepository } from './events.repository.js';
import { createHomeViewersRepository } from './home-viewers.repository.js';
import { createJournalRepository } from './journal.repository.js';
import { createLocksRepository } from './locks.repository.js';
import { createOutboxRepository } from './outbox.repository.js';
import { createRunQueries } from './queries.js';
import { createQueueRepository } from './queue.repository.js';
import { createReportsRepository } from './reports.repository.js';
import { createRunsRepository } from './runs.repository.js';
import { createSlackMessagesRepository } from './slack-messages.repository.js';
import { executeWrites, type Write } from './writes.js';

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

/** The store: the repositories, transactions over them, and a health check. */
export interface Store extends Repositories {
  /**
   * Runs `fn` in a transaction, with repositories over it; retried a few times on serialization
   * failures and deadlocks, so `fn` must do nothing but database work.
   */
  withTransaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
}

const RETRYABLE = new Set(['40001', '40P01']);

/** Creates the store over a database. */
export function createStore(db: Database): Store {
  return {
    ...createRepositories(db),
    async withTransaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction((tx) => fn(createRepositories(tx)));
        } catch (error) {
          if (attempt >= 5 || !RETRYABLE.has(pgCode(error) ?? '')) throw error;
        }
      }
    },
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

/** The Postgres error code of an error or of its cause (drizzle wraps driver errors). */
function pgCode(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
