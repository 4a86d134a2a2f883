// Writes to one posted message are serialised and versioned. A write carries the run version it
// renders; it is sent only when that version (or that content) has not been shown yet, through the
// click's response_url when there is one (free: no chat.update budget) or else chat.update under
// the workspace budget. While a write waits for the budget, a newer render replaces it (the latest
// state wins, the final state is never dropped). The claim is stored in Postgres before sending, so
// replicas and both paths agree on which render is newest.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type {
  MessageKey,
  SlackMessagesRepository,
  StoredMessage,
} from '../../db/slack-messages.repository.js';
import type { Clock } from '../../shared/clock.js';
import type { MessageContent, SlackWriter } from '../outbound/slack-writer.js';
import { PRIORITY, type Priority, type UpdateBudget } from './update-budget.js';

/** How a write went. */
export type WriteOutcome = 'response_url' | 'chat.update' | 'unchanged';

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
  messages: SlackMessagesRepository;
  logger: Logger;
  clock: Clock;
  /** A replica overtook one of our writes: bring the run's messages up to date again. */
  onOvertaken(runId: string): void;
  /** Told of every write that reached Slack (for metrics). */
  onWritten?(outcome: WriteOutcome, priority: Priority): void;
  /** Minimum gap between two chat.updates of one message nobody just clicked (coalescing window). */
  gapMs: number;
}

/** The hash stored per message: unchanged content is never sent again. */
export const hashOf = (content: MessageContent): string =>
  createHash('sha1').update(JSON.stringify(content)).digest('hex');

const keyOf = (m: MessageKey) => `${m.runId}:${m.kind}:${m.phaseIndex}:${m.part}`;

/** Creates the message writes of a process. */
export function createMessageWrites(deps: MessageWritesDeps) {
  const slots = new Map<string, Slot>();

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

  const isShown = (slot: Slot, version: number, hash: string) =>
    slot.shown !== null &&
    (slot.shown.version > version || (slot.shown.version === version && slot.shown.hash === hash));

  async function send(message: StoredMessage, slot: Slot): Promise<void> {
    let p = slot.pending;
    if (!p) return;
    const settle = (outcome: WriteOutcome | Error) => {
      for (const s of p?.settle ?? []) outcome instanceof Error ? s.reject(outcome) : s.resolve(outcome);
    };
    if (isShown(slot, p.version, p.hash)) {
      slot.pending = null;
      return settle('unchanged');
    }
    // Newer content may still replace this one while it waits for its gap and the budget. When a
    // click's write joins it (a response_url, or the clicked priority), the wait ends: the click
    // goes out through its response_url at once, or waits again at its own priority.
    while (!p.responseUrl) {
      const wake = new AbortController();
      slot.wake = () => wake.abort();
      try {
        const gap = p.priority === PRIORITY.clicked ? 0 : slot.sentAt + deps.gapMs - Date.now();
        // Woken early, the sleep rejects with an AbortError: that only ends the wait.
        if (gap > 0) await sleep(gap, undefined, { signal: wake.signal }).catch(() => undefined);
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
      if (!(await deps.messages.claimRender(message, p.version, p.hash, at))) return settle('unchanged');
      const outcome = await deliver(message, p);
      await deps.messages.confirmRender(message, p.version, p.hash);
      slot.shown = { version: p.version, hash: p.hash };
      slot.sentAt = Date.now();
      deps.onWritten?.(outcome, p.priority);
      if (await deps.messages.overtaken(message, p.version)) {
        slots.delete(keyOf(message));
        deps.onOvertaken(message.runId);
      }
      settle(outcome);
    } catch (error) {
      await deps.messages.releaseRender(message, p.version, p.hash).catch(() => undefined);
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
      if (isShown(slot, version, hash) && !slot.pending) return Promise.resolve('unchanged');
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
  };
}

/** The message writes' type. */
export type MessageWrites = ReturnType<typeof createMessageWrites>;
