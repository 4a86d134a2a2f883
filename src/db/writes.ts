// A command's writes, sent as one statement: `with w0 as (insert …), w1 as (update …) select 1`.
// Each write is a drizzle query; together they cost one parse, one round trip and one socket write.
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';

/** One data-modifying statement, not yet sent. */
export type Write = SQLWrapper;

/**
 * Runs the writes as one statement. They see the same snapshot and must not touch the same row
 * twice (Postgres forbids it): a command's writes go to different rows by construction.
 */
export async function executeWrites(db: Database | Transaction, writes: readonly Write[]): Promise<void> {
  const statement = writesStatement(writes);
  if (statement) await db.execute(statement);
}

/** The writes as one statement (null when there are none). */
export function writesStatement(writes: readonly Write[]): SQL | null {
  if (writes.length === 0) return null;
  if (writes.length === 1 && writes[0]) return writes[0].getSQL();
  const ctes: SQL[] = writes.map((w, i) => sql`${sql.identifier(`w${i}`)} as (${w.getSQL()})`);
  return sql`with ${sql.join(ctes, sql`, `)} select 1`;
}
