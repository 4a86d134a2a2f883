// The timer worker: fires due timers, each taking effect exactly once whatever the number of workers.
import { ACTIVE_STATUSES, applyCommand, type RunEffect } from '../runs/index.js';
import type { RunDeps } from './deps.js';

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
  const due = await deps.store.journal.dueTimers(now.toISOString(), options.batch ?? 100);
  const fired: FiredTimer[] = [];
  for (const { id, runId } of due) {
    const result = await deps.store.withTransaction(async (tx) => {
      const loaded = await tx.runs.loadRun(runId, 'skip_locked');
      if (!loaded) return null;
      const timer = await tx.journal.claimTimer(id);
      if (!timer) return null;
      const at = now.toISOString();
      const outcome = applyCommand(
        loaded.runbook,
        loaded.state,
        { type: 'timer_fired', timer: timer.payload },
        now,
      );
      const done = tx.journal.finishTimerWrite(id, at);
      if (!outcome.ok || (outcome.events.length === 0 && outcome.effects.length === 0)) {
        await tx.execute([done]);
        return { key: timer.key, runId, effects: [] };
      }
      await tx.execute([
        done,
        ...tx.runs.saveRunWrites(loaded.runbook, loaded.state, outcome.state, loaded.version),
        tx.journal.appendCommandWrite({
          runId,
          command: 'timer_fired',
          actor: null,
          at,
          idempotencyKey: `timer:${timer.key}`,
          events: outcome.events,
        }),
        ...tx.journal.effectWrites(runId, outcome.effects, at),
        ...(ACTIVE_STATUSES.includes(outcome.state.status)
          ? []
          : tx.locks.releaseWrites({ ...loaded.meta, environment: outcome.state.environment }, at)),
      ]);
      return { key: timer.key, runId, effects: outcome.effects };
    });
    if (result) fired.push(result);
  }
  return fired;
}
