// Publishes a person's App Home: their active and recent runs, read from the store. Called when the
// tab is opened and when one of their runs changes status (see sync/carry-effects/publish-homes.ts).
// `views.publish` has its own rate limit: it is not a chat.update and takes nothing from that budget.
import { ACTIVE_STATUSES, type RunStatus } from '../../runs/index.js';
import type { RunListing } from '../../runs/loaded-run.js';
import type { Store } from '../../usecases/deps.js';
import { loadProgress } from '../../usecases/run-progress.js';
import { buildHomeView, type RunSummary } from '../blocks/home-view.js';
import type { SlackWriter } from '../outbound/slack-writer.js';

/** What publishing a Home needs. */
export interface HomeDeps {
  store: Pick<Store, 'runs' | 'queries'>;
  writer: Pick<SlackWriter, 'publishHome'>;
}

const LISTED = 40;

/** Builds and publishes the Home tab of one person. */
export async function publishHome(deps: HomeDeps, userId: string): Promise<void> {
  const listed = await deps.store.queries.forUser(userId, LISTED);
  const progress = await loadProgress(
    deps,
    listed.map((r) => r.id),
  );
  const runs = listed.flatMap((run) => {
    const found = progress.get(run.id);
    return found ? [toSummary(run, found.title, found.progress)] : [];
  });
  const active = runs.filter((r) => ACTIVE_STATUSES.includes(r.status));
  const recent = runs.filter((r) => !ACTIVE_STATUSES.includes(r.status));
  await deps.writer.publishHome(userId, buildHomeView({ userId, active, recent }));
}

function toSummary(run: RunListing, title: string, progress: RunSummary['progress']): RunSummary {
  return {
    runId: run.id,
    runbookName: run.runbookName,
    title,
    status: run.status as RunStatus,
    progress,
    channelId: run.channelId,
    permalink: run.parentTs
      ? `https://slack.com/app_redirect?channel=${run.channelId}&message_ts=${run.parentTs}`
      : null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}
