// The thread reply (or replies) for one phase: its steps with their status and buttons, and the
// approval gates that sit in it. A phase that does not fit one message is split over several.
import type { Phase, Step } from '../../runbook/index.js';
import { fillPlaceholders } from '../../runbook/placeholders.js';
import {
  currentPhaseIndex,
  type Gate,
  gatesOf,
  isGated,
  isResolved,
  isRollingBack,
} from '../../runs/progress.js';
import { formatTime } from '../../shared/format-time.js';
import { stampBlockIds } from './block-ids.js';
import { context, header } from './elements.js';
import { buildEscalationBlocks, ESCALATION_ROOM } from './escalation-blocks.js';
import { escapeText } from './escape.js';
import { buildGateUnit } from './gate-blocks.js';
import { LIMITS, packUnits, type Size, truncateMrkdwn, type Unit } from './limits.js';
import { buildOwnerBlock, OWNER_TEXT_MAX } from './owner-blocks.js';
import { describePhase } from './phase-note.js';
import { isActive, type MessageContent, type RunView, valuesOf } from './run-view.js';
import { buildStepUnit } from './step-blocks.js';

// Each message starts with a header (≤ 150 characters) and a context line (cut to HEAD_CONTEXT).
const HEAD_CONTEXT = 700;
const BUDGET: Size = {
  blocks: LIMITS.blocksPerMessage - 2,
  chars: LIMITS.messageText - LIMITS.headerText - HEAD_CONTEXT,
};

/** The messages for one phase, in order: usually one, more when the phase does not fit. */
export function buildPhaseMessages(view: RunView, phaseIndex: number): Required<MessageContent>[] {
  const phase = view.runbook.phases[phaseIndex];
  if (!phase) throw new RangeError(`phase ${phaseIndex} is not in runbook ${view.runbookName}`);
  const collapsed = phase.rollback && !isRollingBack(view.state);
  const owner = collapsed ? null : buildOwnerBlock(view, phase);
  const live = collapsed ? [] : buildEscalationBlocks(view, phaseIndex);
  const budget = {
    blocks: BUDGET.blocks - (owner ? 1 : 0) - (live.length ? ESCALATION_ROOM.blocks : 0),
    chars: BUDGET.chars - (owner ? OWNER_TEXT_MAX : 0) - (live.length ? ESCALATION_ROOM.chars : 0),
  };
  const parts = collapsed ? [[]] : packUnits(unitsOf(view, phase), budget);
  return parts.map((blocks, k) => {
    const part = parts.length > 1 ? { index: k, count: parts.length } : null;
    const title = titleOf(view, phase, collapsed);
    const heading = `${title}${part ? ` (${k + 1}/${part.count})` : ''}`;
    const note = describePhase(view, phase, phaseIndex, part);
    return stampBlockIds({
      text: truncateMrkdwn(
        escapeText(
          `${fillPlaceholders(view.runbook.title, valuesOf(view))} · ${heading}: ${progressLine(view, phase)}`,
        ),
        LIMITS.fallbackText,
      ),
      blocks: [
        header(heading, `${phase.id}:h${k}`),
        context(truncateMrkdwn(note, HEAD_CONTEXT), `${phase.id}:c${k}`),
        ...(owner && k === 0 ? [owner] : []),
        ...(k === 0 ? live : []),
        ...blocks,
      ],
    });
  });
}

/** The phase's steps, each followed by any gate that sits right after it. */
function unitsOf(view: RunView, phase: Phase): Unit[] {
  const { runbook, state } = view;
  const values = valuesOf(view);
  const byId = new Map(runbook.steps.map((s) => [s.id, s]));
  const steps = phase.stepIds.flatMap((id) => byId.get(id) ?? []);
  const current = currentPhaseIndex(runbook, state);
  const active = isActive(view);
  const rollingBack = isRollingBack(state);
  const gates = gatesAt(view);
  const gateButtons = active && !rollingBack;
  const units: Unit[] = [];
  for (const step of steps) {
    const before = gates.before.get(step.id);
    if (before) units.push(buildGateUnit(view, before, gateButtons));
    const st = state.steps[step.id];
    const inMode = step.rollback === rollingBack;
    const actionable =
      active &&
      inMode &&
      st?.status === 'pending' &&
      step.phaseIndex === current &&
      !isGated(runbook, state, step);
    units.push(buildStepUnit(view, step, { active, inMode, actionable }, values));
    const after = gates.after.get(step.id);
    if (after) units.push(buildGateUnit(view, after, gateButtons));
  }
  return units;
}

/** Where each gate is shown: after the last forward step before it (before the first, at position 0). */
function gatesAt(view: RunView): { before: Map<string, Gate>; after: Map<string, Gate> } {
  const forward = view.runbook.steps.filter((s) => !s.rollback);
  const before = new Map<string, Gate>();
  const after = new Map<string, Gate>();
  for (const gate of gatesOf(view.runbook)) {
    const anchor: Step | undefined = gate.position > 0 ? forward[gate.position - 1] : forward[0];
    if (anchor) (gate.position > 0 ? after : before).set(anchor.id, gate);
  }
  return { before, after };
}

function titleOf(view: RunView, phase: Phase, collapsed: boolean): string {
  const title =
    fillPlaceholders(phase.title, valuesOf(view)) || (phase.implicit ? 'Steps' : 'Untitled section');
  if (phase.rollback) return `${collapsed ? '↩️' : '🔴'} ${title}`;
  const steps = phase.stepIds.map((id) => view.state.steps[id]?.status);
  if (steps.length > 0 && steps.every(isResolved)) return `✅ ${title}`;
  return title;
}

function progressLine(view: RunView, phase: Phase): string {
  const done = phase.stepIds.filter((id) => isResolved(view.state.steps[id]?.status)).length;
  const finished = view.state.finishedAt ? `, run finished at ${formatTime(view.state.finishedAt)}` : '';
  return `${done}/${phase.stepIds.length} steps done${finished}`;
}
