// Reassigning the owner of a phase or step from the thread: anyone in the run's channel may, and the
// audit trail keeps who did. The new owner of the current phase is told in the thread.
import type { RunCommand } from '../commands.js';
import { type Draft, effect, record } from '../draft.js';
import { refuse } from '../refusals.js';

/** Gives a phase or step a new owner. */
export function reassignOwner(draft: Draft, command: Extract<RunCommand, { type: 'reassign_owner' }>) {
  const { runbook, state } = draft;
  const phaseIndex = runbook.phases.findIndex((p) => p.id === command.targetId);
  const step = runbook.steps.find((s) => s.id === command.targetId);
  if (phaseIndex < 0 && !step) return refuse('owner.unknown_target', 'this phase or step is not in the run');
  state.owners ??= {};
  const owners = state.owners;
  if (owners[command.targetId]?.userId === command.ownerId) {
    return refuse('owner.unchanged', `<@${command.ownerId}> already owns it`);
  }
  const before = owners[command.targetId] ?? null;
  owners[command.targetId] = {
    label: command.ownerId,
    userId: command.ownerId,
    by: command.userId,
    at: draft.nowIso,
  };
  record(draft, 'owner_reassigned', command.userId, {
    targetId: command.targetId,
    from: before?.userId ?? before?.label ?? null,
    to: command.ownerId,
  });
  const index = phaseIndex >= 0 ? phaseIndex : (step?.phaseIndex ?? -1);
  // The current phase's new owner is told now; a later phase's owner is mentioned by its message
  // when it becomes current; a phase already done has nothing left to own (its message changes).
  if (index === state.currentPhaseIndex) {
    effect(draft, {
      type: 'notify',
      notice: {
        kind: 'owner_reassigned',
        targetId: command.targetId,
        ownerId: command.ownerId,
        by: command.userId,
      },
    });
  }
  effect(draft, { type: 'render_run' });
  return null;
}
