// Gathers what a run report is built from (the run, its audit trail, the pinned runbook's own text)
// and builds it. An edge: it reads the database and the runbooks folder.
import type { RunbookCatalog } from '../catalog/runbook-catalog.js';
import type { RunStatus } from '../runs/index.js';
import { shortId } from '../runs/loaded-run.js';
import type { RunDeps } from '../usecases/deps.js';
import { buildRunReport } from './build-report.js';

/** A built report and what its file is called. */
export interface RunReport {
  runId: string;
  runbookName: string;
  status: RunStatus;
  markdown: string;
  /** `k8s-service-rollout.run-2026-01-05-1a2b3c4d.md`: sorts next to the runbook it annotates. */
  fileName: string;
  title: string;
}

/** Builds the report of a run, or null when there is no such run. */
export async function loadRunReport(
  deps: { store: Pick<RunDeps['store'], 'runs' | 'events'> },
  catalog: Pick<RunbookCatalog, 'load'>,
  runId: string,
): Promise<RunReport | null> {
  const loaded = await deps.store.runs.loadRun(runId);
  if (!loaded) return null;
  const { meta, state, runbook } = loaded;
  const events = await deps.store.events.listRunEvents(runId);
  const version = await deps.store.events.findSnapshotVersion(meta.snapshotId);
  const source = version ? await pinnedSource(catalog, meta.runbookName, version.contentHash) : null;
  const markdown = buildRunReport({ runbookName: meta.runbookName, runbook, state, events, source, version });
  const day = state.startedAt.slice(0, 10);
  return {
    runId,
    runbookName: meta.runbookName,
    status: state.status,
    markdown,
    fileName: `${meta.runbookName}.run-${day}-${shortId(runId)}.md`,
    title: `Run report: ${runbook.title} (${day}, run ${shortId(runId)})`,
  };
}

/**
 * The runbook file's text when it is still exactly what the run pinned (same content hash): then the
 * report is the runbook itself, annotated. A file that changed since, or is gone, gives null, and the
 * report is rendered from the pinned model instead: never from text the run did not follow.
 */
async function pinnedSource(
  catalog: Pick<RunbookCatalog, 'load'>,
  name: string,
  contentHash: string,
): Promise<string | null> {
  const found = await catalog.load(name).catch(() => null);
  return found?.ok && found.entry.contentHash === contentHash ? found.entry.text : null;
}
