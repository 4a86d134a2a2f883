import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { plainQuery } from '../../src/db/pipelined-transaction.js';
import { outboxTable } from '../../src/db/schema.js';
import { writesStatement } from '../../src/db/writes.js';

const dialect = new PgDialect();

describe('plainQuery (a command statement without drizzle walk)', () => {
  it('gives the text and parameters drizzle gives, for text, fragments, identifiers and plain values', () => {
    const inner = sql`${sql.identifier('w"0')} as (update runs set status = ${'done'}, n = ${sql.param(3)} where id = ${'r1'})`;
    const statement = sql`with ${sql.join([inner, sql`w1 as (select ${null}, ${true}, ${1.5})`], sql`, `)} select 1 where ${undefined} x = ${'a'}`;
    const ours = plainQuery(statement);
    const theirs = dialect.sqlToQuery(statement);
    expect(ours).toEqual({ sql: theirs.sql, params: theirs.params });
    expect(ours?.params).toEqual(['done', 3, 'r1', null, true, 1.5, 'a']);
  });

  it('leaves statements of drizzle builders (tables, columns, encoders) to drizzle', () => {
    const built = writesStatement([
      sql`update runs set version = ${2} where id = ${'r1'}`,
      sql`insert into ${outboxTable} (${outboxTable.runId}) values (${'r1'})`,
    ]);
    expect(built).not.toBeNull();
    expect(plainQuery(built ?? sql``)).toBeNull();
    expect(plainQuery(sql`select ${new Date(0)}`)).toBeNull();
    expect(plainQuery(sql`select ${sql.param({ a: 1 })}`)).toBeNull();
  });
});
