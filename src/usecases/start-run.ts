// Starting a run: pin the runbook, take the environment lock, store the first state.
import { randomUUID } from 'node:crypto';
import type { Runbook } from '../runbook/index.js';
import { type RunEffect, type RunOwner, type RunState, startRun } from '../runs/index.js';
import type { RunDeps } from './deps.js';

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
      holder: { runId: string; holderId: string; since: string };
    };

/** Starts a run, or says who holds the environment. */
export async function startRunUseCase(deps: RunDeps, input: StartRunInput): Promise<StartRunResult> {
  const now = deps.clock.now();
  const runId = input.runId ?? randomUUID();
  return deps.store.withTransaction(async (tx) => {
    const previousHash = await tx.runs.lastContentHash(input.runbookName);
    const snapshotId = await tx.runs.saveSnapshot({
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
    await tx.runs.insertRun(
      { id: runId, snapshotId, runbookName: input.runbookName, channelId: input.channelId },
      started.state,
    );
    const lock = await tx.locks.acquire({
      runbookName: input.runbookName,
      environment: input.environment,
      runId,
      holderId: input.starterId,
      since: now.toISOString(),
    });
    if (!lock.ok) {
      // Undo the insert: nothing of a refused start may remain.
      await tx.runs.deleteRun(runId);
      return { ok: false as const, code: 'run.environment_locked' as const, holder: lock.holder };
    }
    await tx.execute([
      tx.journal.appendCommandWrite({
        runId,
        command: 'start',
        actor: input.starterId,
        at: now.toISOString(),
        idempotencyKey: null,
        events: started.events,
      }),
      ...tx.journal.effectWrites(runId, started.effects, now.toISOString()),
    ]);
    return {
      ok: true as const,
      runId,
      state: started.state,
      effects: started.effects,
      changedSinceLastRun: previousHash !== null && previousHash !== input.contentHash,
    };
  });
}
