// Does a click belong to the run its button value names? A value is only text in a message: a click is
// applied only when it came from one of that run's own messages (its parent or a phase message), or,
// for Acknowledge, also from a DM (the state machine then checks the page was sent to the clicker).
import { createSlackMessagesRepository } from '../../../db/slack-messages.repository.js';
import type { SlackContext } from '../../context.js';
import { ACTIONS } from '../../ids.js';

/** Where a click came from, as the payload says. */
export interface ClickOrigin {
  channelId: string | null;
  messageTs: string | null;
}

/** What the refused clicker is told. */
export const FOREIGN_CLICK = 'This button does not belong to this run’s messages; nothing was changed.';

interface ClickBody {
  container?: { channel_id?: unknown; message_ts?: unknown };
  channel?: { id?: unknown };
  message?: { ts?: unknown };
}

/** Reads the message a click came from (container first, as Slack fills it for message buttons). */
export function originOf(body: unknown): ClickOrigin {
  const b = (body ?? {}) as ClickBody;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    channelId: str(b.container?.channel_id) ?? str(b.channel?.id),
    messageTs: str(b.container?.message_ts) ?? str(b.message?.ts),
  };
}

/** True when the click may act on `runId`. */
export async function clickBelongsToRun(
  ctx: Pick<SlackContext, 'runDeps'>,
  runId: string,
  actionId: string,
  origin: ClickOrigin,
): Promise<boolean> {
  const { channelId, messageTs } = origin;
  if (!channelId || !messageTs) return false;
  // Acknowledge comes from a page (a DM; the state machine checks the page was the clicker's) or
  // from the live escalation view in the run's own thread.
  if (actionId === ACTIONS.acknowledge && channelId.startsWith('D')) return true;
  return createSlackMessagesRepository(ctx.runDeps.db).isOfRun(runId, channelId, messageTs);
}
