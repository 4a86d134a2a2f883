// Does a click belong to the run its button value names? A value is only text in a message: a click is
// applied only when it came from one of that run's own messages (its parent or a phase message), or,
// for Acknowledge, also from a DM (the state machine then checks the page was sent to the clicker).
// Every run message carries its slot in its metadata (message-metadata.ts). A click on a message whose
// post Slack has not answered yet (people see a post before the bot has Slack's answer) finds no stored
// ts: the metadata places it, and the message is adopted into its slot. It is a copy only when the run
// already stores another message for that slot; a copy's click counts and the copy is taken away. A
// message without our metadata is never deleted.
import type { SlackContext } from '../../context.js';
import { ACTIONS } from '../../ids.js';
import { type ClickOrigin, readRunMessageMetadata } from '../../message-metadata.js';

/**
 * Whose the clicked message is: one of the run's stored messages (or one adopted into its slot now),
 * a copy of a slot that holds another message, or a message of the run that cannot be placed (posted
 * without metadata by an earlier version): its click counts, and it is left alone.
 */
export type ClickPlace = 'own' | 'copy' | 'unplaced';

/** What the refused clicker is told. */
export const FOREIGN_CLICK = 'This button does not belong to this run’s messages; nothing was changed.';

interface ClickBody {
  container?: { channel_id?: unknown; message_ts?: unknown; thread_ts?: unknown; is_ephemeral?: unknown };
  channel?: { id?: unknown };
  message?: { ts?: unknown; thread_ts?: unknown; blocks?: unknown; metadata?: unknown };
  actions?: { action_id?: unknown; value?: unknown }[];
  response_url?: unknown;
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
    place: readRunMessageMetadata(b.message?.metadata),
    channelId: str(b.container?.channel_id) ?? str(b.channel?.id),
    messageTs: str(b.container?.message_ts) ?? str(b.message?.ts),
    threadTs: str(b.container?.thread_ts) ?? str(b.message?.thread_ts),
    responseUrl: str(b.response_url),
  };
}

// A message stored as one of a run's own stays the run's (a ts is never reused in a channel; a
// message deleted in Slack is clicked no more), so a yes is kept: a storm of clicks on one phase
// message asks the database once. A no is asked again (the message may be placed since).
const ownMessages = new Set<string>();
const OWN_MESSAGES_KEPT = 10_000;

async function isOwnMessage(
  messages: { isOfRun(runId: string, channelId: string, ts: string): Promise<boolean> },
  runId: string,
  channelId: string,
  ts: string,
): Promise<boolean> {
  const key = `${runId}\n${channelId}\n${ts}`;
  if (ownMessages.has(key)) return true;
  if (!(await messages.isOfRun(runId, channelId, ts))) return false;
  if (ownMessages.size >= OWN_MESSAGES_KEPT) ownMessages.delete(ownMessages.values().next().value ?? '');
  ownMessages.add(key);
  return true;
}

/**
 * Where the click came from when it may act on `runId`; null when it may not.
 *
 * Slack sends a button's click only to the app that posted the message, so a shared message of ours
 * that carries the clicked button and whose metadata names the run and a slot is that run's: it is
 * placed into the slot when the slot holds no message yet (its post is in flight, or its answer was
 * lost in a crash), and is a copy when the slot holds another one.
 */
export async function clickBelongsToRun(
  ctx: Pick<SlackContext, 'runDeps'>,
  runId: string,
  actionId: string,
  origin: ClickOrigin,
): Promise<ClickPlace | null> {
  const { channelId, messageTs, threadTs, carriesButton, place } = origin;
  if (!channelId || !messageTs) return null;
  // Acknowledge comes from a page (a DM; the state machine checks the page was the clicker's) or
  // from the live escalation view in the run's own thread.
  if (actionId === ACTIONS.acknowledge && channelId.startsWith('D')) return 'own';
  const messages = ctx.runDeps.store.slackMessages;
  if (await isOwnMessage(messages, runId, channelId, messageTs)) return 'own';
  if (!carriesButton) return null;
  const topLevel = threadTs === null || threadTs === messageTs;
  if (place) {
    if (place.runId !== runId || (place.kind === 'parent') !== topLevel) return null;
    const parent = (await messages.forRun(runId)).find((m) => m.kind === 'parent');
    if (parent && parent.channelId !== channelId) return null;
    if (place.kind === 'phase' && parent && threadTs !== parent.ts) return null;
    const key = { runId, kind: place.kind, phaseIndex: place.phaseIndex, part: place.part };
    const held = await messages.place(
      {
        ...key,
        channelId,
        ts: messageTs,
        renderHash: null,
        updatedAt: ctx.runDeps.clock.now().toISOString(),
      },
      null,
    );
    return held === messageTs ? 'own' : 'copy';
  }
  if ((await messages.runAt(channelId, messageTs)) !== null) return null;
  const parent = (await messages.forRun(runId)).find((m) => m.kind === 'parent');
  if (!parent || parent.channelId !== channelId) return null;
  return topLevel || threadTs === parent.ts ? 'unplaced' : null;
}
