import type { Contact, Diagnostic, Runbook } from './model.js';

/** A contact as `check --json` prints it: only the fields the runbook gives. */
export type SummaryContact = Omit<Contact, 'line'>;

/** The `check --json` object of runbook-format.md; extra keys are allowed by the spec. */
export interface RunbookSummary {
  title: string;
  phases: string[];
  stepCount: number;
  rollbackSteps: number;
  contacts: SummaryContact[];
  escalationOrder?: string[];
  approvals: string[];
  waits: { step: string; minutes: number }[];
  commands: number;
  placeholders: string[];
  diagnostics: Diagnostic[];
}

/** Builds the summary object that `deploybot check --json` prints for one runbook. */
export function buildSummary(runbook: Runbook): RunbookSummary {
  const summary: RunbookSummary = {
    title: runbook.title,
    phases: runbook.phases.filter((p) => !p.implicit).map((p) => p.title),
    stepCount: runbook.steps.length,
    rollbackSteps: runbook.steps.filter((s) => s.rollback).length,
    contacts: runbook.contacts.map(({ line: _line, ...rest }) => rest),
    approvals: runbook.approvals.map((a) => a.role),
    waits: runbook.steps.flatMap((s) => (s.wait ? [{ step: s.title, minutes: s.wait.minutes }] : [])),
    commands: runbook.steps.reduce((n, s) => n + s.commands.length, 0),
    placeholders: runbook.placeholders.map((p) => p.key),
    diagnostics: runbook.diagnostics,
  };
  if (runbook.escalationOrder) summary.escalationOrder = runbook.escalationOrder;
  return summary;
}
