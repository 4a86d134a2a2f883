// The annotation of one step or approval slot: its box, one line saying who did what when, and the
// details under it (waits, the "I ran it" output). Both renderings of the report use these. Pure.
import type { Approval, Step } from '../runbook/index.js';
import type { StepState } from '../runs/index.js';
import type { ReportFacts, WaitRecord } from './report-facts.js';
import { fenced, formatEnd, formatSpan, formatWhen, reasonOf, who } from './report-format.js';

/** What the report writes about a step. */
export interface StepNote {
  /** The task box: ticked when done, `[~]` when skipped. */
  box: '[x]' | '[ ]' | '[~]';
  summary: string;
  /** Paragraphs under the summary (a fenced block is one paragraph of several lines). */
  details: string[];
}

const RESOLVED = new Set(['done', 'skipped', 'failed']);

/** The note of a step. */
export function noteOfStep(facts: ReportFacts, step: Step): StepNote {
  const st = facts.input.state.steps[step.id];
  const box = st?.status === 'done' ? '[x]' : st?.status === 'skipped' ? '[~]' : '[ ]';
  const waits = facts.waits.get(step.id) ?? [];
  const details = waits.map((w, i) => waitLine(facts, step, w, waits[i + 1]));
  if (st?.status === 'done' && (st.output !== null || st.exitCode !== null)) details.push(...ranIt(st));
  return { box, summary: summaryOf(facts, step, st), details };
}

function summaryOf(facts: ReportFacts, step: Step, st: StepState | undefined): string {
  const { state } = facts.input;
  if (!st?.at || !RESOLVED.has(st.status)) {
    if (st?.status === 'not_needed') return '➖ not needed';
    if (step.rollback && !state.rollback) return '➖ not run (no rollback was started)';
    const undone = st?.by && st.at ? ` (undone by ${who(st.by)} at ${formatWhen(st.at)})` : '';
    return `⬜ not done${state.finishedAt ? '' : ' yet'}${undone}`;
  }
  const previous = facts.previous.get(step.id);
  const after = previous ? ` (${formatSpan(previous.at, st.at)} after the ${previous.label})` : '';
  const byWhen = `by ${who(st.by)} at ${formatWhen(st.at)}${after}`;
  if (st.status === 'done') return `✅ done ${byWhen}`;
  if (st.status === 'skipped') return `⏭️ skipped ${byWhen}`;
  return `❌ failed ${byWhen}: ${reasonOf(st.output)}`;
}

/** "⏱ 10-minute wait started by @U1 at …, ended 14:15 UTC" (or how it was cut short). */
function waitLine(facts: ReportFacts, step: Step, wait: WaitRecord, next: WaitRecord | undefined): string {
  const { state } = facts.input;
  const st = state.steps[step.id];
  const length = Number.isInteger(wait.minutes)
    ? `${wait.minutes}-minute`
    : `${Math.round(wait.minutes * 60)}-second`;
  const start = `⏱ ${length} wait started by ${who(wait.startedBy)} at ${formatWhen(wait.startedAt)}`;
  const resolvedAt = st?.at && RESOLVED.has(st.status) ? st.at : null;
  const forwardEnd = step.rollback ? null : (state.rollback?.at ?? null);
  const cut = [next?.startedAt, resolvedAt, forwardEnd, state.finishedAt]
    .filter((t): t is string => typeof t === 'string')
    .filter((t) => Date.parse(t) >= Date.parse(wait.startedAt) && Date.parse(t) < Date.parse(wait.endsAt))
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  if (cut)
    return `${start}, stopped after ${formatSpan(wait.startedAt, cut)} at ${formatEnd(cut, wait.startedAt)}`;
  const over = Boolean(state.finishedAt || resolvedAt || st?.waitNotifiedAt);
  return `${start}, ${over ? 'ended' : 'ends'} ${formatEnd(wait.endsAt, wait.startedAt)}`;
}

/** The proof of a manual command: its exit code and pasted output, kept verbatim. */
function ranIt(st: StepState): string[] {
  const exit = st.exitCode !== null ? `, exit code ${st.exitCode}` : '';
  const output = st.output ?? '';
  if (output.trim() === '') return [`💻 “I ran it”${exit}`];
  return [`💻 “I ran it”${exit}, output:`, fenced(output, 'text').join('\n')];
}

/** "✍️ SRE approved by @U1 at …", or how far the slot got. */
export function noteOfApproval(facts: ReportFacts, approval: Approval): string {
  const { state } = facts.input;
  const signatures = state.approvals[approval.id] ?? [];
  const required = state.required[approval.id] ?? 1;
  const names = signatures.map((s) => `${who(s.userId)} at ${formatWhen(s.at)}`).join(', ');
  if (signatures.length === 0) return `✍️ ${approval.role}: not signed`;
  if (signatures.length >= required) return `✍️ ${approval.role} approved by ${names}`;
  return `✍️ ${approval.role}: ${signatures.length} of ${required} approvals, by ${names}`;
}

/** True when a slot has every signature it needs. */
export function isSigned(facts: ReportFacts, approval: Approval): boolean {
  const { state } = facts.input;
  return (state.approvals[approval.id]?.length ?? 0) >= (state.required[approval.id] ?? 1);
}
