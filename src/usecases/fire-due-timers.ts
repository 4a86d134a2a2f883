// The timer worker: fires due timers, each taking effect exactly once whatever the number of workers.
import { executeWrites } from '../db/writes.js';
import { ACTIVE_STATUSES, applyCommand, type RunEffect } from '../runs/index.js';
import { inTransaction, type RunDeps } from './deps.js';

/** One timer fired, with the effects it produced. */
export interface FiredTimer {
  key: string;
  runId: string;
  effects: RunEffect[];
}

/**
 * Fires every timer due now. A timer is claimed inside the transaction that applies it, after the
 * run's row lock (the same order as commands take them), so a crash leaves it pending and
 * two workers never both fire it.
 */
export async function fireDueTimers(deps: RunDeps, options: { batch?: number } = {}): Promise<FiredTimer[]> {
  const now = deps.clock.now();
  const due = await deps.journal.dueTimers(deps.db, now.toISOString(), options.batch ?? 100);
  const fired: FiredTimer[] = [];
  for (const { id, runId } of due) {
    const result = await inTransaction(deps.db, async (tx) => {
      const loaded = await deps.runs.loadRun(tx, runId, 'skip_locked');
      if (!loaded) return null;
      const timer = await deps.journal.claimTimer(tx, id);
      if (!timer) return null;
      const at = now.toISOString();
      const outcome = applyCommand(
        loaded.runbook,
        loaded.state,
        { type: 'timer_fired', timer: timer.payload },
        now,
      );
      const done = deps.journal.finishTimerWrite(tx, id, at);
      if (!outcome.ok || (outcome.events.length === 0 && outcome.effects.length === 0)) {
        await executeWrites(tx, [done]);
        return { key: timer.key, runId, effects: [] };
      }
      await executeWrites(tx, [
        done,
        ...deps.runs.saveRunWrites(tx, loaded.runbook, loaded.state, outcome.state, loaded.version),
        deps.journal.appendCommandWrite(tx, {
          runId,
          command: 'timer_fired',
          actor: null,
          at,
          idempotencyKey: `timer:${timer.key}`,
          events: outcome.events,
        }),
        ...deps.journal.effectWrites(tx, runId, outcome.effects, at),
        ...(ACTIVE_STATUSES.includes(outcome.state.status)
          ? []
          : deps.locks.releaseWrites(tx, { ...loaded.meta, environment: outcome.state.environment }, at)),
      ]);
      return { key: timer.key, runId, effects: outcome.effects };
    });
    if (result) fired.push(result);
  }
  return fired;
}
