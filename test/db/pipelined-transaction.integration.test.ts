import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import { inPipelinedTransaction } from '../../src/db/pipelined-transaction.js';
import { rowsOf } from '../../src/db/runs.repository.js';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/database.js';

describe.each(DRIVERS)('a pipelined transaction on %s', (driver) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;

  beforeEach(async () => {
    testDb = await createTestDatabase(driver);
    handle = await testDb.open();
    await handle.db.execute(sql`create table counter (id int primary key, n int not null)`);
    await handle.db.execute(sql`insert into counter values (1, 0)`);
  });

  afterEach(async () => {
    await handle.close();
    await testDb.dispose();
  });

  const value = async () => Number(rowsOf(await handle.db.execute(sql`select n from counter`))[0]?.n);

  it('commits the last write sent with COMMIT, and what the work returns', async () => {
    const got = await inPipelinedTransaction(handle.db, async ({ tx, finish }) => {
      const [row] = rowsOf(await tx.execute(sql`select n from counter where id = ${1} for update`));
      await finish(sql`update counter set n = ${Number(row?.n) + 1} where id = ${1}`);
      return 'done';
    });
    expect(got).toBe('done');
    expect(await value()).toBe(1);
  });

  it('rolls everything back when the last write fails, and throws its error', async () => {
    const failing = inPipelinedTransaction(handle.db, async ({ tx, finish }) => {
      await tx.execute(sql`update counter set n = n + 10 where id = ${1}`);
      await finish(sql`insert into counter values (${1}, ${0})`);
    });
    await expect(failing).rejects.toThrow();
    expect(await value()).toBe(0);
  });

  it('rolls back what was sent when the work throws', async () => {
    const failing = inPipelinedTransaction(handle.db, async ({ tx }) => {
      await tx.execute(sql`update counter set n = n + 10 where id = ${1}`);
      throw new Error('refused');
    });
    await expect(failing).rejects.toThrow('refused');
    expect(await value()).toBe(0);
  });

  it('serialises concurrent increments under the row lock', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        inPipelinedTransaction(handle.db, async ({ tx, finish }) => {
          const [row] = rowsOf(await tx.execute(sql`select n from counter where id = ${1} for update`));
          await finish(sql`update counter set n = ${Number(row?.n) + 1} where id = ${1}`);
        }),
      ),
    );
    expect(await value()).toBe(20);
  });
});
