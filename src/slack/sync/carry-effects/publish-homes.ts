// A run changed status: the App Home of everyone it concerns (its starter, owners and approvers) is
// published again, so a Home never lists an ended run as active. views.publish is not a chat.update:
// it takes nothing from that budget. A Home that cannot be published is logged and left: it is
// published again at the run's next status change and whenever its owner opens the tab, and a
// failed Home must not hold back the run's thread.
import type { Logger } from 'pino';
import { createRunQueries } from '../../../db/queries.js';
import { homeAudienceOf } from '../../../runs/index.js';
import type { LoadedRun } from '../../../runs/loaded-run.js';
import type { RunDeps } from '../../../usecases/deps.js';
import { publishHome } from '../../home/publish-home.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';

/** Publishes the Home of each person the run concerns, from the store as committed. */
export async function publishHomes(
  deps: { runDeps: Pick<RunDeps, 'db' | 'runs'>; writer: SlackWriter; logger: Logger },
  loaded: LoadedRun,
): Promise<void> {
  const home = { runDeps: deps.runDeps, queries: createRunQueries(deps.runDeps.db), writer: deps.writer };
  for (const userId of homeAudienceOf(loaded.state)) {
    try {
      await publishHome(home, userId);
    } catch (err) {
      deps.logger.warn({ err, runId: loaded.meta.id, userId }, 'could not publish the Home tab');
    }
  }
}
