// Instant feedback for the person who acted: right after the commit, the message they clicked is
// replaced through the click's response_url (no chat.update budget), with the render of the state
// the command committed. The rest of the run's messages follow through the run queue.
import type { Logger } from 'pino';
import type { LoadedRun } from '../../runs/loaded-run.js';
import type { Clock } from '../../shared/clock.js';
import type { Store, StoredMessage } from '../../usecases/deps.js';
import { buildAcknowledgedDm } from '../blocks/dm-blocks.js';
import type { ClickOrigin } from '../message-metadata.js';
import type { SlackWriter } from '../outbound/slack-writer.js';
import { PRIORITY } from '../outbound/update-budget.js';
import type { MessageWrites } from './message-writes.js';
import type { RenderMemo, ViewExtras } from './render-run.js';

/** The message a click came from, as much of the click's origin as the feedback needs. */
export type ClickedMessage = Pick<ClickOrigin, 'channelId' | 'messageTs' | 'responseUrl'>;

export interface ClickFeedbackDeps {
  messages: Store['slackMessages'];
  writes: MessageWrites;
  writer: SlackWriter;
  clock: Clock;
  logger: Logger;
  /** What the parent shows besides the run's state (the queue behind it). */
  viewExtras?: (loaded: LoadedRun) => Promise<ViewExtras>;
  /** Phase messages built once per run version (shared with the sync). */
  renders: RenderMemo;
}

/** Creates the feedback path. */
export function createClickFeedback(deps: ClickFeedbackDeps) {
  // Where a run's messages are never changes once stored: a miss reloads (a newly posted message).
  const known = new Map<string, StoredMessage[]>();

  async function storedAt(runId: string, origin: ClickedMessage): Promise<StoredMessage | undefined> {
    const match = (m: StoredMessage) => m.channelId === origin.channelId && m.ts === origin.messageTs;
    const hit = known.get(runId)?.find(match);
    if (hit) return hit;
    const rows = await deps.messages.forRun(runId);
    known.set(runId, rows);
    if (known.size > 2000) known.delete(known.keys().next().value ?? '');
    return rows.find(match);
  }

  return {
    /** Shows the committed state in the clicked message; resolves when Slack has it (never throws). */
    async show(run: LoadedRun, origin: ClickedMessage): Promise<void> {
      try {
        const stored = await storedAt(run.meta.id, origin);
        if (!stored) return;
        const extras = stored.kind === 'parent' ? ((await deps.viewExtras?.(run)) ?? {}) : {};
        const content = deps.renders.stored(run, deps.clock.now(), stored, extras);
        await deps.writes.write(stored, content, run.version, {
          priority: PRIORITY.clicked,
          responseUrl: origin.responseUrl,
        });
      } catch (err) {
        deps.logger.warn({ err, runId: run.meta.id }, 'could not show the click; the sync will');
      }
    },

    /**
     * Takes away a copy of a run's message that the bot never stored (posted just before a crash,
     * posted again after it): through the click's response_url, else chat.delete. Never throws.
     */
    async retireCopy(origin: ClickedMessage): Promise<void> {
      const { channelId, messageTs } = origin;
      if (!channelId || !messageTs) return;
      deps.logger.info({ channel: channelId, ts: messageTs }, 'removing an unstored copy of a run message');
      try {
        if (!origin.responseUrl) throw new Error('no response_url');
        await deps.writer.respond(origin.responseUrl, { delete_original: true });
      } catch {
        await deps.writer
          .remove(channelId, messageTs)
          .catch((err: unknown) => deps.logger.warn({ err }, 'could not remove the copy'));
      }
    },

    /** An escalation DM someone acknowledged: its button goes at once, and it says who and when. */
    async acknowledged(run: LoadedRun, userId: string, origin: ClickedMessage): Promise<void> {
      const { channelId, messageTs } = origin;
      if (!channelId || !messageTs) return;
      const at = run.state.escalation?.acknowledgedAt;
      const content = buildAcknowledgedDm(run, userId, at ? new Date(at) : deps.clock.now());
      try {
        if (!origin.responseUrl) throw new Error('no response_url');
        await deps.writer.respond(origin.responseUrl, { replace_original: true, ...content });
      } catch {
        await deps.writer
          .update(channelId, messageTs, content)
          .catch((err: unknown) => deps.logger.warn({ err }, 'could not update the acknowledged DM'));
      }
    },
  };
}

/** The feedback path's type. */
export type ClickFeedback = ReturnType<typeof createClickFeedback>;
