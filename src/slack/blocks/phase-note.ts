// The context line under a phase's heading: where the phase stands, and why its steps have no
// buttons when they have none.
import type { Phase } from '../../runbook/index.js';
import { fillPlaceholders } from '../../runbook/placeholders.js';
import {
  blockingGate,
  currentPhaseIndex,
  isGated,
  isResolved,
  isRollingBack,
  missingSignatures,
  requiredFor,
} from '../../runs/progress.js';
import { formatTime } from '../../shared/format-time.js';
import { escapeText, truncate } from './escape.js';
import { isActive, type RunView, valuesOf } from './run-view.js';

const MAX_ROLES = 8;

/** Which message of a split phase this is. */
export interface PartInfo {
  index: number;
  count: number;
}

/** "Phase 2 of 4 · 3/5 done · Opens when *Prepare* is finished." */
export function describePhase(
  view: RunView,
  phase: Phase,
  phaseIndex: number,
  part: PartInfo | null,
): string {
  const done = phase.stepIds.filter((id) => isResolved(view.state.steps[id]?.status)).length;
  const facts = [numberOf(view, phase, phaseIndex)];
  if (phase.stepIds.length > 0 && !isCollapsed(view, phase))
    facts.push(`${done}/${phase.stepIds.length} done`);
  if (part) {
    const where = part.index === 0 ? 'continued in the next message' : 'continued from the message above';
    facts.push(`part ${part.index + 1} of ${part.count}, ${where}`);
  }
  return [...facts.filter(Boolean), noteOf(view, phase, phaseIndex)].join(' · ');
}

function isCollapsed(view: RunView, phase: Phase): boolean {
  return phase.rollback && !isRollingBack(view.state);
}

/** "Phase 2 of 4" among the phases with steps of the same kind (forward or rollback). */
function numberOf(view: RunView, phase: Phase, phaseIndex: number): string {
  const same = view.runbook.phases
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.rollback === phase.rollback && p.stepIds.length > 0);
  const n = same.findIndex(({ i }) => i === phaseIndex);
  if (n < 0) return '';
  return `${phase.rollback ? 'Rollback phase' : 'Phase'} ${n + 1} of ${same.length}`;
}

function noteOf(view: RunView, phase: Phase, phaseIndex: number): string {
  const { state, runbook } = view;
  const finished = state.finishedAt ? formatTime(state.finishedAt) : '';
  if (isCollapsed(view, phase)) {
    if (state.status === 'completed') return '➖ Not needed: the run completed.';
    if (!isActive(view)) return `Not run: the run was ${state.status === 'aborted' ? 'aborted' : 'ended'}.`;
    return 'Shown if a rollback starts.';
  }
  if (state.status === 'completed') return `The run completed at ${finished}.`;
  if (state.status === 'rolled_back') return `The run was rolled back (finished at ${finished}).`;
  if (state.status === 'aborted') return `⛔ The run was aborted at ${finished}: no more steps.`;
  if (phase.rollback !== isRollingBack(state)) return 'Closed: the run is rolling back.';
  if (phase.stepIds.length === 0) return 'No steps in this section.';
  const current = currentPhaseIndex(runbook, state);
  if (current === null || phaseIndex < current) return 'Finished.';
  const firstOpen = phase.stepIds.find((id) => !isResolved(state.steps[id]?.status));
  const first = firstOpen === undefined ? undefined : runbook.steps.find((s) => s.id === firstOpen);
  const gated = first !== undefined && isGated(runbook, state, first);
  if (phaseIndex === current) {
    return gated ? `🔒 Opens when the approval gate is signed: ${waitingRoles(view)}.` : '▶️ Current phase.';
  }
  const gate = gated ? ` and the approval gate is signed (${waitingRoles(view)})` : '';
  return `Opens when *${escapeText(previousTitle(view, phaseIndex))}* is finished${gate}.`;
}

/** Roles of the blocking gate's slots that still miss signatures: "SRE (1 of 2), QA". */
export function waitingRoles(view: RunView): string {
  const gate = blockingGate(view.runbook, view.state);
  if (!gate) return '';
  const roles = gate.approvals.flatMap((a) => {
    const required = requiredFor(view.state, a);
    const missing = missingSignatures(view.state, a, required);
    if (missing === 0) return [];
    const role = escapeText(truncate(a.role, 60));
    return [required > 1 ? `${role} (${required - missing} of ${required})` : role];
  });
  const more = roles.length > MAX_ROLES ? ` and ${roles.length - MAX_ROLES} more` : '';
  return `${roles.slice(0, MAX_ROLES).join(', ')}${more}`;
}

/** The phase with steps of the same kind just before this one: the one that must finish first. */
function previousTitle(view: RunView, phaseIndex: number): string {
  const phase = view.runbook.phases[phaseIndex];
  for (let i = phaseIndex - 1; i >= 0; i--) {
    const p = view.runbook.phases[i];
    if (p && p.rollback === phase?.rollback && p.stepIds.length > 0) {
      return truncate(fillPlaceholders(p.title, valuesOf(view)) || 'the steps before it', 100);
    }
  }
  return 'the previous phase';
}
