// Starting a run: pin the runbook, take the environment lock, store the first state.
import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { runbookSnapshotsTable, runsTable } from '../db/schema.js';
import { executeWrites } from '../db/writes.js';
import type { Runbook } from '../runbook/index.js';
import { type RunEffect, type RunOwner, type RunState, startRun } from '../runs/index.js';
import { mention } from '../runs/refusals.js';
import { formatTime } from '../shared/format-time.js';
import { escapeText } from '../slack/escape.js';
import { inTransaction, type RunDeps } from './deps.js';

/** What a start needs from the edge (the file already read and parsed). */
export interface StartRunInput {
  runbookName: string;
  runbook: Runbook;
  contentHash: string;
  gitCommit: string | null;
  channelId: string;
  starterId: string;
  environment: string;
  rehearsal: boolean;
  params: Record<string, string>;
  /** Approvals needed per approval id, when the directory asks for more than the runbook. */
  required?: Record<string, number>;
  /** The runbook's owners, resolved to Slack users where possible. */
  owners?: Record<string, RunOwner>;
  runId?: string;
}

/** The outcome of a start. */
export type StartRunResult =
  | { ok: true; runId: string; state: RunState; effects: RunEffect[]; changedSinceLastRun: boolean }
  | {
      ok: false;
      code: 'run.environment_locked';
      message: string;
      holder: { runId: string; holderId: string; since: string };
    };

/** Starts a run, or says who holds the environment. */
export async function startRunUseCase(deps: RunDeps, input: StartRunInput): Promise<StartRunResult> {
  const now = deps.clock.now();
  const runId = input.runId ?? randomUUID();
  return inTransaction(deps.db, async (tx) => {
    const [previous] = await tx
      .select({ hash: runbookSnapshotsTable.contentHash })
      .from(runsTable)
      .innerJoin(runbookSnapshotsTable, eq(runsTable.snapshotId, runbookSnapshotsTable.id))
      .where(eq(runsTable.runbookName, input.runbookName))
      .orderBy(desc(runsTable.startedAt))
      .limit(1);
    const snapshotId = await deps.runs.saveSnapshot(tx, {
      name: input.runbookName,
      contentHash: input.contentHash,
      gitCommit: input.gitCommit,
      model: input.runbook,
    });
    const started = startRun(
      input.runbook,
      {
        runId,
        starterId: input.starterId,
        environment: input.environment,
        rehearsal: input.rehearsal,
        params: input.params,
        ...(input.required ? { required: input.required } : {}),
        ...(input.owners ? { owners: input.owners } : {}),
      },
      now,
    );
    await deps.runs.insertRun(
      tx,
      { id: runId, snapshotId, runbookName: input.runbookName, channelId: input.channelId },
      started.state,
    );
    const lock = await deps.locks.acquire(tx, {
      runbookName: input.runbookName,
      environment: input.environment,
      runId,
      holderId: input.starterId,
      since: now.toISOString(),
    });
    if (!lock.ok) {
      // Undo the insert: nothing of a refused start may remain.
      await tx.delete(runsTable).where(eq(runsTable.id, runId));
      const { holder } = lock;
      return {
        ok: false as const,
        code: 'run.environment_locked' as const,
        // Shown in Slack: the environment is whatever the starter typed.
        message: `${escapeText(input.runbookName)} is already running in ${escapeText(input.environment)}: run ${holder.runId} started by ${mention(holder.holderId)} at ${formatTime(holder.since)}`,
        holder,
      };
    }
    await executeWrites(tx, [
      deps.journal.appendCommandWrite(tx, {
        runId,
        command: 'start',
        actor: input.starterId,
        at: now.toISOString(),
        idempotencyKey: null,
        events: started.events,
      }),
      ...deps.journal.effectWrites(tx, runId, started.effects, now.toISOString()),
    ]);
    return {
      ok: true as const,
      runId,
      state: started.state,
      effects: started.effects,
      changedSinceLastRun: previous !== undefined && previous.hash !== input.contentHash,
    };
  });
}
