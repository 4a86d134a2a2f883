// The one outbound path for every Slack write. It paces posts per channel, coalesces updates of
// one message (the latest render wins, the last one is always sent), handles 429 itself (honouring
// Retry-After for that method only), and bounds every call with a timeout and a short retry.
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from 'pino';

/** What a message says. */
export interface MessageContent {
  text: string;
  blocks?: unknown[];
}

/** Timing of the writer; tests shorten it. */
export interface WriterTiming {
  /** Minimum gap between two posts in one channel (Slack: about one per second). */
  postIntervalMs: number;
  /** Minimum gap between two updates of one message. */
  updateIntervalMs: number;
  /** Attempts for a call that hits 429 or a network error. */
  maxAttempts: number;
  /** Upper bound on one Retry-After wait. */
  maxRetryAfterMs: number;
  /** chat.update budget of the workspace (Tier 3 allows ~50/min; we keep headroom). */
  updatesPerMinute: number;
}

export const DEFAULT_TIMING: WriterTiming = {
  postIntervalMs: 1000,
  updateIntervalMs: 1000,
  maxAttempts: 5,
  maxRetryAfterMs: 60_000,
  updatesPerMinute: 40,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the writer over a WebClient built with `rejectRateLimitedCalls: true`. */
export function createSlackWriter(client: WebClient, logger: Logger, timing: WriterTiming = DEFAULT_TIMING) {
  const channelQueues = new Map<string, Promise<unknown>>();
  const lastPostAt = new Map<string, number>();
  const pausedUntil = new Map<string, number>();
  const pendingUpdates = new Map<
    string,
    { content: MessageContent; waiters: (() => void)[]; failures: ((e: unknown) => void)[] }
  >();
  const lastUpdateAt = new Map<string, number>();
  // A token bucket for chat.update across the workspace: a burst of 10, then updatesPerMinute.
  const burst = Math.min(10, timing.updatesPerMinute);
  let tokens = burst;
  let refilledAt = Date.now();
  async function updateToken(): Promise<void> {
    for (;;) {
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - refilledAt) * timing.updatesPerMinute) / 60_000);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - tokens) * 60_000) / timing.updatesPerMinute));
    }
  }

  /** Calls a Web API method with our own 429 handling. */
  async function call<T>(method: string, args: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const wait = (pausedUntil.get(method) ?? 0) - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return (await client.apiCall(method, args)) as T;
      } catch (error) {
        const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
        if (e.code === ErrorCode.RateLimitedError && attempt < timing.maxAttempts) {
          const ms = Math.min((e.retryAfter ?? 1) * 1000, timing.maxRetryAfterMs);
          pausedUntil.set(method, Date.now() + ms);
          logger.warn({ method, retryAfterMs: ms, attempt }, 'Slack rate limited us; waiting');
          continue;
        }
        if (
          (e.code === ErrorCode.RequestError || e.code === ErrorCode.HTTPError) &&
          attempt < timing.maxAttempts
        ) {
          await sleep(Math.min(250 * 2 ** attempt, 4000));
          continue;
        }
        throw error;
      }
    }
  }

  /** Runs posts of one channel one after the other, at most one per interval. */
  function inChannel<T>(channel: string, task: () => Promise<T>): Promise<T> {
    const previous = channelQueues.get(channel) ?? Promise.resolve();
    const next = previous.then(async () => {
      const gap = (lastPostAt.get(channel) ?? 0) + timing.postIntervalMs - Date.now();
      if (gap > 0) await sleep(gap);
      try {
        return await task();
      } finally {
        lastPostAt.set(channel, Date.now());
      }
    });
    channelQueues.set(
      channel,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Posts a message (or a thread reply); returns its channel and ts. */
  function post(
    channel: string,
    content: MessageContent,
    threadTs?: string,
  ): Promise<{ channel: string; ts: string }> {
    return inChannel(channel, async () => {
      const res = await call<{ channel: string; ts: string }>('chat.postMessage', {
        channel,
        ...content,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      return { channel: res.channel, ts: res.ts };
    });
  }

  /**
   * Updates a message. Updates of one message are coalesced: while one waits for its turn, a
   * newer one replaces it, and every caller is settled when the latest content reached Slack.
   */
  function update(channel: string, ts: string, content: MessageContent): Promise<void> {
    const key = `${channel}:${ts}`;
    const pending = pendingUpdates.get(key);
    return new Promise<void>((resolve, reject) => {
      if (pending) {
        pending.content = content;
        pending.waiters.push(resolve);
        pending.failures.push(reject);
        return;
      }
      const entry = { content, waiters: [resolve], failures: [reject] };
      pendingUpdates.set(key, entry);
      void (async () => {
        const gap = (lastUpdateAt.get(key) ?? 0) + timing.updateIntervalMs - Date.now();
        if (gap > 0) await sleep(gap);
        // Newer content may still replace ours while we wait for the workspace budget.
        await updateToken();
        pendingUpdates.delete(key);
        try {
          await call('chat.update', { channel, ts, ...entry.content });
          lastUpdateAt.set(key, Date.now());
          for (const w of entry.waiters) w();
        } catch (error) {
          for (const f of entry.failures) f(error);
        }
      })();
    });
  }

  return {
    call,
    post,
    update,
    postEphemeral: (channel: string, user: string, content: MessageContent) =>
      call('chat.postEphemeral', { channel, user, ...content }),
    openView: (triggerId: string, view: unknown) => call('views.open', { trigger_id: triggerId, view }),
    publishHome: (userId: string, view: unknown) => call('views.publish', { user_id: userId, view }),
  };
}

/** The writer's type. */
export type SlackWriter = ReturnType<typeof createSlackWriter>;
