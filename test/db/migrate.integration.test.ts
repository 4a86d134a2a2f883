import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { rowsOf } from '../../src/db/runs.repository.js';
import * as schema from '../../src/db/schema.js';
import { withDatabase } from '../support/global-setup.js';

const url = process.env.TEST_DATABASE_URL;
// Every migration file of drizzle/, and every table the schema declares.
const MIGRATIONS = (
  JSON.parse(readFileSync(new URL('../../drizzle/meta/_journal.json', import.meta.url), 'utf8')) as {
    entries: unknown[];
  }
).entries.length;
const TABLES = Object.values(schema).filter((t) => is(t, PgTable)).length;

describe.runIf(url)('migrations on real Postgres', () => {
  it('three replicas starting together on an empty database: all succeed, each migration applied once', async () => {
    const name = `deploybot_migrate_${randomBytes(4).toString('hex')}`;
    const admin = postgres(url ?? '', { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const handles = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ url: withDatabase(url ?? '', name) })),
    );
    try {
      await Promise.all(handles.map((h) => migrateDatabase(h)));
      const check = postgres(withDatabase(url ?? '', name), { max: 1, onnotice: () => {} });
      const applied = await check`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const tables =
        await check`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
      await check.end();
      expect(applied[0]?.n).toBe(MIGRATIONS);
      expect(tables[0]?.n).toBe(TABLES);
      // A restart migrates again: nothing to do, nothing breaks.
      for (const h of handles.slice(0, 1)) await migrateDatabase(h);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe('migrations on PGlite', () => {
  it('an embedded database migrates at start and again at restart', async () => {
    const handle = await openDatabase({ dataDir: 'memory://' });
    try {
      await migrateDatabase(handle);
      await migrateDatabase(handle);
      const result = await handle.db.execute(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      // Each migration of drizzle/ is applied once, however often the bot starts.
      const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as {
        entries: unknown[];
      };
      expect(rowsOf(result)[0]).toMatchObject({ n: journal.entries.length });
    } finally {
      await handle.close();
    }
  });
});
