// What the sync's tests stand on: a real database of the driver's and a fake Slack over HTTP, fresh
// for each test of the calling describe, and a run started on them.
import { afterEach, beforeEach } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import type { Runbook } from '../../src/runbook/index.js';
import type { RunDeps } from '../../src/usecases/deps.js';
import { startRunUseCase } from '../../src/usecases/start-run.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { createFakeSlack, type FakeSlack } from './fake-slack.js';

export interface SyncBed {
  handle: DatabaseHandle;
  slack: FakeSlack;
}

/** A database and a fake Slack for each test of the describe it is called in. */
export function useSyncBed(driver: 'postgres' | 'pglite'): SyncBed {
  const bed = {} as SyncBed & { database: TestDatabase };
  beforeEach(async () => {
    bed.database = await createTestDatabase(driver);
    bed.handle = await bed.database.open();
    bed.slack = await createFakeSlack();
  });
  afterEach(async () => {
    await bed.handle.close();
    await bed.database.dispose();
    await bed.slack.close();
  });
  return bed;
}

/** Starts a run of `runbook` in channel C1 (environment prod, by U1); returns its id. */
export async function startTestRun(deps: RunDeps, runbook: Runbook): Promise<string> {
  const started = await startRunUseCase(deps, {
    runbookName: 'rb',
    runbook,
    contentHash: 'h',
    gitCommit: null,
    channelId: 'C1',
    starterId: 'U1',
    environment: 'prod',
    rehearsal: false,
    params: {},
  });
  if (!started.ok) throw new Error('run did not start');
  return started.runId;
}
