// The queue behind an environment lock, as Slack shows it: the private answer with **Queue behind
// it**, the offer with **Start now**, the parent message's queue line and `/deploy status`. Pure.
import type { KnownBlock } from '@slack/types';
import { formatTime } from '../../shared/format-time.js';
import { ACTIONS } from '../ids.js';
import { actions, button, context, section } from './elements.js';
import { code, escapeText, mention } from './escape.js';

/** How long a **Start now** offer holds before the next in the queue is asked. */
export const OFFER_MINUTES = 15;

/** A start waiting in a queue, as the renderers need it. */
export interface QueuedStart {
  id: number;
  starterId: string;
  runbookName: string;
  environment: string;
  queuedAt: string | null;
  status: string;
  offerExpiresAt: string | null;
}

/** The value of a queue button: the entry it acts on. */
export const queueValue = (id: number) => `queue|${id}`;

/** Reads a queue button's value back, or null when it is not one. */
export function readQueueValue(value: unknown): number | null {
  const m = typeof value === 'string' ? /^queue\|(\d{1,15})$/.exec(value) : null;
  return m ? Number(m[1]) : null;
}

/** The name people use for an entry (`/deploy cancel q12`). */
export const queueName = (id: number) => `q${id}`;

/** The private answer to a start on a locked environment: who holds it, and a button to queue. */
export function buildLockedReply(
  message: string,
  proposalId: number,
): { text: string; blocks: KnownBlock[] } {
  return {
    text: message,
    blocks: [
      section(message, `locked:${proposalId}`),
      actions(
        [
          button({
            text: 'Queue behind it',
            actionId: ACTIONS.queueJoin,
            value: queueValue(proposalId),
            style: 'primary',
          }),
        ],
        `locked-actions:${proposalId}`,
      ),
    ],
  };
}

/** What the starter is told once queued. */
export function queuedText(entry: QueuedStart, position: number): string {
  return (
    `⏳ Queued as ${code(queueName(entry.id))}: ${code(entry.runbookName)} in ${code(entry.environment)}, ` +
    `number ${position} in line. When the lock is free you are asked here to start (nothing starts on its own); ` +
    `\`/deploy cancel ${queueName(entry.id)}\` leaves the queue.`
  );
}

/** The offer to the first in line, posted in the channel they queued from. */
export function buildOfferMessage(entry: QueuedStart): { text: string; blocks: KnownBlock[] } {
  const until = entry.offerExpiresAt ? formatTime(entry.offerExpiresAt) : `${OFFER_MINUTES} minutes from now`;
  const text =
    `▶️ ${mention(entry.starterId)} ${code(entry.runbookName)} in ${code(entry.environment)} is free: your queued run ` +
    `${code(queueName(entry.id))} can start now. The offer holds until ${until} (${OFFER_MINUTES} minutes); then the next in line is asked.`;
  return {
    text,
    blocks: [
      section(text, `offer:${entry.id}`),
      actions(
        [
          button({
            text: 'Start now',
            actionId: ACTIONS.queueStart,
            value: queueValue(entry.id),
            style: 'primary',
          }),
          button({ text: 'Leave the queue', actionId: ACTIONS.queueCancel, value: queueValue(entry.id) }),
        ],
        `offer-actions:${entry.id}`,
      ),
    ],
  };
}

/**
 * The offer once it ended, for everyone in the channel: who started, left or let it pass, and no
 * buttons. Null while the offer stands.
 */
export function buildClosedOffer(
  entry: QueuedStart,
  endedAt: string | null,
): { text: string; blocks: KnownBlock[] } | null {
  const what = `${code(queueName(entry.id))} (${code(entry.runbookName)} in ${code(entry.environment)})`;
  const at = endedAt ? ` at ${formatTime(endedAt)}` : '';
  const texts: Record<string, string> = {
    started: `✅ ${mention(entry.starterId)} started their queued run ${what}${at}.`,
    cancelled: `↩️ ${mention(entry.starterId)} left the queue${at}: ${what} is cancelled; the next in line, if any, is asked.`,
    expired: `⌛ The offer to ${mention(entry.starterId)} for ${what} expired${at}; the next in line, if any, is asked.`,
  };
  const text = texts[entry.status];
  return text ? { text, blocks: [section(text, `offer:${entry.id}`)] } : null;
}

/** The parent message's line listing who is queued behind the run, or null when nobody is. */
export function queueBlock(queue: readonly QueuedStart[] | undefined, blockId: string): KnownBlock | null {
  if (!queue?.length) return null;
  const names = queue.map(
    (q) => `${mention(q.starterId)}${q.queuedAt ? ` (since ${formatTime(q.queuedAt)})` : ''}`,
  );
  return context(`⏳ *Queued behind this run:* ${names.join(', ')}`, blockId);
}

/** `/deploy status` lines for the queue. */
export function queueStatusLines(entries: readonly (QueuedStart & { position: number })[]): string[] {
  return entries.map((q) => {
    const state =
      q.status === 'offered' && q.offerExpiresAt
        ? `offered Start now until ${formatTime(q.offerExpiresAt)}`
        : `number ${q.position} in line`;
    return `• ⏳ ${code(queueName(q.id))} ${escapeText(q.runbookName)} in ${escapeText(q.environment)}: queued by ${mention(q.starterId)}, ${state}`;
  });
}

/** A stored entry (it has at least these fields) as the renderers take it: its times as ISO strings. */
export function toQueuedStart(entry: QueuedStart): QueuedStart {
  const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: entry.id,
    starterId: entry.starterId,
    runbookName: entry.runbookName,
    environment: entry.environment,
    queuedAt: iso(entry.queuedAt),
    status: entry.status,
    offerExpiresAt: iso(entry.offerExpiresAt),
  };
}
