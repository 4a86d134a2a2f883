// Steps: done, skipped, failed, undone, and their waits.
import { addMilliseconds } from 'date-fns/addMilliseconds';
import type { Step } from '../../runbook/index.js';
import { formatTime } from '../../shared/format-time.js';
import type { RunCommand, Transition } from '../commands.js';
import { type Draft, effect, findStep, record, stepState, waitTimerKey } from '../draft.js';
import { currentPhaseIndex, isGated, isRollingBack } from '../progress.js';
import { mention, refuse } from '../refusals.js';

type StepCommand = Extract<RunCommand, { stepId: string }>;

/** Checks that a step exists and may be acted on now; returns it, or the refusal. */
export function checkActionable(
  draft: Draft,
  command: StepCommand,
): Step | Extract<Transition, { ok: false }> {
  const { runbook, state } = draft;
  const step = findStep(runbook, command.stepId);
  if (!step) return refuse('run.step_unknown', 'this step is not part of the runbook version this run uses');
  if (step.rollback && !isRollingBack(state)) {
    return refuse('run.rollback_not_started', 'rollback steps open only when a rollback starts');
  }
  if (!step.rollback && isRollingBack(state)) {
    return refuse('run.rolling_back', 'the run is rolling back: only rollback steps can be changed now');
  }
  const current = currentPhaseIndex(runbook, state);
  if (command.type !== 'undo_step' && current !== null && step.phaseIndex > current) {
    const phase = runbook.phases[current]?.title ?? '';
    return refuse('run.phase_not_current', `this step's phase has not started yet: finish "${phase}" first`);
  }
  if (command.type !== 'undo_step' && isGated(runbook, state, step)) {
    return refuse(
      'run.gate_locked',
      'this step waits for an approval gate: it opens once every slot is signed',
    );
  }
  return step;
}

/** Marks a step done, with "I ran it" output when given. */
export function completeStep(
  draft: Draft,
  command: Extract<RunCommand, { type: 'complete_step' }>,
  step: Step,
) {
  const st = stepState(draft, step.id);
  if (st.status === 'done' || st.status === 'skipped') return refuseTaken(st.status, st.by, st.at);
  if (step.wait && !command.confirmEarly) {
    const endsAt = st.waitEndsAt;
    if (!endsAt)
      return refuse(
        'run.wait_not_started',
        `this step asks for a ${step.wait.minutes}-minute wait: start the timer, or confirm to mark it done now`,
      );
    if (Date.parse(endsAt) > draft.now.getTime()) {
      return refuse(
        'run.wait_not_elapsed',
        `the ${step.wait.minutes}-minute wait ends at ${formatTime(endsAt)}: confirm to mark it done early`,
      );
    }
  }
  Object.assign(st, { status: 'done', by: command.userId, at: draft.nowIso });
  if (command.output !== undefined) st.output = command.output;
  if (command.exitCode !== undefined) st.exitCode = command.exitCode;
  // The step keeps its wait's start and end, so it can say it was done before the wait ended.
  stopWaitTimer(draft, step.id);
  record(draft, 'step_completed', command.userId, {
    stepId: step.id,
    ...(command.confirmEarly && step.wait ? { early: true } : {}),
    ...(command.output !== undefined ? { output: command.output } : {}),
    ...(command.exitCode !== undefined ? { exitCode: command.exitCode } : {}),
  });
  effect(draft, { type: 'render_run' });
  return null;
}

/** Skips a step. */
export function skipStep(draft: Draft, command: Extract<RunCommand, { type: 'skip_step' }>, step: Step) {
  const st = stepState(draft, step.id);
  if (st.status === 'done' || st.status === 'skipped') return refuseTaken(st.status, st.by, st.at);
  Object.assign(st, { status: 'skipped', by: command.userId, at: draft.nowIso });
  stopWaitTimer(draft, step.id);
  record(draft, 'step_skipped', command.userId, { stepId: step.id });
  effect(draft, { type: 'render_run' });
  return null;
}

/** Marks a step failed; the caller may go on to start a rollback. */
export function failStep(draft: Draft, command: Extract<RunCommand, { type: 'fail_step' }>, step: Step) {
  const st = stepState(draft, step.id);
  if (st.status !== 'pending') return refuseTaken(st.status, st.by, st.at);
  Object.assign(st, {
    status: 'failed',
    by: command.userId,
    at: draft.nowIso,
    output: command.reason ?? null,
  });
  record(draft, 'step_failed', command.userId, { stepId: step.id, reason: command.reason ?? null });
  effect(draft, { type: 'render_run' });
  return null;
}

/** Puts a done, skipped or failed step back to pending. */
export function undoStep(draft: Draft, command: Extract<RunCommand, { type: 'undo_step' }>, step: Step) {
  const st = stepState(draft, step.id);
  if (st.status === 'pending')
    return refuse('run.step_not_done', 'this step is not done, so there is nothing to undo');
  const previous = st.status;
  // A wait cut short by Done or Skip lost its timer then: the step starts over without it.
  const cutShort =
    (previous === 'done' || previous === 'skipped') &&
    st.waitEndsAt !== null &&
    Date.parse(st.waitEndsAt) > draft.now.getTime();
  Object.assign(st, {
    status: 'pending',
    by: command.userId,
    at: draft.nowIso,
    output: null,
    exitCode: null,
    ...(cutShort ? { waitStartedAt: null, waitEndsAt: null, waitStartedBy: null, waitNotifiedAt: null } : {}),
  });
  record(draft, 'step_undone', command.userId, { stepId: step.id, previous });
  effect(draft, { type: 'render_run' });
  return null;
}

/** Starts a step's wait timer. */
export function startWait(draft: Draft, command: Extract<RunCommand, { type: 'start_wait' }>, step: Step) {
  const st = stepState(draft, step.id);
  if (!step.wait) return refuse('run.no_wait', 'this step has no wait');
  if (st.status !== 'pending') return refuseTaken(st.status, st.by, st.at);
  if (st.waitEndsAt && Date.parse(st.waitEndsAt) > draft.now.getTime()) {
    return refuse(
      'run.wait_running',
      `the timer is already running (started by ${mention(st.waitStartedBy ?? '')}), it ends at ${formatTime(st.waitEndsAt)}`,
    );
  }
  cancelWait(draft, step.id);
  const endsAt = addMilliseconds(draft.now, step.wait.minutes * 60_000).toISOString();
  Object.assign(st, {
    waitStartedAt: draft.nowIso,
    waitEndsAt: endsAt,
    waitStartedBy: command.userId,
    waitNotifiedAt: null,
  });
  record(draft, 'wait_started', command.userId, { stepId: step.id, minutes: step.wait.minutes, endsAt });
  effect(draft, {
    type: 'set_timer',
    key: waitTimerKey(draft.state.id, step.id, draft.nowIso),
    dueAt: endsAt,
    timer: { kind: 'wait', stepId: step.id, endsAt },
  });
  effect(draft, { type: 'render_run' });
  return null;
}

/** A wait's timer fired: say so in the thread once, if the step still waits. */
export function waitElapsed(draft: Draft, stepId: string, endsAt: string): void {
  const st = draft.state.steps[stepId];
  if (st?.status !== 'pending' || st.waitEndsAt !== endsAt || st.waitNotifiedAt) return;
  const step = findStep(draft.runbook, stepId);
  if (!step || step.rollback !== isRollingBack(draft.state)) return;
  st.waitNotifiedAt = draft.nowIso;
  record(draft, 'wait_elapsed', null, { stepId, startedBy: st.waitStartedBy });
  effect(draft, {
    type: 'notify',
    notice: { kind: 'wait_elapsed', stepId, startedBy: st.waitStartedBy ?? '' },
  });
  effect(draft, { type: 'render_run' });
}

/** Stops the timer of a running wait; true when there was one. The step keeps its record of the wait. */
function stopWaitTimer(draft: Draft, stepId: string): boolean {
  const st = draft.state.steps[stepId];
  if (!st?.waitStartedAt || !st.waitEndsAt || Date.parse(st.waitEndsAt) <= draft.now.getTime()) return false;
  effect(draft, { type: 'cancel_timer', key: waitTimerKey(draft.state.id, stepId, st.waitStartedAt) });
  return true;
}

/**
 * Cancels a running wait on a pending step: its timer goes, and the step no longer shows a wait.
 * A step done or skipped during its wait has no timer left (see completeStep) and keeps its record.
 */
export function cancelWait(draft: Draft, stepId: string): void {
  const st = draft.state.steps[stepId];
  if (st?.status !== 'pending' && st?.status !== 'failed') return;
  if (!stopWaitTimer(draft, stepId)) return;
  Object.assign(st, { waitStartedAt: null, waitEndsAt: null, waitStartedBy: null, waitNotifiedAt: null });
}

function refuseTaken(status: string, by: string | null, at: string | null) {
  const who = by ? ` by ${mention(by)}` : '';
  const when = at ? ` at ${formatTime(at)}` : '';
  const code = status === 'done' ? 'run.step_already_done' : `run.step_already_${status}`;
  return refuse(code, `already ${status}${who}${when}`);
}
