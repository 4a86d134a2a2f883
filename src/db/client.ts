// Opens the database: Postgres through postgres.js when a URL is given, else embedded PGlite.
// Both come out as one drizzle type, so the rest of the code has one path.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

/** The drizzle database, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A transaction of it. */
export type Transaction = PgTransaction<
  PgQueryResultHKT,
  typeof schema,
  ExtractTablesWithRelations<typeof schema>
>;

/** An open database and how to close it. */
export interface DatabaseHandle {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** Runs `fn` while holding a session-level advisory lock (serialises replicas). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where to find the database: a Postgres URL, or a PGlite data folder (`memory://` for tests). */
export type DatabaseTarget = { url: string; maxConnections?: number } | { dataDir: string };

/** Opens the database described by the target. */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return 'url' in target ? openPostgres(target.url, target.maxConnections ?? 10) : openPglite(target.dataDir);
}

function openPostgres(url: string, max: number): DatabaseHandle {
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzlePostgres(preparing(client), { schema }) as unknown as Database;
  return {
    db,
    driver: 'postgres',
    async withAdvisoryLock(key, fn) {
      // A connection of its own: the work under the lock needs the pool's connections.
      const session = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await session`select pg_advisory_lock(${key})`;
        return await fn();
      } finally {
        await session`select pg_advisory_unlock(${key})`.catch(() => {});
        await session.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * The client as drizzle gets it: its statements become prepared statements. drizzle sends them
 * unnamed, and postgres.js sends an unnamed statement with parameters as Parse/Describe, waits for
 * the parameter types, then Bind/Execute: two round trips and two socket writes each, and nothing
 * pipelined behind it. A prepared one (kept per connection, by text and types) is one Bind/Execute
 * from its second use on. Connections are recycled (postgres.js's max_lifetime), which bounds the
 * statements kept for texts that vary (lists of ids). A pooler in front of Postgres must support
 * prepared statements (pgbouncer 1.21 or later, with max_prepared_statements).
 */
function preparing(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe')
        return (query: string, params?: never[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params, { ...options, prepare: true });
      if (prop === 'begin')
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args, (tx: postgres.Sql) =>
            fn(preparing(tx)),
          );
        };
      return Reflect.get(target, prop, receiver);
    },
  });
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    driver: 'pglite',
    // PGlite is one process's private database: nothing else can race for it.
    withAdvisoryLock: (_key, fn) => fn(),
    close: () => client.close(),
  };
}

/** The database or one of its transactions: what a repository is built over. */
export type Db = Database | Transaction;

type BoundTo<F> = F extends (db: Db, ...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * Binds functions whose first parameter is the database to one database (or transaction): how a
 * repository written as plain functions becomes `createXRepository({ db })`.
 */
export function bindDb<T extends Record<string, (db: Db, ...args: never[]) => unknown>>(
  db: Db,
  fns: T,
): { [K in keyof T]: BoundTo<T[K]> } {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fns)) {
    bound[name] = (...args: never[]) => fn(db, ...args);
  }
  return bound as { [K in keyof T]: BoundTo<T[K]> };
}
