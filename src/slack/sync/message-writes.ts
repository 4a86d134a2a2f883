// Writes to one posted message are serialised and versioned. A write carries the run version it
// renders and the hash of its content. Content Slack already shows is never sent again, whatever its
// version (the stored version moves forward without a call); a render older than the one shown is
// never sent. What is sent goes through the click's response_url when there is one (free: no
// chat.update budget) or else chat.update under the workspace budget. While a write waits for the
// budget, a newer render replaces it (the latest state wins, the final state is never dropped). The
// claim is stored in Postgres before sending, so replicas and both paths agree on which is newest.
import { createHash } from 'node:crypto';
import { ErrorCode } from '@slack/web-api';
import type { Logger } from 'pino';
import { type Clock, systemTimer, type Timer } from '../../shared/clock.js';
import type { MessageKey, Store, StoredMessage } from '../../usecases/deps.js';
import type { MessageContent } from '../blocks/index.js';
import type { SlackWriter } from '../outbound/slack-writer.js';
import { PRIORITY, type Priority, type UpdateBudget } from '../outbound/update-budget.js';

/** How a write went. */
export type WriteOutcome = 'response_url' | 'chat.update' | 'unchanged';

/** Slack errors that say a message, or its whole channel, is no longer there. */
const MESSAGE_GONE = new Set(['message_not_found']);
const CHANNEL_GONE = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/** Slack answered that the message (or its channel) is gone: it is never updated again. */
export class MessageGoneError extends Error {
  constructor(
    readonly message_: StoredMessage,
    readonly what: 'message' | 'channel',
    readonly slackError: string,
  ) {
    super(`Slack answered ${slackError} for ${message_.kind} ${message_.phaseIndex}/${message_.part}`);
  }
}

/** What Slack's error says is gone, if anything. */
export function goneOf(error: unknown): { what: 'message' | 'channel'; slackError: string } | null {
  const e = error as { code?: string; data?: { error?: string } };
  if (e?.code !== ErrorCode.PlatformError || !e.data?.error) return null;
  if (MESSAGE_GONE.has(e.data.error)) return { what: 'message', slackError: e.data.error };
  if (CHANNEL_GONE.has(e.data.error)) return { what: 'channel', slackError: e.data.error };
  return null;
}

interface Pending {
  content: MessageContent;
  hash: string;
  version: number;
  priority: Priority;
  responseUrl: string | null;
  settle: { resolve: (o: WriteOutcome) => void; reject: (e: unknown) => void }[];
}

interface Slot {
  tail: Promise<void>;
  pending: Pending | null;
  shown: { version: number; hash: string } | null;
  sentAt: number;
  /** Ends the current wait for the gap or the budget (a click's write joined the pending one). */
  wake: (() => void) | null;
}

export interface MessageWritesDeps {
  writer: SlackWriter;
  budget: UpdateBudget;
  messages: Store['slackMessages'];
  logger: Logger;
  clock: Clock;
  /** Real time for the gaps between updates (tests move it by hand). */
  timer?: Timer;
  /** Told of every write that reached Slack (for metrics). */
  onWritten?(outcome: WriteOutcome, priority: Priority): void;
  /** Minimum gap between two chat.updates of one message nobody just clicked (coalescing window). */
  gapMs: number;
}

/**
 * The hash stored per message: unchanged content is never sent again. The renderers stamp every
 * block_id with a hash of the block's content (blocks/block-ids.ts), so the ids stand for the blocks;
 * content without stamped ids is hashed whole.
 */
export function hashOf(content: MessageContent): string {
  const blocks = (content.blocks ?? []) as { block_id?: unknown }[];
  const stamped = blocks.every((b) => typeof b?.block_id === 'string' && b.block_id.includes('.'));
  const shape = stamped ? blocks.map((b) => b.block_id).join('\n') : JSON.stringify(blocks);
  return createHash('sha1').update(content.text).update('\0').update(shape).digest('hex');
}

const keyOf = (m: MessageKey) => `${m.runId}:${m.kind}:${m.phaseIndex}:${m.part}`;
const pickKey = (m: MessageKey): MessageKey => ({
  runId: m.runId,
  kind: m.kind,
  phaseIndex: m.phaseIndex,
  part: m.part,
});

/** Creates the message writes of a process. */
export function createMessageWrites(deps: MessageWritesDeps) {
  const overtaken: ((runId: string) => void)[] = [];
  const slots = new Map<string, Slot>();
  const timer = deps.timer ?? systemTimer;
  // Contents Slack already shows at a newer version: their stored version moves forward in one
  // statement per run (see `advance`), so a late older render from another process is refused.
  const advances = new Map<string, Map<string, MessageKey & { hash: string }>>();

  function slotOf(message: StoredMessage): Slot {
    const key = keyOf(message);
    let slot = slots.get(key);
    if (!slot) {
      const shown = message.renderHash
        ? { version: message.renderedVersion, hash: message.renderHash }
        : null;
      slot = { tail: Promise.resolve(), pending: null, shown, sentAt: 0, wake: null };
      slots.set(key, slot);
    }
    return slot;
  }

  /** Slack shows this content already, or a newer render: nothing to send. */
  const isShown = (slot: Slot, version: number, hash: string) =>
    slot.shown !== null && (slot.shown.hash === hash || slot.shown.version > version);

  /** Records that Slack shows `hash` at `version` too (without a call), for the database as well. */
  function advance(message: StoredMessage, slot: Slot, version: number): void {
    if (!slot.shown || slot.shown.version >= version) return;
    slot.shown = { version, hash: slot.shown.hash };
    const batchKey = `${message.runId}@${version}`;
    let batch = advances.get(batchKey);
    if (!batch) {
      batch = new Map();
      advances.set(batchKey, batch);
      queueMicrotask(() => flushAdvances(batchKey, message.runId, version));
    }
    batch.set(keyOf(message), { ...pickKey(message), hash: slot.shown.hash });
  }

  function flushAdvances(batchKey: string, runId: string, version: number): void {
    const batch = advances.get(batchKey);
    advances.delete(batchKey);
    if (!batch) return;
    void deps.messages
      .advance(runId, version, [...batch.values()])
      .catch((err: unknown) =>
        deps.logger.warn({ err, runId }, 'could not move stored render versions forward'),
      );
  }

  async function send(message: StoredMessage, slot: Slot): Promise<void> {
    let p = slot.pending;
    if (!p) return;
    const settle = (outcome: WriteOutcome | Error) => {
      for (const s of p?.settle ?? []) outcome instanceof Error ? s.reject(outcome) : s.resolve(outcome);
    };
    if (isShown(slot, p.version, p.hash)) {
      slot.pending = null;
      advance(message, slot, p.version);
      return settle('unchanged');
    }
    // Newer content may still replace this one while it waits for its gap and the budget. When a
    // click's write joins it (a response_url, or the clicked priority), the wait ends: the click
    // goes out through its response_url at once, or waits again at its own priority.
    while (!p.responseUrl) {
      const wake = new AbortController();
      slot.wake = () => wake.abort();
      try {
        const gap = p.priority === PRIORITY.clicked ? 0 : slot.sentAt + deps.gapMs - timer.now();
        // Woken early, the sleep ends at once: that only ends the wait.
        if (gap > 0) await timer.sleep(gap, wake.signal);
        const granted =
          !wake.signal.aborted && (await deps.budget.take(p.priority, message.runId, wake.signal));
        p = slot.pending ?? p;
        if (granted) break;
      } catch (error) {
        // The budget closed (the process stops): the write is not sent, and its callers hear so.
        slot.pending = null;
        return settle(error instanceof Error ? error : new Error(String(error)));
      } finally {
        slot.wake = null;
      }
    }
    slot.pending = null;
    const at = deps.clock.now().toISOString();
    try {
      const claim = await deps.messages.claimRender(message, p.version, p.hash, at);
      if (claim !== 'send') {
        if (claim === 'unchanged') slot.shown = { version: p.version, hash: p.hash };
        return settle('unchanged');
      }
      const outcome = await deliver(message, p);
      await deps.messages.confirmRender(message, p.version, p.hash);
      slot.shown = { version: p.version, hash: p.hash };
      slot.sentAt = timer.now();
      deps.onWritten?.(outcome, p.priority);
      if (await deps.messages.overtaken(message, p.version)) {
        slots.delete(keyOf(message));
        for (const listener of overtaken) listener(message.runId);
      }
      settle(outcome);
    } catch (error) {
      await deps.messages.releaseRender(message, p.version, p.hash).catch(() => undefined);
      const gone = goneOf(error);
      if (gone) {
        // Never retried: the sync posts the message again (or ends the run's Slack work).
        slots.delete(keyOf(message));
        return settle(new MessageGoneError(message, gone.what, gone.slackError));
      }
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** response_url first when the click gave one; chat.update (at the front of the queue) when it fails. */
  async function deliver(message: StoredMessage, p: Pending): Promise<WriteOutcome> {
    if (p.responseUrl) {
      try {
        await deps.writer.respond(p.responseUrl, { replace_original: true, ...p.content });
        return 'response_url';
      } catch (error) {
        deps.logger.info({ err: error }, 'response_url refused; updating the message with chat.update');
        await deps.budget.take(PRIORITY.clicked, message.runId);
      }
    }
    await deps.writer.update(message.channelId, message.ts, p.content);
    return 'chat.update';
  }

  return {
    /** Tells `listener` when a replica overtook one of our writes (the run's messages need a sync). */
    onOvertaken(listener: (runId: string) => void): void {
      overtaken.push(listener);
    },

    /**
     * Shows `content` (the render of run version `version`) in a posted message. Resolves when it
     * reached Slack, or when a render at least as new was already shown; rejects when Slack failed.
     */
    write(
      message: StoredMessage,
      content: MessageContent,
      version: number,
      options: { priority: Priority; responseUrl?: string | null },
    ): Promise<WriteOutcome> {
      const slot = slotOf(message);
      const hash = hashOf(content);
      if (isShown(slot, version, hash) && !slot.pending) {
        advance(message, slot, version);
        return Promise.resolve('unchanged');
      }
      return new Promise<WriteOutcome>((resolve, reject) => {
        const current = slot.pending;
        if (current && version >= current.version) {
          const sooner = Boolean(options.responseUrl) || options.priority < current.priority;
          Object.assign(current, { content, hash, version });
          current.priority = Math.min(current.priority, options.priority) as Priority;
          current.responseUrl = options.responseUrl ?? current.responseUrl;
          current.settle.push({ resolve, reject });
          if (sooner) slot.wake?.();
          return;
        }
        if (current) return resolve('unchanged');
        slot.pending = {
          content,
          hash,
          version,
          priority: options.priority,
          responseUrl: options.responseUrl ?? null,
          settle: [{ resolve, reject }],
        };
        slot.tail = slot.tail.then(() => send(message, slot)).catch(() => undefined);
      });
    },
    /** Forgets an ended run's messages once nothing is pending for them (memory stays bounded). */
    forgetRun(runId: string): void {
      for (const [key, slot] of slots) if (key.startsWith(`${runId}:`) && !slot.pending) slots.delete(key);
    },
    /** Forgets what this process believes one message shows (it was posted again elsewhere). */
    forget(message: MessageKey): void {
      const slot = slots.get(keyOf(message));
      if (slot && !slot.pending) slots.delete(keyOf(message));
    },
  };
}

/** The message writes' type. */
export type MessageWrites = ReturnType<typeof createMessageWrites>;
