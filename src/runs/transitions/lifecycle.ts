// Start, abort, finish, and the bookkeeping after every command (phase changes, completion).
import type { Runbook } from '../../runbook/index.js';
import type { RunCommand, StartInput, Transition } from '../commands.js';
import { createDraft, type Draft, effect, emptyStepState, record } from '../draft.js';
import type { RunState, RunStatus } from '../model.js';
import {
  blockingGate,
  currentPhaseIndex,
  hasRunningWait,
  isResolved,
  isRollingBack,
  isWaitingForApproval,
  stepsInMode,
} from '../progress.js';
import { refuse } from '../refusals.js';
import { cancelEscalation } from './rollback.js';
import { cancelWait } from './steps.js';

/** Creates a run from a runbook snapshot. */
export function startRun(runbook: Runbook, input: StartInput, now: Date): Extract<Transition, { ok: true }> {
  const state: RunState = {
    id: input.runId,
    status: 'running',
    starterId: input.starterId,
    environment: input.environment,
    rehearsal: input.rehearsal,
    params: { ...input.params },
    startedAt: now.toISOString(),
    finishedAt: null,
    steps: Object.fromEntries(runbook.steps.map((s) => [s.id, emptyStepState()])),
    approvals: {},
    required: { ...input.required },
    currentPhaseIndex: null,
    rollback: null,
    escalation: null,
    abort: null,
    owners: { ...input.owners },
  };
  const draft = createDraft(runbook, state, now);
  record(draft, 'run_started', input.starterId, {
    environment: input.environment,
    rehearsal: input.rehearsal,
    params: input.params,
  });
  effect(draft, { type: 'render_run' });
  settle(draft);
  effect(draft, { type: 'publish_home' });
  return { ok: true, state: draft.state, events: draft.events, effects: draft.effects };
}

/** Stops a run for good: its starter or an admin only. */
export function abortRun(draft: Draft, command: Extract<RunCommand, { type: 'abort' }>) {
  const { state } = draft;
  if (command.userId !== state.starterId && !command.isAdmin) {
    return refuse('run.not_allowed', 'only the person who started this run, or an admin, may abort it');
  }
  state.abort = { by: command.userId, at: draft.nowIso, reason: command.reason };
  record(draft, 'run_aborted', command.userId, { reason: command.reason });
  end(draft, 'aborted');
  return null;
}

/** Ends a run whose steps are all resolved (for runbooks where nothing auto-completes it). */
export function finishRun(draft: Draft, command: Extract<RunCommand, { type: 'finish' }>) {
  const { runbook, state } = draft;
  const open = stepsInMode(runbook, state).filter((s) => !isResolved(state.steps[s.id]?.status));
  if (open.length) {
    return refuse(
      'run.steps_open',
      `${open.length} step${open.length === 1 ? ' is' : 's are'} still open, first: "${open[0]?.title}"`,
    );
  }
  if (!isRollingBack(state) && blockingGate(runbook, state)) {
    return refuse('run.gate_locked', 'an approval gate is not signed yet');
  }
  record(draft, 'run_finished', command.userId);
  end(draft, isRollingBack(state) ? 'rolled_back' : 'completed');
  return null;
}

function end(draft: Draft, status: RunStatus): void {
  const { runbook, state } = draft;
  state.status = status;
  state.finishedAt = draft.nowIso;
  for (const step of runbook.steps) cancelWait(draft, step.id);
  cancelEscalation(draft);
  if (status === 'completed') {
    for (const step of runbook.steps.filter((s) => s.rollback)) {
      const st = state.steps[step.id];
      if (st?.status === 'pending') st.status = 'not_needed';
    }
  }
  effect(draft, { type: 'notify', notice: { kind: 'run_finished', status } });
  effect(draft, { type: 'render_run' });
  effect(draft, { type: 'publish_home' });
  if (state.escalation) effect(draft, { type: 'hand_off', event: 'ended' });
}

/**
 * After every command: post the phase that became current, complete a run with nothing left,
 * and derive the status shown on the parent message.
 */
export function settle(draft: Draft): void {
  const { runbook, state } = draft;
  if (state.status === 'completed' || state.status === 'rolled_back' || state.status === 'aborted') return;
  const steps = stepsInMode(runbook, state);
  const allResolved = steps.length > 0 && steps.every((s) => isResolved(state.steps[s.id]?.status));
  if (allResolved && (isRollingBack(state) || !blockingGate(runbook, state))) {
    record(draft, 'run_finished', null, { automatic: true });
    end(draft, isRollingBack(state) ? 'rolled_back' : 'completed');
    return;
  }
  const waitingApproval = isWaitingForApproval(runbook, state);
  const current = currentPhaseIndex(runbook, state);
  if (current !== null && current !== state.currentPhaseIndex && !waitingApproval) {
    state.currentPhaseIndex = current;
    record(draft, 'phase_started', null, { phaseIndex: current });
    effect(draft, { type: 'post_phase', phaseIndex: current });
  }
  const status: RunStatus = isRollingBack(state)
    ? 'rolling_back'
    : waitingApproval
      ? 'waiting_approval'
      : hasRunningWait(runbook, state, draft.now)
        ? 'waiting'
        : 'running';
  if (status === 'waiting_approval' && state.status !== 'waiting_approval') {
    const gate = blockingGate(runbook, state);
    effect(draft, {
      type: 'notify',
      notice: { kind: 'gate_waiting', approvalIds: gate?.approvals.map((a) => a.id) ?? [] },
    });
  }
  if (status !== state.status) {
    effect(draft, { type: 'render_run' });
    effect(draft, { type: 'publish_home' });
  }
  state.status = status;
}
