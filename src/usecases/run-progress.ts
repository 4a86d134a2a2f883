// The progress of stored runs, for the surfaces that list them (`/deploy status`, the App Home):
// read from the run as stored and its pinned runbook, through the one definition (`progressOf`).
import { fillPlaceholders } from '../runbook/placeholders.js';
import { progressOf, type RunProgress } from '../runs/index.js';
import type { RunDeps } from './deps.js';

/** A listed run's progress and its runbook's title. */
export interface ListedProgress {
  progress: RunProgress;
  title: string;
  /** The current phase's title (placeholders filled), or null when no phase is open. */
  phaseTitle: string | null;
}

/** The progress of each run that still exists, by run id. */
export async function loadProgress(
  deps: { store: Pick<RunDeps['store'], 'runs'> },
  runIds: readonly string[],
): Promise<Map<string, ListedProgress>> {
  const found = new Map<string, ListedProgress>();
  // One at a time: PGlite serves one query at a time anyway, and a Home lists at most 40 runs.
  for (const id of new Set(runIds)) {
    const loaded = await deps.store.runs.loadRun(id);
    if (!loaded) continue;
    const { runbook, state } = loaded;
    const values = { ...runbook.frontMatter.params, ...state.params };
    const progress = progressOf(runbook, state);
    const phase = progress.phase ? runbook.phases[progress.phase.index] : undefined;
    found.set(id, {
      progress,
      title: fillPlaceholders(runbook.title, values),
      phaseTitle: phase ? fillPlaceholders(phase.title, values) : null,
    });
  }
  return found;
}
