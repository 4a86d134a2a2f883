// A transition works on a draft: a copy of the state plus the events and effects it produces.
import type { Runbook, Step } from '../runbook/index.js';
import type { RunEffect, RunEvent } from './commands.js';
import type { RunState, StepState } from './model.js';

/** What a transition reads and writes. The input state is never mutated. */
export interface Draft {
  runbook: Runbook;
  state: RunState;
  now: Date;
  nowIso: string;
  events: RunEvent[];
  effects: RunEffect[];
}

/** Starts a draft from a committed state. */
export function createDraft(runbook: Runbook, state: RunState, now: Date): Draft {
  return { runbook, state: cloneState(state), now, nowIso: now.toISOString(), events: [], effects: [] };
}

/**
 * A deep copy of a run's state. A step's state is flat (strings, numbers, null), so each is copied
 * with a spread: a runbook's hundred steps are most of the state, and the generic walk below cost a
 * command more than its own transition.
 */
function cloneState(state: RunState): RunState {
  const steps: Record<string, StepState> = {};
  for (const id in state.steps) {
    const step = state.steps[id];
    if (step) steps[id] = { ...step };
  }
  const { steps: _steps, ...rest } = state;
  return { ...clonePlain(rest), steps };
}

/**
 * A deep copy of plain data (objects, arrays, strings, numbers, booleans, null), which a run's
 * state is. structuredClone serialises through the structured clone algorithm and was a sixth
 * of a command's CPU at concurrency; a walk of the data is several times cheaper.
 */
function clonePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clonePlain) as T;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = clonePlain((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** Records an audit event. */
export function record(
  draft: Draft,
  type: string,
  actor: string | null,
  data: Record<string, unknown> = {},
): void {
  draft.events.push({ type, actor, data });
}

/** Adds an effect once (a second render or Home publish of the same run is the same work). */
export function effect(draft: Draft, e: RunEffect): void {
  if ((e.type === 'render_run' || e.type === 'publish_home') && draft.effects.some((x) => x.type === e.type))
    return;
  draft.effects.push(e);
}

/** The state of a step in the draft (created pending if the snapshot gained it). */
export function stepState(draft: Draft, stepId: string): StepState {
  draft.state.steps[stepId] ??= emptyStepState();
  return draft.state.steps[stepId];
}

/** A step nobody has touched. */
export function emptyStepState(): StepState {
  return {
    status: 'pending',
    by: null,
    at: null,
    output: null,
    exitCode: null,
    waitStartedAt: null,
    waitEndsAt: null,
    waitStartedBy: null,
    waitNotifiedAt: null,
  };
}

/** Finds a step of the runbook. */
export function findStep(runbook: Runbook, stepId: string): Step | undefined {
  return runbook.steps.find((s) => s.id === stepId);
}

/** The timer key of a wait: unique per start, so a restarted wait gets a new timer. */
export function waitTimerKey(runId: string, stepId: string, startedAt: string): string {
  return `wait:${runId}:${stepId}:${startedAt}`;
}

/** The timer key of one page of an escalation. */
export function escalationTimerKey(runId: string, round: number, contactIndex: number): string {
  return `escalation:${runId}:${round}:${contactIndex}`;
}
