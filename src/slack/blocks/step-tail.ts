// The part of a step that changes as people click: who did it and when (with Undo), its running
// timer, or its buttons.
import type { Button, KnownBlock } from '@slack/types';
import type { Step } from '../../runbook/index.js';
import type { StepState } from '../../runs/index.js';
import { formatTime } from '../../shared/format-time.js';
import { ACTIONS, encodeValue } from '../ids.js';
import { actions, button, confirmDialog, context, section } from './elements.js';
import { escapeText } from './escape.js';
import { formatDuration, formatWaitLength, stepMark, who } from './format.js';
import { fitCode, truncateMrkdwn } from './limits.js';
import type { RunView } from './run-view.js';

/** What may be done to a step now. */
export interface StepFlags {
  /** The run takes commands. */
  active: boolean;
  /** The step belongs to the run's mode (forward, or rollback once a rollback started). */
  inMode: boolean;
  /** A pending step of the current phase that no gate holds back: it gets buttons. */
  actionable: boolean;
}

const MAX_REASON = 300;
// "I ran it" output shown under the step: its first lines, cut to this much (the report keeps it all).
const OUTPUT_LINES = 5;
const MAX_OUTPUT = 400;

/** The status line or buttons of a step. */
export function buildStepTail(view: RunView, step: Step, st: StepState, flags: StepFlags): KnownBlock[] {
  const undoable = flags.active && flags.inMode;
  const value = encodeValue({ runId: view.runId, stepId: step.id });
  const undo = undoable ? button({ text: 'Undo', actionId: ACTIONS.stepUndo, value }) : undefined;
  const id = (suffix: string) => `${step.id}:${suffix}`;
  if (st.status === 'done' || st.status === 'skipped') {
    const verb = st.status === 'done' ? 'Done' : 'Skipped';
    const text = `${stepMark(st, false)} ${verb}${byLine(st)}${earlyOf(step, st)}${proofOf(st)}${outputOf(st)}`;
    return [section(text, id('s'), undo)];
  }
  if (st.status === 'failed') {
    const reason = st.output ? `: ${truncateMrkdwn(escapeText(st.output), MAX_REASON)}` : '';
    const hint =
      undoable && !step.rollback
        ? '\n_Undo it to try again, or start the rollback from the parent message._'
        : '';
    return [section(`❌ Failed${byLine(st)}${reason}${hint}`, id('s'), undo)];
  }
  if (st.status !== 'pending') return [];
  const blocks: KnownBlock[] = [];
  const wait = step.wait ? waitLine(view, st) : null;
  if (wait) blocks.push(context(wait, id('w')));
  if (flags.actionable) blocks.push(actions(stepButtons(view, step, st, value), id('a')));
  return blocks;
}

function byLine(st: StepState): string {
  return `${st.by ? ` by ${who(st.by)}` : ''}${st.at ? ` at ${formatTime(st.at)}` : ''}`;
}

/** " · done 12 min into a 30-minute wait": a step resolved before its wait was over says so. */
function earlyOf(step: Step, st: StepState): string {
  if (!step.wait || !st.at) return '';
  const verb = st.status === 'done' ? 'done' : 'skipped';
  const length = formatWaitLength(step.wait.minutes);
  if (!st.waitStartedAt || !st.waitEndsAt) {
    // Done needs the wait over or a confirmation: with no timer ever started, it was done without it.
    return st.status === 'done' ? ` · ${verb} without its ${length} wait` : '';
  }
  if (Date.parse(st.at) >= Date.parse(st.waitEndsAt)) return '';
  return ` · ${verb} ${formatDuration(Date.parse(st.at) - Date.parse(st.waitStartedAt))} into a ${length} wait`;
}

/** "I ran it": the exit code, with a warning mark when it is not 0. */
function proofOf(st: StepState): string {
  if (st.exitCode !== null && st.exitCode !== 0) return ` · ⚠️ ran it, *exit code ${st.exitCode}*`;
  if (st.exitCode !== null) return ` · ran it, exit code ${st.exitCode}`;
  return st.output !== null ? ' · ran it, output recorded' : '';
}

/** The first lines of the pasted output, as an escaped code block. */
function outputOf(st: StepState): string {
  const output = st.status === 'done' ? (st.output ?? '').replace(/\s+$/, '') : '';
  if (!output.trim()) return '';
  const lines = output.split('\n');
  const head = escapeText(lines.slice(0, OUTPUT_LINES).join('\n')).replace(/```/g, '`\u200b`\u200b`');
  const fitted = fitCode(head, MAX_OUTPUT);
  const cut = fitted.omittedLines > 0 || fitted.omittedChars > 0 || lines.length > OUTPUT_LINES;
  const more = cut ? '\n_The rest is in the run report._' : '';
  return `\n\`\`\`${fitted.code || ' '}\`\`\`${more}`;
}

function waitLine(view: RunView, st: StepState): string | null {
  if (!st.waitEndsAt) return null;
  const by = st.waitStartedBy ? `, started by ${who(st.waitStartedBy)}` : '';
  return Date.parse(st.waitEndsAt) > view.now.getTime()
    ? `⏳ Timer ends at ${formatTime(st.waitEndsAt)}${by}`
    : `⏱ Wait over at ${formatTime(st.waitEndsAt)}${by}`;
}

/** Done, Start timer, I ran it, Skip, Mark failed: at most five, action_ids all different. */
function stepButtons(view: RunView, step: Step, st: StepState, value: string): Button[] {
  const elements: Button[] = [];
  const waitOver = st.waitEndsAt !== null && Date.parse(st.waitEndsAt) <= view.now.getTime();
  if (step.wait && !waitOver) {
    const length = formatWaitLength(step.wait.minutes);
    const when = st.waitEndsAt ? ` (it ends at ${formatTime(st.waitEndsAt)})` : ': its timer was not started';
    elements.push(
      button({
        text: 'Done',
        actionId: ACTIONS.stepDoneEarly,
        value,
        style: 'primary',
        confirm: confirmDialog({
          title: 'Mark done early?',
          text: `The ${length} wait is not over${when}. Mark this step done anyway?`,
          confirm: 'Mark done',
          deny: 'Keep waiting',
        }),
      }),
    );
  } else {
    elements.push(button({ text: 'Done', actionId: ACTIONS.stepDone, value, style: 'primary' }));
  }
  if (step.wait && !st.waitEndsAt) {
    const text = `Start ${formatWaitLength(step.wait.minutes)} timer`;
    elements.push(button({ text, actionId: ACTIONS.stepStartWait, value }));
  }
  if (step.commands.length > 0)
    elements.push(button({ text: 'I ran it', actionId: ACTIONS.stepRanIt, value }));
  elements.push(button({ text: 'Skip', actionId: ACTIONS.stepSkip, value }));
  elements.push(
    button({
      text: 'Mark failed',
      actionId: ACTIONS.stepFail,
      value,
      style: 'danger',
      confirm: confirmDialog({
        title: 'Mark this step failed?',
        // Short on purpose: every step carries this dialog, and it counts towards the message's text.
        text: 'The run stops here until the step is undone or a rollback starts.',
        confirm: 'Mark failed',
        style: 'danger',
      }),
    }),
  );
  return elements;
}

// The longest actor an id can show as (see `who`), and a time to render synthetic states at.
const LONGEST_USER = `U${'X'.repeat(39)}`;
// Output that escapes to the most characters (`&` → `&amp;`) over more lines than are shown.
const LONGEST_OUTPUT = Array.from({ length: OUTPUT_LINES + 1 }, () => '&'.repeat(MAX_OUTPUT)).join('\n');

/** A wait cut short as late as it can be, at `at`: the longest "done … into a … wait". */
function cutShort(step: Step, at: string): Partial<StepState> {
  const ms = (step.wait?.minutes ?? 0) * 60_000;
  const end = Date.parse(at) + 1000;
  return { waitStartedAt: new Date(end - ms).toISOString(), waitEndsAt: new Date(end).toISOString() };
}

/**
 * The step's status/buttons in the states that take the most room. Packing reads their size, so
 * a step never outgrows the message it was packed into, whatever happens to it later.
 */
export function syntheticTails(view: RunView, step: Step): KnownBlock[][] {
  const at = view.now.toISOString();
  const later = new Date(view.now.getTime() + 86_400_000).toISOString();
  const base: StepState = {
    status: 'pending',
    by: LONGEST_USER,
    at,
    output: 'x'.repeat(MAX_REASON * 2),
    exitCode: 255,
    waitStartedAt: at,
    waitEndsAt: later,
    waitStartedBy: LONGEST_USER,
    waitNotifiedAt: null,
  };
  const open: StepFlags = { active: true, inMode: true, actionable: true };
  return [
    buildStepTail(view, step, base, open),
    buildStepTail(view, step, { ...base, waitEndsAt: null }, open),
    buildStepTail(view, step, { ...base, waitEndsAt: at }, open),
    buildStepTail(view, step, { ...base, status: 'done' }, open),
    buildStepTail(
      view,
      step,
      { ...base, status: 'done', output: LONGEST_OUTPUT, ...cutShort(step, at) },
      open,
    ),
    buildStepTail(view, step, { ...base, status: 'skipped' }, open),
    buildStepTail(view, step, { ...base, status: 'failed' }, open),
  ];
}
