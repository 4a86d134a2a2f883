// Applies drizzle/ migrations at start-up, under an advisory lock so replicas starting together do not race.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { DatabaseHandle } from './client.js';

/** Advisory lock key for migrations ("deploybot" in ASCII, folded to 31 bits). */
export const MIGRATION_LOCK_KEY = 0x6465706c;

/** The drizzle/ folder, from the sources (src/db) or the build (dist/src/db). */
export function migrationsFolder(): string {
  for (const relative of ['../../drizzle', '../../../drizzle']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${path}/meta/_journal.json`)) return path;
  }
  throw new Error('drizzle/ migrations folder not found next to the sources');
}

/** Brings the schema up to date. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  const folder = migrationsFolder();
  await handle.withAdvisoryLock(MIGRATION_LOCK_KEY, async () => {
    if (handle.driver === 'postgres') {
      await migratePostgres(handle.db as unknown as PostgresJsDatabase, { migrationsFolder: folder });
    } else {
      await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder: folder });
    }
  });
}
