// One step in a phase message: its text, wait and commands (the same for the whole run), then its
// status line or buttons (which change with every click).
import type { Step } from '../../runbook/index.js';
import { escapeText, formatCommandCode, formatMarkdown } from '../escape.js';
import { section } from './elements.js';
import { formatWaitLength, stepEmoji, stepMark } from './format.js';
import {
  describeOmitted,
  fitCode,
  type Item,
  LIMITS,
  maxSize,
  type Size,
  sizeOf,
  splitMrkdwn,
  type Unit,
} from './limits.js';
import type { RunView } from './run-view.js';
import { buildStepTail, type StepFlags, syntheticTails } from './step-tail.js';

// Room kept at the start of a step's first section for indentation and the status emoji, so that
// where its text is split does not depend on the step's status.
const PREFIX_ROOM = 16;
const MAX_INDENT = 6;
// A command longer than this is cut (and the message says so): one command, one section.
const MAX_COMMAND = 2600;

// A phase message is built again for every click, and all its steps but one show what they
// showed: a step's unit is kept per step object (a run's runbook snapshot is cached, so its steps
// are the same objects from click to click) and built again only when something it shows changed.
// Its blocks are then the same objects too, which spares stampBlockIds hashing them again.
// Runs of one runbook snapshot share its steps: each step keeps the units of a few runs.
const units = new WeakMap<Step, Map<string, { key: string; unit: Unit }>>();
const RUNS_PER_STEP = 16;
const valueKeys = new WeakMap<object, string>();

/** A step rendered as items: its content sections, the last of which carries the status/buttons. */
export function buildStepUnit(
  view: RunView,
  step: Step,
  flags: StepFlags,
  values: Readonly<Record<string, string>>,
): Unit {
  const key = unitKey(view, step, flags, values);
  let byRun = units.get(step);
  if (!byRun) {
    byRun = new Map();
    units.set(step, byRun);
  }
  const kept = byRun.get(view.runId);
  if (kept?.key === key) return kept.unit;
  const unit = renderStepUnit(view, step, flags, values);
  byRun.delete(view.runId);
  byRun.set(view.runId, { key, unit });
  if (byRun.size > RUNS_PER_STEP) byRun.delete(byRun.keys().next().value ?? '');
  return unit;
}

/** Everything a step's unit is built from, besides the step itself. */
function unitKey(
  view: RunView,
  step: Step,
  flags: StepFlags,
  values: Readonly<Record<string, string>>,
): string {
  let valuesKey = valueKeys.get(values);
  if (valuesKey === undefined) {
    valuesKey = JSON.stringify(values);
    valueKeys.set(values, valuesKey);
  }
  const st = view.state.steps[step.id];
  const state = st
    ? [
        st.status,
        st.by,
        st.at,
        st.output,
        st.exitCode,
        st.waitStartedAt,
        st.waitEndsAt,
        st.waitStartedBy,
        // The time counts only as whether the step's timer is still running.
        st.waitEndsAt ? Date.parse(st.waitEndsAt) > view.now.getTime() : null,
      ].join('\u0001')
    : '';
  const flagsKey = `${flags.active ? 1 : 0}${flags.inMode ? 1 : 0}${flags.actionable ? 1 : 0}`;
  return `${view.runId}\u0002${flagsKey}\u0002${state}\u0002${valuesKey}`;
}

function renderStepUnit(
  view: RunView,
  step: Step,
  flags: StepFlags,
  values: Readonly<Record<string, string>>,
): Unit {
  const st = view.state.steps[step.id];
  const waiting = Boolean(st?.waitEndsAt && Date.parse(st.waitEndsAt) > view.now.getTime());
  const prefix = `${indentOf(step.depth)}${st ? stepMark(st, waiting) : stepEmoji('pending', waiting)} `;
  const texts = contentOf(step, values);
  const sections = texts.map((text, i) => section(i === 0 ? prefix + text : text, `${step.id}:t${i}`));
  const tail = st ? buildStepTail(view, step, st, flags) : [];
  const tailBound = tailBoundOf(view, step);
  return sections.map((block, i): Item => {
    const own = { blocks: 1, chars: (texts[i]?.length ?? 0) + (i === 0 ? PREFIX_ROOM : 0) };
    if (i < sections.length - 1) return { blocks: [block], bound: own };
    return {
      blocks: [block, ...tail],
      bound: { blocks: own.blocks + tailBound.blocks, chars: own.chars + tailBound.chars },
    };
  });
}

// The room a step's tail may take depends on the step and the run id only (syntheticTails renders
// fixed-length times), so it is kept per step: a run's runbook snapshot is cached, its steps are the
// same objects from click to click, and measuring six tails per step was a third of a phase render.
const tailBounds = new WeakMap<Step, { runId: string; bound: Size }>();

/** The largest size the step's status or buttons can take (see syntheticTails). */
export function tailBoundOf(view: RunView, step: Step): Size {
  const kept = tailBounds.get(step);
  if (kept?.runId === view.runId) return kept.bound;
  const bound = maxSize(syntheticTails(view, step).map(sizeOf));
  tailBounds.set(step, { runId: view.runId, bound });
  return bound;
}

/** The step's text, wait and commands, packed into section-sized pieces (without the prefix). */
function contentOf(step: Step, values: Readonly<Record<string, string>>): string[] {
  const text = formatMarkdown(step.markdown, values) || escapeText(step.title) || '(no text)';
  const pieces = splitMrkdwn(text, LIMITS.sectionText - PREFIX_ROOM);
  if (step.wait) pieces.push(`⏱ ${formatWaitLength(step.wait.minutes)} wait`);
  for (const command of step.commands) pieces.push(formatCommand(command.code, command.line, values));
  return joinPieces(pieces, LIMITS.sectionText - PREFIX_ROOM);
}

/** A command as a code block; a huge one is cut, and the message says what was left out and where. */
function formatCommand(source: string, line: number, values: Readonly<Record<string, string>>): string {
  const fitted = fitCode(formatCommandCode(source, values), MAX_COMMAND);
  const block = `\`\`\`${fitted.code || ' '}\`\`\``;
  if (!fitted.omittedLines && !fitted.omittedChars) return block;
  return `${block}\n✂️ _${describeOmitted(fitted)} not shown: the full command is in the runbook, line ${line}._`;
}

/** Joins pieces with line breaks into as few sections as fit; pieces are already short enough. */
function joinPieces(pieces: string[], max: number): string[] {
  const out: string[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + 1 + piece.length <= max)
      out[out.length - 1] = `${last}\n${piece}`;
    else out.push(piece);
  }
  return out;
}

/** Nested steps sit under their parent: em spaces per level and an arrow. */
function indentOf(depth: number): string {
  if (depth <= 0) return '';
  return `${'\u2003'.repeat(Math.min(depth, MAX_INDENT) - 1)}↳ `;
}
