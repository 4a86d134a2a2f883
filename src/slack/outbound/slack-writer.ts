// The one path for every Slack Web API call. It paces posts per channel, handles 429 itself
// (honouring Retry-After for that method only), backs off per method while a method keeps failing
// (at most about one call a second, so an outage is not hammered), and bounds every call with a
// timeout and a short retry. The chat.update budget and the order of writes to one message live in
// src/slack/sync/ (message-writes.ts, update-budget.ts): this file only carries calls.
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { systemTimer, type Timer } from '../../shared/clock.js';
import type { MessageContent } from '../blocks/index.js';

/** Message metadata (Slack's `metadata`): what the bot can read back from a message it posted. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string | number | boolean>;
}

/** A message as conversations.history/replies return it (with include_all_metadata). */
export interface ReadMessage {
  ts: string;
  thread_ts?: string;
  bot_id?: string;
  metadata?: MessageMetadata;
}

/** Timing of the writer; tests shorten it. */
export interface WriterTiming {
  /** Minimum gap between two posts in one channel (Slack: about one per second). */
  postIntervalMs: number;
  /**
   * Minimum gap between two chat.updates of one message that nobody just clicked (the parent):
   * changes within it are coalesced into one update, the latest state winning.
   */
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
  updateIntervalMs: 2000,
  maxAttempts: 3,
  maxRetryAfterMs: 60_000,
  updatesPerMinute: 40,
};

/** Longest pause between two calls of a method that keeps failing. */
const MAX_BACKOFF_MS = 1000;

/** A response_url post that Slack refused or that could not be sent. */
export class ResponseUrlError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
  ) {
    super(`response_url answered ${status} ${error}`);
  }
}

/**
 * Creates the writer over a WebClient built with `rejectRateLimitedCalls: true`. Its pauses (post
 * gaps, back-off, Retry-After) are read and waited on `timer`.
 */
export function createSlackWriter(
  client: WebClient,
  logger: Logger,
  timing: WriterTiming = DEFAULT_TIMING,
  timer: Timer = systemTimer,
) {
  const channelQueues = new Map<string, Promise<unknown>>();
  const lastPostAt = new Map<string, number>();
  const pausedUntil = new Map<string, number>();
  const failures = new Map<string, number>();

  /** While a method keeps failing, its calls are spaced out (doubling up to MAX_BACKOFF_MS). */
  function noteFailure(method: string): void {
    const n = (failures.get(method) ?? 0) + 1;
    failures.set(method, n);
    const ms = Math.min(50 * 2 ** n, MAX_BACKOFF_MS);
    pausedUntil.set(method, Math.max(pausedUntil.get(method) ?? 0, timer.now() + ms));
  }

  /**
   * Waits until `method` may be called. While it keeps failing, callers go one at a time, each
   * pushing the next one a back-off step later: waiters do not all wake together when a pause ends.
   */
  async function turnOf(method: string): Promise<void> {
    for (let wait = (pausedUntil.get(method) ?? 0) - timer.now(); wait > 0; ) {
      await timer.sleep(wait);
      wait = (pausedUntil.get(method) ?? 0) - timer.now();
    }
    const n = failures.get(method) ?? 0;
    if (n > 0) pausedUntil.set(method, timer.now() + Math.min(50 * 2 ** n, MAX_BACKOFF_MS));
  }

  /** Calls a Web API method with our own 429 handling and per-method back-off. */
  async function call<T>(method: string, args: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await turnOf(method);
      try {
        const result = (await client.apiCall(method, args)) as T;
        failures.delete(method);
        return result;
      } catch (error) {
        const e = error as { code?: string; retryAfter?: number };
        if (e.code === ErrorCode.RateLimitedError) {
          const ms = Math.min((e.retryAfter ?? 1) * 1000, timing.maxRetryAfterMs);
          pausedUntil.set(method, timer.now() + ms);
          failures.set(method, (failures.get(method) ?? 0) + 1);
          logger.warn({ method, retryAfterMs: ms, attempt }, 'Slack rate limited us; waiting');
          if (attempt < timing.maxAttempts) continue;
        } else if (e.code === ErrorCode.RequestError || e.code === ErrorCode.HTTPError) {
          noteFailure(method);
          if (attempt < timing.maxAttempts) continue;
        }
        throw error;
      }
    }
  }

  /** Runs posts of one channel one after the other, at most one per interval. */
  function inChannel<T>(channel: string, task: () => Promise<T>): Promise<T> {
    const previous = channelQueues.get(channel) ?? Promise.resolve();
    const next = previous.then(async () => {
      const gap = (lastPostAt.get(channel) ?? 0) + timing.postIntervalMs - timer.now();
      if (gap > 0) await timer.sleep(gap);
      try {
        return await task();
      } finally {
        lastPostAt.set(channel, timer.now());
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
    metadata?: MessageMetadata,
  ): Promise<{ channel: string; ts: string }> {
    return inChannel(channel, async () => {
      const res = await call<{ channel: string; ts: string }>('chat.postMessage', {
        channel,
        ...content,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(metadata ? { metadata } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      return { channel: res.channel, ts: res.ts };
    });
  }

  /** One chat.update; callers go through the message writes, which order and budget them. */
  async function update(channel: string, ts: string, content: MessageContent): Promise<void> {
    await call('chat.update', { channel, ts, ...content });
  }

  /** chat.delete of one of the bot's own messages. */
  async function remove(channel: string, ts: string): Promise<void> {
    await call('chat.delete', { channel, ts });
  }

  /**
   * Posts to an interaction's response_url (no Web API budget; Slack allows 5 uses in 30 minutes).
   * Throws ResponseUrlError when Slack refuses it, so the caller can fall back to chat.update.
   */
  async function respond(url: string, body: Record<string, unknown>): Promise<void> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new ResponseUrlError(0, (error as Error).name || 'request_failed');
    }
    const text = await res.text().catch(() => '');
    let parsed: { ok?: boolean; error?: string } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // Slack answers `ok` as plain text on success.
    }
    if (!res.ok || parsed.ok === false)
      throw new ResponseUrlError(res.status, parsed.error ?? text.slice(0, 100));
  }

  return {
    post,
    update,
    remove,
    respond,
    postEphemeral: (channel: string, user: string, content: MessageContent) =>
      call('chat.postEphemeral', { channel, user, ...content }),
    openView: (triggerId: string, view: unknown) => call('views.open', { trigger_id: triggerId, view }),
    publishHome: (userId: string, view: unknown) => call('views.publish', { user_id: userId, view }),
    /** Reads: who is who and where things are (no message is changed by these). */
    reads: {
      userByEmail: (email: string) => call<{ user?: { id?: string } }>('users.lookupByEmail', { email }),
      usergroups: () => call<{ usergroups?: { id: string; handle: string }[] }>('usergroups.list', {}),
      usergroupMembers: (usergroup: string) =>
        call<{ users?: string[] }>('usergroups.users.list', { usergroup }),
      permalink: (channel: string, ts: string) =>
        call<{ permalink?: string }>('chat.getPermalink', { channel, message_ts: ts }),
      openDm: (userId: string) =>
        call<{ channel?: { id?: string } }>('conversations.open', { users: userId }),
      /** A thread's messages with their metadata (channels:history / groups:history). */
      replies: (channel: string, ts: string) =>
        call<{ messages?: ReadMessage[] }>('conversations.replies', {
          channel,
          ts,
          limit: 1000,
          include_all_metadata: true,
        }),
      /** A channel's top-level messages since `oldest`, with their metadata. */
      history: (channel: string, oldest: string) =>
        call<{ messages?: ReadMessage[] }>('conversations.history', {
          channel,
          oldest,
          limit: 200,
          include_all_metadata: true,
        }),
    },
    /** Slack's external file upload, in its two Web API steps. */
    files: {
      uploadUrl: (args: { filename: string; length: number; snippet_type: string }) =>
        call<{ upload_url?: string; file_id?: string }>('files.getUploadURLExternal', args),
      complete: (args: Record<string, unknown>) => call('files.completeUploadExternal', args),
    },
  };
}

/** The writer's type. */
export type SlackWriter = ReturnType<typeof createSlackWriter>;
