// Shared helpers for the rule-by-rule runbook parser tests. Fixtures are written inline in each test.
import type {
  Diagnostic,
  DiagnosticCode,
  ParseOptions,
  Runbook,
  RunbookSummary,
} from '../../../src/runbook/index.js';
import { buildSummary, parseRunbook } from '../../../src/runbook/index.js';

/** Joins lines with LF. */
export const md = (...lines: string[]): string => lines.join('\n');

/** Joins lines with CRLF. */
export const crlf = (...lines: string[]): string => lines.join('\r\n');

/** Parses a fixture, passing options only when given. */
export function parse(source: string, options?: ParseOptions): Runbook {
  return options === undefined ? parseRunbook(source) : parseRunbook(source, options);
}

/** Parses a fixture and builds its `check --json` summary. */
export function summarize(source: string, options?: ParseOptions): RunbookSummary {
  return buildSummary(parse(source, options));
}

/** The diagnostics with one code. */
export function diagnosticsOf(runbook: Runbook, code: DiagnosticCode): Diagnostic[] {
  return runbook.diagnostics.filter((d) => d.code === code);
}

/** The element at an index, failing the test when it is missing. */
export function at<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new Error(`expected an element at index ${index} (length ${list.length})`);
  return value;
}

/** The only element of a list, failing the test when there is not exactly one. */
export function only<T>(list: readonly T[]): T {
  if (list.length !== 1) throw new Error(`expected exactly one element, got ${list.length}`);
  return at(list, 0);
}

/** Titles of the steps, in order. */
export const stepTitles = (runbook: Runbook): string[] => runbook.steps.map((s) => s.title);

/** Titles of the listed (non-implicit) phases, in order. */
export const phaseTitles = (runbook: Runbook): string[] =>
  runbook.phases.filter((p) => !p.implicit).map((p) => p.title);
