// Paging stopped (someone acknowledged, or the run ended): every DM of the run is edited to say
// who acknowledged and when, and loses its Acknowledge button. Safe to repeat (an edit is idempotent).
import type { LoadedRun } from '../../../runs/loaded-run.js';
import type { Clock } from '../../../shared/clock.js';
import type { Store } from '../../../usecases/deps.js';
import { buildClosedDm } from '../../blocks/dm-blocks.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';

/** Edits every DM of the run that still has its button. */
export async function closePages(
  deps: { store: Pick<Store, 'escalationDms'>; writer: SlackWriter; clock: Clock },
  loaded: LoadedRun,
): Promise<void> {
  const open = await deps.store.escalationDms.open(loaded.meta.id);
  const content = buildClosedDm(loaded);
  for (const dm of open) {
    await deps.writer.update(dm.channelId, dm.ts, content);
    await deps.store.escalationDms.markClosed(dm, deps.clock.now().toISOString());
  }
}
