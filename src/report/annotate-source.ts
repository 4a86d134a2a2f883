// The report as the runbook itself: the pinned Markdown, line for line, with each step's box set
// and a quoted note under each step and sign-off slot. Pure. Line numbers come from the model of the
// same text (the caller only passes a source whose hash matches the run's snapshot).
import { type RecordBlank, readRecordBlanks } from '../runbook/approvals.js';
import type { ReportFacts } from './report-facts.js';
import { formatSpan, formatWhen, who } from './report-format.js';
import { isSigned, noteOfApproval, noteOfStep } from './step-notes.js';

interface Insert {
  /** 1-based line the lines go after; 0 is before the first line. */
  after: number;
  order: number;
  lines: string[];
}

const CONTAINER = /^((?:[ \t]*>)*[ \t]*)((?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?/;
const TASK_BOX = /^((?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[[ xX]\]/;

/** The annotated source, with the run section near the top and `tail` at the end. */
export function annotateSource(facts: ReportFacts, source: string, head: string[], tail: string[]): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  fillRecords(facts, lines);
  const inserts = notesOf(facts, lines);
  inserts.push({ after: headAnchor(facts, lines), order: -1, lines: ['', ...head, ''] });
  inserts.sort((a, b) => a.after - b.after || a.order - b.order);
  const out = merge(lines, inserts);
  while (out.length && out[out.length - 1]?.trim() === '') out.pop();
  return `${[...out, '', ...tail].join('\n')}\n`;
}

/** The note under each step and sign-off slot; sets their boxes in `lines` on the way. */
function notesOf(facts: ReportFacts, lines: string[]): Insert[] {
  const { runbook } = facts.input;
  const inserts: Insert[] = [];
  for (const step of runbook.steps) {
    const note = noteOfStep(facts, step);
    setBox(lines, step.line, note.box);
    inserts.push({
      after: ownEnd(lines, step.line, step.markdownLine, step.markdown, step.commands),
      order: step.line,
      lines: quoted(prefixOf(lines[step.line - 1]), [note.summary, ...note.details]),
    });
  }
  for (const approval of runbook.approvals) {
    if (approval.source === 'checkbox')
      setBox(lines, approval.line, isSigned(facts, approval) ? '[x]' : '[ ]');
    inserts.push({
      after: blockEnd(lines, approval.line),
      order: approval.line,
      lines: quoted(prefixOf(lines[approval.line - 1]), [noteOfApproval(facts, approval)]),
    });
  }
  return inserts;
}

/**
 * Fills the runbook's record lines (`Deployed by: ____`, `Started at: ____`, `Completed at: ____`)
 * with what the run recorded: who started it (or rolled it back), when it started and ended, how
 * long it took. A blank the run has no answer for (an end before the run ended) stays as written, and
 * so does every blank in a code block.
 */
function fillRecords(facts: ReportFacts, lines: string[]): void {
  const { state } = facts.input;
  const answerOf = (blank: RecordBlank): string | null => {
    if (blank.kind === 'who' && /roll(?:ed)?\s*back/i.test(blank.label))
      return state.rollback ? who(state.rollback.by) : null;
    if (blank.kind === 'who') return who(state.starterId);
    if (/duration/i.test(blank.label))
      return state.finishedAt ? formatSpan(state.startedAt, state.finishedAt) : null;
    if (/complet|finish|end/i.test(blank.label))
      return state.finishedAt ? formatWhen(state.finishedAt) : null;
    return formatWhen(state.startedAt);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^[ \t>]*(`{3,}|~{3,})/.test(line)) {
      i = fenceEnd(lines, i + 1) - 1;
      continue;
    }
    let filled = line;
    // From the right, so the earlier blanks' positions stay true.
    for (const blank of readRecordBlanks(line).reverse()) {
      const value = answerOf(blank);
      if (value) filled = `${filled.slice(0, blank.start)}${value}${filled.slice(blank.end)}`;
    }
    lines[i] = filled;
  }
}

/** The source lines with the inserts (sorted) in place. */
function merge(lines: string[], inserts: Insert[]): string[] {
  const out: string[] = [];
  // Where a note meets the text, one blank line is enough. Notes never land inside a code block,
  // so only blank lines at those seams are dropped, never one that belongs to a command.
  const atSeam = (line: string) => {
    if (line.trim() !== '' || out[out.length - 1]?.trim() !== '') out.push(line);
  };
  let next = 0;
  let seam = false;
  for (let line = 0; line <= lines.length; line++) {
    if (line > 0 && seam) atSeam(lines[line - 1] ?? '');
    else if (line > 0) out.push(lines[line - 1] ?? '');
    seam = false;
    for (; inserts[next]?.after === line; next++) {
      for (const l of inserts[next]?.lines ?? []) atSeam(l);
      seam = true;
    }
  }
  return out;
}

/** Where the run section goes: under the title (an H1 that is not a phase), else after the front matter. */
function headAnchor(facts: ReportFacts, lines: string[]): number {
  let start = 0;
  if (lines[0]?.trim() === '---') {
    const close = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
    if (close > 0) start = close + 1;
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^ {0,3}(```|~~~)/.test(line)) i = fenceEnd(lines, i + 1) - 1;
    else if (/^ {0,3}#(?:[ \t]|$)/.test(line)) {
      return facts.input.runbook.phases.some((p) => p.line === i + 1) ? start : i + 1;
    }
  }
  return start;
}

/** The last line of a step's own text and commands: its note goes right under them. */
function ownEnd(
  lines: string[],
  line: number,
  markdownLine: number,
  markdown: string,
  commands: readonly { line: number }[],
): number {
  let end = Math.max(line, markdownLine + markdown.split('\n').length - 1);
  for (const command of commands) end = Math.max(end, fenceEnd(lines, command.line));
  return Math.min(end, lines.length);
}

/** The closing line of the fence opened on `open` (1-based), or the last line when it never closes. */
function fenceEnd(lines: string[], open: number): number {
  const opening = /^[ \t>]*(`{3,}|~{3,})/.exec(lines[open - 1] ?? '')?.[1];
  if (!opening) return open;
  for (let i = open; i < lines.length; i++) {
    const closing = /^[ \t>]*(`{3,}|~{3,})[ \t]*$/.exec(lines[i] ?? '')?.[1];
    if (closing && closing[0] === opening[0] && closing.length >= opening.length) return i + 1;
  }
  return lines.length;
}

/** The last line of the paragraph or table that holds `line`. */
function blockEnd(lines: string[], line: number): number {
  let end = line;
  while (end < lines.length) {
    const next = lines[end] ?? '';
    if (next.trim() === '' || /^[ \t>]*(#{1,6}[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t])/.test(next)) break;
    end++;
  }
  return end;
}

/** The indentation (and `>` marks) that keeps a note inside the list item or quote of `line`. */
function prefixOf(line: string | undefined): string {
  const match = CONTAINER.exec(line ?? '');
  const outer = match?.[1] ?? '';
  const marker = match?.[2] ?? '';
  // More than four spaces after a marker make indented code: the content then starts one space in.
  const width = marker.length - marker.trimEnd().length > 4 ? marker.trimEnd().length + 1 : marker.length;
  return outer + ' '.repeat(width);
}

function setBox(lines: string[], line: number, box: string): void {
  const text = lines[line - 1];
  if (text !== undefined) lines[line - 1] = text.replace(TASK_BOX, `$1${box}`);
}

/** Paragraphs as one quote, separated by empty quote lines, with blank lines around. */
function quoted(prefix: string, paragraphs: string[]): string[] {
  const body = paragraphs.flatMap((p, i) => [...(i ? [''] : []), ...p.split('\n')]);
  const blank = prefix.trimEnd();
  return [blank, ...body.map((l) => (l === '' ? `${prefix}>` : `${prefix}> ${l}`)), blank];
}
