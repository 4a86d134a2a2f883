// What the run report reads from the store: a run's audit trail, and the runbook version it pinned.
import { asc, eq } from 'drizzle-orm';
import { bindDb, type Db } from './client.js';
import { runbookSnapshotsTable, runEventsTable } from './schema.js';

/** Creates the events repository: what a report reads. */
export function createEventsRepository({ db }: { db: Db }) {
  return bindDb(db, { listRunEvents, findSnapshotVersion });
}

/** One stored command of a run, with the events it recorded. */
export interface RunEventRow {
  id: number;
  command: string;
  actor: string | null;
  /** ISO time. */
  at: string;
  events: { type: string; actor: string | null; data: Record<string, unknown> }[];
}

/** A run's audit trail, in the order the commands were stored. */
async function listRunEvents(db: Db, runId: string): Promise<RunEventRow[]> {
  const rows = await db
    .select({
      id: runEventsTable.id,
      command: runEventsTable.command,
      actor: runEventsTable.actor,
      at: runEventsTable.at,
      events: runEventsTable.events,
    })
    .from(runEventsTable)
    .where(eq(runEventsTable.runId, runId))
    .orderBy(asc(runEventsTable.id));
  // Timestamps come back in Postgres' text form and JSON as text from some drivers: normalise both.
  return rows.map((row) => ({
    ...row,
    at: new Date(row.at).toISOString(),
    events: typeof row.events === 'string' ? JSON.parse(row.events) : row.events,
  }));
}

/** The content hash and git commit of a pinned runbook, or null when the snapshot is gone. */
async function findSnapshotVersion(
  db: Db,
  snapshotId: string,
): Promise<{ contentHash: string; gitCommit: string | null } | null> {
  const [row] = await db
    .select({ contentHash: runbookSnapshotsTable.contentHash, gitCommit: runbookSnapshotsTable.gitCommit })
    .from(runbookSnapshotsTable)
    .where(eq(runbookSnapshotsTable.id, snapshotId));
  return row ?? null;
}
