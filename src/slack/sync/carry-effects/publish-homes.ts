// A run changed status: the App Home of everyone it concerns (its starter, owners and approvers) who
// has opened it is published again, so a Home never lists an ended run as active. A Home nobody has
// opened is not published (Slack shows it only when opened, and opening it publishes it fresh). views.publish is not a chat.update:
// it takes nothing from that budget. A Home that cannot be published is logged and left: it is
// published again at the run's next status change and whenever its owner opens the tab, and a
// failed Home must not hold back the run's thread.
import type { Logger } from 'pino';
import { homeAudienceOf } from '../../../runs/index.js';
import type { LoadedRun } from '../../../runs/loaded-run.js';
import type { Store } from '../../../usecases/deps.js';
import { publishHome } from '../../home/publish-home.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';

/** Publishes the Home of each person the run concerns, from the store as committed. */
export async function publishHomes(
  deps: { store: Pick<Store, 'runs' | 'queries' | 'homeViewers'>; writer: SlackWriter; logger: Logger },
  loaded: LoadedRun,
): Promise<void> {
  // Only Homes someone has opened: an unopened Home is published fresh when it is first opened.
  for (const userId of await deps.store.homeViewers.among(homeAudienceOf(loaded.state))) {
    try {
      await publishHome(deps, userId);
    } catch (err) {
      deps.logger.warn({ err, runId: loaded.meta.id, userId }, 'could not publish the Home tab');
    }
  }
}
