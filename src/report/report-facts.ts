// What the report reads out of a run before writing anything: who did what when, in time order,
// and every wait that ran. Pure. Waits come from the audit trail, because the run's state forgets a
// wait once it is cut short (a step marked done early, a rollback, an abort).
import type { Runbook } from '../runbook/index.js';
import type { RunState } from '../runs/index.js';

/** One event of a stored command (the run state machine's `RunEvent`; `actor` may be left out). */
export interface ReportEvent {
  type: string;
  actor?: string | null;
  data: Record<string, unknown>;
}

/** One stored command of the audit trail (a `run_events` row). */
export interface ReportCommand {
  command: string;
  actor: string | null;
  at: string;
  events: readonly ReportEvent[];
}

/** Everything a report is built from. */
export interface RunReportInput {
  runbookName: string;
  runbook: Runbook;
  state: RunState;
  events: readonly ReportCommand[];
  /** The runbook's Markdown as the run pinned it; without it the report is rendered from the model. */
  source?: string | null | undefined;
  /** The pinned version: the file's content hash and its git commit. */
  version?: { contentHash: string; gitCommit: string | null } | null | undefined;
}

/** One wait timer that was started on a step. */
export interface WaitRecord {
  startedBy: string | null;
  startedAt: string;
  minutes: number;
  endsAt: string;
}

/** The facts every part of the report shares. */
export interface ReportFacts {
  input: RunReportInput;
  /** Per resolved step: the moment before it (previous step, start or rollback) and its name. */
  previous: Map<string, { at: string; label: string }>;
  waits: Map<string, WaitRecord[]>;
}

const RESOLVED = new Set(['done', 'skipped', 'failed']);

/** Reads the facts out of a report's input. */
export function collectFacts(input: RunReportInput): ReportFacts {
  return { input, previous: previousMoments(input), waits: waitsOf(input) };
}

/** For each resolved step, what happened just before it: time spent is measured from there. */
function previousMoments(input: RunReportInput): Map<string, { at: string; label: string }> {
  const { runbook, state } = input;
  const moments = runbook.steps.flatMap((step, order) => {
    const st = state.steps[step.id];
    return st?.at && RESOLVED.has(st.status)
      ? [{ id: step.id, at: st.at, order, label: 'previous step' }]
      : [];
  });
  moments.push({ id: '', at: state.startedAt, order: -2, label: 'start' });
  // A failed step that starts the rollback shares its moment: the step comes first.
  if (state.rollback) {
    moments.push({ id: '', at: state.rollback.at, order: runbook.steps.length, label: 'rollback started' });
  }
  moments.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order);
  const previous = new Map<string, { at: string; label: string }>();
  moments.forEach((m, i) => {
    const before = moments[i - 1];
    if (m.id && before) previous.set(m.id, { at: before.at, label: before.label });
  });
  return previous;
}

function waitsOf(input: RunReportInput): Map<string, WaitRecord[]> {
  const waits = new Map<string, WaitRecord[]>();
  for (const row of input.events) {
    for (const event of row.events) {
      const { stepId, minutes, endsAt } = event.data;
      if (event.type !== 'wait_started' || typeof stepId !== 'string' || typeof endsAt !== 'string') continue;
      const list = waits.get(stepId) ?? [];
      list.push({
        startedBy: event.actor ?? row.actor,
        startedAt: row.at,
        minutes: typeof minutes === 'number' ? minutes : (Date.parse(endsAt) - Date.parse(row.at)) / 60_000,
        endsAt,
      });
      waits.set(stepId, list);
    }
  }
  // A run stored without its trail (or a test state) still shows the wait its state remembers.
  for (const [stepId, st] of Object.entries(input.state.steps)) {
    if (waits.has(stepId) || !st.waitStartedAt || !st.waitEndsAt) continue;
    const minutes = (Date.parse(st.waitEndsAt) - Date.parse(st.waitStartedAt)) / 60_000;
    waits.set(stepId, [
      { startedBy: st.waitStartedBy, startedAt: st.waitStartedAt, minutes, endsAt: st.waitEndsAt },
    ]);
  }
  return waits;
}
