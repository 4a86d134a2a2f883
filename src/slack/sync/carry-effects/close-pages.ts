// Paging stopped (someone acknowledged, or the run ended): every DM of the run is edited to say
// who acknowledged and when, and loses its Acknowledge button. Safe to repeat (an edit is idempotent).
import type { KnownBlock } from '@slack/types';
import type { LoadedRun } from '../../../runs/loaded-run.js';
import type { Clock } from '../../../shared/clock.js';
import { formatTime } from '../../../shared/format-time.js';
import type { Store } from '../../../usecases/deps.js';
import { escapeText, mention } from '../../escape.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';

/** What a page DM says once paging stopped. Pure. */
export function buildClosedDm(loaded: LoadedRun): { text: string; blocks: KnownBlock[] } {
  const { state, runbook, meta } = loaded;
  const escalation = state.escalation;
  const what = `the rollback of *${escapeText(runbook.title)}* (${escapeText(state.environment)}) in <#${meta.channelId}>`;
  const text =
    escalation?.acknowledgedBy && escalation.acknowledgedAt
      ? `✅ ${mention(escalation.acknowledgedBy)} acknowledged ${what} at ${formatTime(escalation.acknowledgedAt)}. No need to act on this page.`
      : `📟 Paging for ${what} stopped: the run ended${state.finishedAt ? ` at ${formatTime(state.finishedAt)}` : ''}.`;
  return {
    text: text.replace(/[*]/g, ''),
    blocks: [
      { type: 'section', block_id: 'page:closed', text: { type: 'mrkdwn', text: text.slice(0, 2900) } },
    ],
  };
}

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
