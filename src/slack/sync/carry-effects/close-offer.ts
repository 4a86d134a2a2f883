// An offer of the queue ended (started, left or expired): its message in the channel is edited to
// say so, without its buttons. Safe to repeat (an edit is idempotent).

import type { Store } from '../../../usecases/deps.js';
import { buildClosedOffer, toQueuedStart } from '../../blocks/queue-blocks.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';

/** Edits the offer's message once the offer has ended; nothing when it was never posted or still stands. */
export async function closeOffer(
  deps: { store: Pick<Store, 'queue'>; writer: SlackWriter },
  entryId: number,
): Promise<void> {
  const entry = await deps.store.queue.find(entryId);
  if (!entry?.offerTs) return;
  const content = buildClosedOffer(toQueuedStart(entry), entry.endedAt);
  if (content) await deps.writer.update(entry.channelId, entry.offerTs, content);
}
