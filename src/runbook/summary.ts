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
  /** Who owns which phase (and step), only when the runbook names owners. */
  owners?: SummaryOwner[];
  diagnostics: Diagnostic[];
}

/** An owner as `check --json` prints it: the phase, the step when a step is owned, and who. */
export interface SummaryOwner {
  phase: string;
  step?: string;
  owner: string;
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
  const owners = summaryOwners(runbook);
  if (owners.length) summary.owners = owners;
  return summary;
}

function summaryOwners(runbook: Runbook): SummaryOwner[] {
  return (runbook.owners ?? []).map((o) => {
    if (o.target === 'phase')
      return { phase: runbook.phases.find((p) => p.id === o.id)?.title ?? '', owner: o.who };
    const step = runbook.steps.find((s) => s.id === o.id);
    return {
      phase: runbook.phases[step?.phaseIndex ?? -1]?.title ?? '',
      step: step?.title ?? '',
      owner: o.who,
    };
  });
}
