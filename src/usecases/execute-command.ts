// Applying a command to a stored run: lock, apply, store state, events and effects, commit.
import {
  ACTIVE_STATUSES,
  applyCommand,
  type Refusal,
  type RunCommand,
  type RunEffect,
  type RunState,
} from '../runs/index.js';
import type { LoadedRun } from '../runs/loaded-run.js';
import type { RunDeps } from './deps.js';

/** The outcome of a command. `run` is the run as committed (the caller renders from it). */
export type CommandResult =
  | { ok: true; state: RunState; run: LoadedRun; effects: RunEffect[]; duplicate: boolean }
  | { ok: false; refusal: Refusal; run?: LoadedRun };

/**
 * Builds the command from the run as loaded under its lock (so a click loads the run once), or
 * null when the click does not fit the run (a stale or foreign button).
 */
export type CommandBuilder = (loaded: LoadedRun) => RunCommand | null | Promise<RunCommand | null>;

const NOT_MATCHING: Refusal = {
  code: 'run.button_mismatch',
  message: 'This button does not match the run any more; nothing was changed.',
};

/**
 * Applies a command exactly once per idempotency key, in two round trips on Postgres: BEGIN with
 * the row lock and the load with the key check (sent together; the load runs after the lock is
 * granted, so a concurrent duplicate always sees the first one's event), then every write as one
 * statement, with COMMIT. A command that writes nothing commits after the first.
 */
export async function executeCommand(
  deps: RunDeps,
  input: { runId: string; command: RunCommand | CommandBuilder; idempotencyKey: string | null },
): Promise<CommandResult> {
  const known = deps.store.recentRuns.get(input.runId);
  const outcome = await deps.store.withCommand<CommandResult>(async ({ tx, finish }) => {
    const loaded = await tx.runs.loadRun(input.runId, 'update', input.idempotencyKey, known);
    if (!loaded) return { ok: false, refusal: { code: 'run.not_found', message: 'no such run' } };
    if (loaded.seenKey) return { ok: true, state: loaded.state, run: loaded, effects: [], duplicate: true };
    const command = typeof input.command === 'function' ? await input.command(loaded) : input.command;
    if (!command) return { ok: false, refusal: NOT_MATCHING, run: loaded };
    const now = deps.clock.now();
    const result = applyCommand(loaded.runbook, loaded.state, command, now);
    if (!result.ok) return { ...result, run: loaded };
    if (result.events.length === 0 && result.effects.length === 0) {
      return { ok: true, state: loaded.state, run: loaded, effects: [], duplicate: false };
    }
    const at = now.toISOString();
    await finish([
      ...tx.runs.saveRunWrites(loaded.runbook, loaded.state, result.state, loaded.version),
      tx.journal.appendCommandWrite({
        runId: input.runId,
        command: command.type,
        actor: 'userId' in command ? command.userId : null,
        at,
        idempotencyKey: input.idempotencyKey,
        events: result.events,
      }),
      ...tx.journal.effectWrites(input.runId, result.effects, at),
      ...(ACTIVE_STATUSES.includes(result.state.status)
        ? []
        : tx.locks.releaseWrites({ ...loaded.meta, environment: result.state.environment }, at)),
    ]);
    const run: LoadedRun = { ...loaded, state: result.state, version: loaded.version + 1, seenKey: false };
    return { ok: true, state: result.state, run, effects: result.effects, duplicate: false };
  });
  // Committed: the next command on this run may find it unchanged and skip loading it again.
  if (outcome.run) deps.store.recentRuns.remember(outcome.run);
  return outcome;
}
