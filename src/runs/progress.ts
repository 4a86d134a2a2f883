// What follows from a run's state and its runbook: the current phase, gates, what may be done.
import type { Approval, Runbook, Step } from '../runbook/index.js';
import type { RunState, StepStatus } from './model.js';

/** A gate: the approval slots at one position of the runbook. */
export interface Gate {
  /** Forward steps before the gate; steps from this ordinal on wait for it. */
  position: number;
  approvals: Approval[];
}

const RESOLVED: readonly StepStatus[] = ['done', 'skipped', 'not_needed'];

/** True when a step needs nothing more. */
export function isResolved(status: StepStatus | undefined): boolean {
  return status !== undefined && RESOLVED.includes(status);
}

/** True when the run has switched to its rollback steps. */
export function isRollingBack(state: RunState): boolean {
  return state.rollback !== null;
}

/** The steps of the mode the run is in: forward steps, or rollback steps once a rollback started. */
export function stepsInMode(runbook: Runbook, state: RunState): Step[] {
  const rollback = isRollingBack(state);
  return runbook.steps.filter((s) => s.rollback === rollback);
}

/** Gates in document order; slots inside rollback phases gate nothing. */
export function gatesOf(runbook: Runbook): Gate[] {
  const byPosition = new Map<number, Approval[]>();
  for (const approval of runbook.approvals) {
    if (approval.phaseIndex !== null && runbook.phases[approval.phaseIndex]?.rollback) continue;
    const list = byPosition.get(approval.stepsBefore) ?? [];
    list.push(approval);
    byPosition.set(approval.stepsBefore, list);
  }
  return [...byPosition.entries()]
    .sort(([a], [b]) => a - b)
    .map(([position, approvals]) => ({ position, approvals }));
}

/** Signatures an approval slot still needs. */
export function missingSignatures(state: RunState, approval: Approval, required: number): number {
  return Math.max(0, required - (state.approvals[approval.id]?.length ?? 0));
}

/** Approvals needed for a slot: the run's quorum for it, else the runbook's. */
export function requiredFor(state: RunState, approval: Approval): number {
  return state.required[approval.id] ?? approval.required;
}

/** True when every slot of the gate has its signatures. */
export function isGateComplete(state: RunState, gate: Gate): boolean {
  return gate.approvals.every((a) => missingSignatures(state, a, requiredFor(state, a)) === 0);
}

/** The first gate not yet signed, or null. */
export function blockingGate(runbook: Runbook, state: RunState): Gate | null {
  return gatesOf(runbook).find((g) => !isGateComplete(state, g)) ?? null;
}

/** Ordinal of a forward step among forward steps (the unit of gate positions). */
export function forwardOrdinal(runbook: Runbook, stepId: string): number {
  return runbook.steps.filter((s) => !s.rollback).findIndex((s) => s.id === stepId);
}

/** The phase whose steps are open now: the first phase of the run's mode with an unresolved step. */
export function currentPhaseIndex(runbook: Runbook, state: RunState): number | null {
  const open = stepsInMode(runbook, state).find((s) => !isResolved(state.steps[s.id]?.status));
  return open ? open.phaseIndex : null;
}

/** True when a gate holds back this forward step. */
export function isGated(runbook: Runbook, state: RunState, step: Step): boolean {
  if (step.rollback) return false;
  const gate = blockingGate(runbook, state);
  return gate !== null && forwardOrdinal(runbook, step.id) >= gate.position;
}

/** True when the run's current steps are all held back by a gate (or only a final gate is left). */
export function isWaitingForApproval(runbook: Runbook, state: RunState): boolean {
  if (isRollingBack(state)) return false;
  const gate = blockingGate(runbook, state);
  if (!gate) return false;
  const open = stepsInMode(runbook, state).filter((s) => !isResolved(state.steps[s.id]?.status));
  return open.every((s) => isGated(runbook, state, s));
}

/** True when a pending wait of an open step is still running at `now`. */
export function hasRunningWait(runbook: Runbook, state: RunState, now: Date): boolean {
  return stepsInMode(runbook, state).some((s) => {
    const st = state.steps[s.id];
    return st?.status === 'pending' && st.waitEndsAt !== null && Date.parse(st.waitEndsAt) > now.getTime();
  });
}

/** Steps resolved (done, skipped or not needed) out of a set of steps. */
export interface StepCount {
  done: number;
  total: number;
}

/** The current phase as people count phases: among the phases with steps of the run's mode. */
export interface PhaseProgress {
  /** Index in `Runbook.phases`. */
  index: number;
  /** 1-based number among the phases with steps of the same kind (forward or rollback). */
  number: number;
  /** How many such phases there are. */
  count: number;
  rollback: boolean;
}

/**
 * How far a run is: the one definition every surface shows. Every step counts, nested ones
 * included; forward and rollback steps are counted apart, and `mode` says which the run works on.
 */
export interface RunProgress {
  mode: 'forward' | 'rollback';
  forward: StepCount;
  rollback: StepCount;
  /** The phase whose steps are open now, or null when none is (the run ended, or all resolved). */
  phase: PhaseProgress | null;
}

/** How many steps a runbook has: forward and rollback apart (what `/deploy list` shows). */
export function stepTotalsOf(runbook: Runbook): { forward: number; rollback: number } {
  const rollback = runbook.steps.filter((s) => s.rollback).length;
  return { forward: runbook.steps.length - rollback, rollback };
}

/** The steps of a phase resolved, out of its steps. */
export function phaseCountOf(runbook: Runbook, state: RunState, phaseIndex: number): StepCount {
  const ids = runbook.phases[phaseIndex]?.stepIds ?? [];
  return { done: ids.filter((id) => isResolved(state.steps[id]?.status)).length, total: ids.length };
}

/** "Phase 2 of 4" numbering: the place of a phase among the phases with steps of its kind. */
export function phaseNumberOf(runbook: Runbook, phaseIndex: number): PhaseProgress | null {
  const phase = runbook.phases[phaseIndex];
  if (!phase) return null;
  const same = runbook.phases
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.rollback === phase.rollback && p.stepIds.length > 0);
  const n = same.findIndex(({ i }) => i === phaseIndex);
  if (n < 0) return null;
  return { index: phaseIndex, number: n + 1, count: same.length, rollback: phase.rollback };
}

/** The run's progress (see RunProgress). */
export function progressOf(runbook: Runbook, state: RunState): RunProgress {
  const count = (rollback: boolean): StepCount => {
    const steps = runbook.steps.filter((s) => s.rollback === rollback);
    return { done: steps.filter((s) => isResolved(state.steps[s.id]?.status)).length, total: steps.length };
  };
  const ended = state.finishedAt !== null;
  const current = ended ? null : currentPhaseIndex(runbook, state);
  return {
    mode: isRollingBack(state) ? 'rollback' : 'forward',
    forward: count(false),
    rollback: count(true),
    phase: current === null ? null : phaseNumberOf(runbook, current),
  };
}

/** The steps of the run's mode, resolved out of all (what a run works towards now). */
export function modeCountOf(progress: RunProgress): StepCount {
  return progress.mode === 'rollback' ? progress.rollback : progress.forward;
}

/** Everyone whose App Home lists the run: its starter, its owners and its approvers. */
export function homeAudienceOf(state: RunState): string[] {
  const owners = Object.values(state.owners ?? {}).flatMap((o) => (o.userId ? [o.userId] : []));
  const approvers = Object.values(state.approvals).flatMap((list) => list.map((s) => s.userId));
  return [...new Set([state.starterId, ...owners, ...approvers])];
}
