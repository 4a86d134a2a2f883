// The run report: the runbook as Markdown, annotated with who did each step and when, approvals,
// waits, the escalation and durations, ready to be committed next to the runbook. Pure: the same
// input gives the same text (nothing reads the clock; times are printed in UTC).
import type { Approval, Step } from '../runbook/index.js';
import { dedent } from '../runbook/markdown.js';
import { annotateSource } from './annotate-source.js';
import { auditSection } from './audit-trail.js';
import { collectFacts, type ReportFacts, type RunReportInput } from './report-facts.js';
import { fenced, oneLine } from './report-format.js';
import { escalationSection, runSection } from './report-sections.js';
import { noteOfApproval, noteOfStep } from './step-notes.js';

export type { ReportCommand, ReportEvent, RunReportInput } from './report-facts.js';

/**
 * Builds the report. With `source` (the pinned runbook's own text) the runbook is annotated line
 * for line; without it, it is rendered from the model: phases, steps as task items, commands.
 */
export function buildRunReport(input: RunReportInput): string {
  const facts = collectFacts(input);
  // A runbook may have its own "Escalation" section (the paging order): ours must not be mistaken for it.
  const taken = new Set(input.runbook.phases.map((p) => p.title.trim().toLowerCase()));
  const heading = (name: string, other: string) => (taken.has(name.toLowerCase()) ? other : name);
  const head = runSection(facts, heading('Run', 'Run report'));
  const escalation = escalationSection(facts, heading('Escalation', 'Escalation during this run'));
  const tail = [...escalation, ...(escalation.length ? [''] : []), ...auditSection(facts)];
  if (input.source) return annotateSource(facts, input.source, head, tail);
  return fromModel(facts, head, tail);
}

function fromModel(facts: ReportFacts, head: string[], tail: string[]): string {
  const { runbook } = facts.input;
  const out = [`# ${oneLine(runbook.title)}`, '', ...head];
  append(
    out,
    runbook.approvals.filter((a) => a.phaseIndex === null).flatMap((a) => approvalLines(facts, a)),
  );
  runbook.phases.forEach((phase, index) => {
    const steps = runbook.steps.filter((s) => s.phaseIndex === index);
    const approvals = runbook.approvals.filter((a) => a.phaseIndex === index);
    if (steps.length === 0 && approvals.length === 0) return;
    const level = '#'.repeat(Math.min(6, Math.max(2, phase.level)));
    if (!phase.implicit) append(out, ['', `${level} ${oneLine(phase.title)}`, '']);
    const items = [
      ...steps.map((s) => ({ line: s.line, lines: stepLines(facts, s) })),
      ...approvals.map((a) => ({ line: a.line, lines: approvalLines(facts, a) })),
    ].sort((a, b) => a.line - b.line);
    for (const item of items) append(out, item.lines);
  });
  append(out, ['', ...tail]);
  return `${out.join('\n')}\n`;
}

/** Appends lines, dropping blank lines where the two parts meet, so seams stay one blank line. */
function append(out: string[], lines: string[]): void {
  let start = 0;
  while (out[out.length - 1]?.trim() === '' && lines[start]?.trim() === '') start++;
  out.push(...lines.slice(start));
}

/** A step as a task item indented by its depth, its note on the item's line, the rest under it. */
function stepLines(facts: ReportFacts, step: Step): string[] {
  const note = noteOfStep(facts, step);
  const indent = '  '.repeat(step.depth);
  const inner = `${indent}  `;
  const under = (text: string) => text.split('\n').map((l) => (l.trim() ? inner + l : ''));
  const [first = '', ...rest] = dedent(step.markdown || step.title).split('\n');
  const lines = [`${indent}- ${note.box} ${first.trim()} — ${note.summary}`];
  if (rest.length) lines.push(...under(rest.join('\n')));
  for (const command of step.commands)
    lines.push('', ...under(fenced(command.code, command.language ?? '').join('\n')));
  for (const detail of note.details) lines.push('', ...under(detail));
  return rest.length || step.commands.length || note.details.length ? [...lines, ''] : lines;
}

function approvalLines(facts: ReportFacts, approval: Approval): string[] {
  return ['', `> ${noteOfApproval(facts, approval)}`, ''];
}
