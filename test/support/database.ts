// A fresh, migrated database per test: a clone of the template on real Postgres, or an in-memory PGlite.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type DatabaseHandle, type DatabaseTarget, openDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { TEMPLATE, withDatabase } from './global-setup.js';

/** The drivers to run database tests on: PGlite always, real Postgres when TEST_DATABASE_URL is set. */
export const DRIVERS: readonly ('postgres' | 'pglite')[] = process.env.TEST_DATABASE_URL
  ? ['postgres', 'pglite']
  : ['pglite'];

/** A test database: open it (again, as a new process would) and drop it at the end. */
export interface TestDatabase {
  target: DatabaseTarget;
  open(): Promise<DatabaseHandle>;
  dispose(): Promise<void>;
}

/** Creates a fresh database for one test file or test. PGlite ones live in a temp folder when `onDisk`. */
export async function createTestDatabase(
  driver: 'postgres' | 'pglite',
  options: { onDisk?: string } = {},
): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const target = { dataDir: options.onDisk ?? 'memory://' };
    const first = await openDatabase(target);
    await migrateDatabase(first);
    let reuse: DatabaseHandle | null = first;
    return {
      target,
      // In memory, the database lives only as long as its handle: hand out the one we migrated.
      open: async () => {
        if (reuse) {
          const handle = reuse;
          reuse = null;
          return handle;
        }
        return openDatabase(target);
      },
      dispose: async () => {
        await reuse?.close();
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL ?? '';
  const name = `deploybot_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${TEMPLATE}`);
  const target = { url: withDatabase(url, name), maxConnections: 20 };
  return {
    target,
    open: () => openDatabase(target),
    dispose: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
