// A transaction in two round trips on Postgres: BEGIN goes out with the first statements (a
// command's lock and load), and the last write goes out with COMMIT. drizzle's transaction waits
// for BEGIN and for COMMIT each on its own (four round trips and socket writes for a command), sends
// every statement unnamed (parsed and described again each time), and builds a transaction object
// with the whole schema's query builders per call. At concurrency the Node process is what limits
// commands per second, so this path sends its statements straight through postgres.js, as prepared
// statements (postgres.js keeps them per connection, by text). PGlite keeps drizzle's transaction:
// it is in the process, with no round trips to save.
import { Name, noopEncoder, Param, SQL, type SQLWrapper, StringChunk } from 'drizzle-orm';
import { PgDatabase, PgDialect } from 'drizzle-orm/pg-core';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type { Sql } from 'postgres';
import type { Db, Transaction } from './client.js';

/** Ends the transaction: sends its last statement (if any) together with COMMIT. */
export type Finish = (last: SQL | null) => Promise<void>;

/** What the work of a pipelined transaction gets. */
export interface PipelinedTransaction {
  /** The transaction; on Postgres its `execute` sends raw statements as prepared statements. */
  tx: Transaction;
  finish: Finish;
}

const dialect = new PgDialect();

/**
 * Runs `fn` in a transaction. Statements that `fn` sends without waiting go out together; `finish`
 * sends the last one with COMMIT (a failed last statement makes that COMMIT a rollback, and the
 * error is thrown). Without `finish`, the transaction commits when `fn` returns.
 */
export async function inPipelinedTransaction<T>(
  db: Db,
  fn: (t: PipelinedTransaction) => Promise<T>,
): Promise<T> {
  const client = (db as unknown as { $client?: Partial<Sql> }).$client;
  if (typeof client?.reserve !== 'function') return viaDrizzle(db, fn);
  const conn = await client.reserve();
  let open = true;
  const send = (statement: SQL) => {
    const q = plainQuery(statement) ?? dialect.sqlToQuery(statement);
    return conn.unsafe(q.sql, q.params as never[], { prepare: true }).execute();
  };
  try {
    const begin = conn.unsafe('begin').execute();
    // Its failure shows in the statements after it; awaited below so that it is never unhandled.
    const began = begin.then(
      () => null,
      (error: unknown) => error,
    );
    // No schema: its relational query builders are not used here, and cost a build per transaction.
    const tx = new PgDatabase(dialect, new PostgresJsSession(conn, dialect, undefined), undefined);
    // Sent at once, in call order (so after BEGIN), as a prepared statement.
    Object.assign(tx, { execute: (statement: SQLWrapper) => send(statement.getSQL()) });
    const result = await fn({
      tx: tx as unknown as Transaction,
      finish: async (last) => {
        if (!open) throw new Error('the transaction was already finished');
        open = false;
        const writing = last ? send(last) : null;
        const [written, committed] = await Promise.allSettled([writing, conn.unsafe('commit').execute()]);
        if (written.status === 'rejected') throw written.reason;
        if (committed.status === 'rejected') throw committed.reason;
      },
    });
    const beginError = await began;
    if (beginError) throw beginError;
    if (open) {
      open = false;
      await conn.unsafe('commit');
    }
    return result;
  } catch (error) {
    if (open) {
      open = false;
      await conn.unsafe('rollback').catch(() => undefined);
    }
    throw error;
  } finally {
    conn.release();
  }
}

function viaDrizzle<T>(db: Db, fn: (t: PipelinedTransaction) => Promise<T>): Promise<T> {
  return db.transaction((tx) =>
    fn({
      tx,
      finish: async (last) => {
        if (last) await tx.execute(last);
      },
    }),
  );
}

/**
 * The text and parameters of a statement made only of SQL text, nested `sql` fragments,
 * identifiers and plain values (what a command sends: its lock, its load and its hand-written
 * writes), or null for anything else (tables, columns, encoders: drizzle's builders), which goes
 * through drizzle's sqlToQuery. That walk asks each chunk in turn whether it is one of a dozen
 * kinds of entity, plain values last: for a command's statements it was a sixth of its CPU.
 * The same text and parameters as drizzle's, as the tests check.
 */
export function plainQuery(statement: SQL): { sql: string; params: unknown[] } | null {
  const params: unknown[] = [];
  let text = '';
  const walk = (chunks: readonly unknown[]): boolean => {
    for (const chunk of chunks) {
      switch (typeof chunk) {
        case 'string':
        case 'number':
        case 'boolean':
          params.push(chunk);
          text += `$${params.length}`;
          continue;
        case 'undefined':
          continue;
        case 'object':
          if (chunk === null) {
            params.push(null);
            text += `$${params.length}`;
          } else if (chunk instanceof StringChunk) {
            text += chunk.value.join('');
          } else if (chunk instanceof SQL) {
            if (inlines(chunk) || !walk(chunk.queryChunks)) return false;
          } else if (chunk instanceof Name) {
            text += `"${chunk.value.replace(/"/g, '""')}"`;
          } else if (chunk instanceof Param && chunk.encoder === noopEncoder && isPlain(chunk.value)) {
            params.push(chunk.value);
            text += `$${params.length}`;
          } else return false;
          continue;
        default:
          return false;
      }
    }
    return true;
  };
  return walk([statement]) ? { sql: text, params } : null;
}

const inlines = (chunk: SQL) => (chunk as unknown as { shouldInlineParams: boolean }).shouldInlineParams;
const isPlain = (value: unknown) =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
