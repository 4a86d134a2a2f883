// The metadata every run message carries (Slack's message `metadata`): which run, which slot
// (parent, or phase and part) and which post attempt. A click on a message whose post Slack has not
// answered yet, or a message a crash left unstored, is placed by it, never by guesswork.
import { z } from 'zod';
import { GATE_NOTICE_KIND } from './blocks/gate-notice.js';
import type { MessageMetadata } from './outbound/slack-writer.js';

/** Our event type (letters, digits and underscores, as Slack requires). */
export const RUN_MESSAGE_EVENT = 'deploybot_run_message';

/** The kinds of a run's stored messages: the parent, a phase message part, a gate's notice. */
export type RunMessageKind = 'parent' | 'phase' | typeof GATE_NOTICE_KIND;

/** The slot of a run's message, and the post attempt that made it. */
export interface RunMessagePlace {
  runId: string;
  kind: RunMessageKind;
  phaseIndex: number;
  part: number;
  attempt: string;
}

const payloadSchema = z.object({
  run_id: z.string().uuid(),
  kind: z.enum(['parent', 'phase', GATE_NOTICE_KIND]),
  phase: z.number().int().min(-1).max(10_000),
  part: z.number().int().min(0).max(1000),
  attempt: z.string().min(1).max(64),
});

/** The metadata to post with a run message. */
export function buildRunMessageMetadata(place: RunMessagePlace): MessageMetadata {
  return {
    event_type: RUN_MESSAGE_EVENT,
    event_payload: {
      run_id: place.runId,
      kind: place.kind,
      phase: place.phaseIndex,
      part: place.part,
      attempt: place.attempt,
    },
  };
}

/** Where a message says it belongs, from its metadata; null when it carries none of ours. */
export function readRunMessageMetadata(metadata: unknown): RunMessagePlace | null {
  const m = metadata as { event_type?: unknown; event_payload?: unknown } | null | undefined;
  if (!m || m.event_type !== RUN_MESSAGE_EVENT) return null;
  const parsed = payloadSchema.safeParse(m.event_payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  return { runId: p.run_id, kind: p.kind, phaseIndex: p.phase, part: p.part, attempt: p.attempt };
}

/** Where a click came from, as the payload says. */
export interface ClickOrigin {
  channelId: string | null;
  messageTs: string | null;
  /** The thread the message is in (its own ts, or absent, for a top-level message). */
  threadTs: string | null;
  /** The click's response_url: it replaces or deletes the clicked message without chat.update. */
  responseUrl: string | null;
  /** The message is a shared one (not ephemeral) and carries the clicked button, as Slack sent it. */
  carriesButton: boolean;
  /** The run and slot the message's metadata names. */
  place: RunMessagePlace | null;
}
