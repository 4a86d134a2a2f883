// Paging stopped (someone acknowledged, or the run ended): every DM of the run is edited to say
// who acknowledged and when, and loses its Acknowledge button. Safe to repeat (an edit is idempotent).
import type { KnownBlock } from '@slack/types';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { LoadedRun } from '../../../db/runs.repository.js';
import { escalationDmsTable } from '../../../db/schema.js';
import type { Clock } from '../../../shared/clock.js';
import { formatTime } from '../../../shared/format-time.js';
import { escapeText, mention } from '../../escape.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';

/** Stores where a page DM went. */
export function rememberDm(db: Database) {
  return async (runId: string, round: number, position: number, at: { channel: string; ts: string }) => {
    await db
      .insert(escalationDmsTable)
      .values({ runId, round, position, channelId: at.channel, ts: at.ts })
      .onConflictDoNothing();
  };
}

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
  deps: { db: Database; writer: SlackWriter; clock: Clock },
  loaded: LoadedRun,
): Promise<void> {
  const open = await deps.db
    .select()
    .from(escalationDmsTable)
    .where(and(eq(escalationDmsTable.runId, loaded.meta.id), isNull(escalationDmsTable.closedAt)));
  const content = buildClosedDm(loaded);
  for (const dm of open) {
    await deps.writer.update(dm.channelId, dm.ts, content);
    await deps.db
      .update(escalationDmsTable)
      .set({ closedAt: deps.clock.now().toISOString() })
      .where(
        and(
          eq(escalationDmsTable.runId, dm.runId),
          eq(escalationDmsTable.round, dm.round),
          eq(escalationDmsTable.position, dm.position),
        ),
      );
  }
}
