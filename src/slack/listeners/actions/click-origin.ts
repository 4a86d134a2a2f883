// Does a click belong to the run its button value names? A value is only text in a message: a click is
// applied only when it came from one of that run's own messages (its parent or a phase message), or,
// for Acknowledge, also from a DM (the state machine then checks the page was sent to the clicker).
// One more place is the run's own: a copy of one of its messages that Slack shows but the bot never
// learned the ts of (posted just before a crash, posted again after the restart). Its clicks count, and
// the copy is taken away (`retireCopy`), so no live duplicate is left in the thread.
import { createSlackMessagesRepository } from '../../../db/slack-messages.repository.js';
import type { SlackContext } from '../../context.js';
import { ACTIONS } from '../../ids.js';

/** Where a click came from, as the payload says. */
export interface ClickOrigin {
  channelId: string | null;
  messageTs: string | null;
  /** The thread the message is in (its own ts, or absent, for a top-level message). */
  threadTs: string | null;
  /** The message is a shared one (not ephemeral) and carries the clicked button, as Slack sent it. */
  carriesButton: boolean;
}

/** Whose the clicked message is: one of the run's stored messages, or an unstored copy of one. */
export type ClickPlace = 'own' | 'copy';

/** What the refused clicker is told. */
export const FOREIGN_CLICK = 'This button does not belong to this run’s messages; nothing was changed.';

interface ClickBody {
  container?: { channel_id?: unknown; message_ts?: unknown; thread_ts?: unknown; is_ephemeral?: unknown };
  channel?: { id?: unknown };
  message?: { ts?: unknown; thread_ts?: unknown; blocks?: unknown };
  actions?: { action_id?: unknown; value?: unknown }[];
}

interface BlockLike {
  elements?: { action_id?: unknown; value?: unknown }[];
  accessory?: { action_id?: unknown; value?: unknown };
}

/** Does the message as Slack sent it hold a button with this action id and value? */
function holdsButton(b: ClickBody): boolean {
  const clicked = b.actions?.[0];
  if (!clicked || b.container?.is_ephemeral === true || !Array.isArray(b.message?.blocks)) return false;
  return (b.message.blocks as BlockLike[]).some((block) =>
    [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])].some(
      (e) => e.action_id === clicked.action_id && e.value === clicked.value,
    ),
  );
}

/** Reads the message a click came from (container first, as Slack fills it for message buttons). */
export function originOf(body: unknown): ClickOrigin {
  const b = (body ?? {}) as ClickBody;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    carriesButton: holdsButton(b),
    channelId: str(b.container?.channel_id) ?? str(b.channel?.id),
    messageTs: str(b.container?.message_ts) ?? str(b.message?.ts),
    threadTs: str(b.container?.thread_ts) ?? str(b.message?.thread_ts),
  };
}

/**
 * Where the click came from when it may act on `runId`; null when it may not.
 *
 * A copy: Slack sends a button's click only to the app that posted the message, so a message of ours
 * that no run stored, in the run's channel, top-level or in the run's thread, whose button names the
 * run, is a post of that run whose answer never reached us (a crash between Slack's answer and the
 * commit of its ts). It must be shared (not ephemeral) and carry the clicked button as Slack sent it.
 */
export async function clickBelongsToRun(
  ctx: Pick<SlackContext, 'runDeps'>,
  runId: string,
  actionId: string,
  origin: ClickOrigin,
): Promise<ClickPlace | null> {
  const { channelId, messageTs, threadTs, carriesButton } = origin;
  if (!channelId || !messageTs) return null;
  // Acknowledge comes from a page (a DM; the state machine checks the page was the clicker's) or
  // from the live escalation view in the run's own thread.
  if (actionId === ACTIONS.acknowledge && channelId.startsWith('D')) return 'own';
  const messages = createSlackMessagesRepository(ctx.runDeps.db);
  if (await messages.isOfRun(runId, channelId, messageTs)) return 'own';
  if (!carriesButton || (await messages.runAt(channelId, messageTs)) !== null) return null;
  const parent = (await messages.forRun(runId)).find((m) => m.kind === 'parent');
  if (!parent || parent.channelId !== channelId) return null;
  const topLevel = threadTs === null || threadTs === messageTs;
  return topLevel || threadTs === parent.ts ? 'copy' : null;
}
