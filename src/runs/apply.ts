// The run state machine: (runbook, run, command, now) → (run', events, effects) or a refusal.
import type { Runbook } from '../runbook/index.js';
import type { RunCommand, Transition } from './commands.js';
import { createDraft, type Draft } from './draft.js';
import type { RunState } from './model.js';
import { refuseIfEnded } from './refusals.js';
import { approve } from './transitions/approvals.js';
import { abortRun, finishRun, settle } from './transitions/lifecycle.js';
import { reassignOwner } from './transitions/owners.js';
import { pageNextNow } from './transitions/page-next.js';
import { acknowledge, escalationTimeout, startRollback } from './transitions/rollback.js';
import {
  checkActionable,
  completeStep,
  failStep,
  skipStep,
  startWait,
  undoStep,
  waitElapsed,
} from './transitions/steps.js';

type Outcome = Extract<Transition, { ok: false }> | null;

/** Applies one command. Pure: the given state is not changed. */
export function applyCommand(runbook: Runbook, state: RunState, command: RunCommand, now: Date): Transition {
  // Timers may fire late for a run that has ended or moved on: that is a no-op, not an error.
  const ended = refuseIfEnded(state);
  if (ended && command.type !== 'timer_fired') return ended;
  const draft = createDraft(runbook, state, now);
  if (ended) return done(draft);
  const outcome = dispatch(draft, command);
  if (outcome) return outcome;
  settle(draft);
  return done(draft);
}

function dispatch(draft: Draft, command: RunCommand): Outcome {
  switch (command.type) {
    case 'complete_step':
    case 'skip_step':
    case 'fail_step':
    case 'undo_step':
    case 'start_wait':
      return dispatchStep(draft, command);
    case 'timer_fired':
      if (command.timer.kind === 'wait') waitElapsed(draft, command.timer.stepId, command.timer.endsAt);
      else escalationTimeout(draft, command.timer.round, command.timer.contactIndex);
      return null;
    case 'approve':
      return approve(draft, command);
    case 'start_rollback':
      return startRollback(draft, command.userId, command);
    case 'acknowledge':
      return acknowledge(draft, command);
    case 'page_next':
      return pageNextNow(draft, command);
    case 'abort':
      return abortRun(draft, command);
    case 'finish':
      return finishRun(draft, command);
    case 'reassign_owner':
      return reassignOwner(draft, command);
  }
}

function dispatchStep(draft: Draft, command: Extract<RunCommand, { stepId: string }>): Outcome {
  const step = checkActionable(draft, command);
  if ('ok' in step) return step;
  switch (command.type) {
    case 'complete_step':
      return completeStep(draft, command, step);
    case 'skip_step':
      return skipStep(draft, command, step);
    case 'undo_step':
      return undoStep(draft, command, step);
    case 'start_wait':
      return startWait(draft, command, step);
    case 'fail_step': {
      const failed = failStep(draft, command, step);
      return failed ?? (command.rollback ? startRollback(draft, command.userId, command.rollback) : null);
    }
  }
}

function done(draft: Draft): Transition {
  return { ok: true, state: draft.state, events: draft.events, effects: draft.effects };
}
