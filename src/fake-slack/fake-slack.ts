// A local fake of the Slack Web API for integration tests and the playground (reference §4.12, design rule 17; style example 10).
// `@slack/web-api` reaches it through `clientOptions.slackApiUrl = fake.url`; Bolt's `respond()` reaches it
// through a `response_url` from `fake.responseUrl()`. It records every call, keeps message state the way
// Slack does, rejects what Slack rejects, and misbehaves on demand (429s, 500s, `ok: false`, slow, hung).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BlockLimits, DEFAULT_LIMITS } from './fake-slack-blocks.js';
import { type DirectoryOptions, FakeDirectory, type FakeIdentity, fail } from './fake-slack-directory.js';
import { type Fault, FaultScript } from './fake-slack-faults.js';
import { answerFault, BodyTooLarge, parseBody, readBody, send, stringOrNull } from './fake-slack-http.js';
import {
  type FakeEphemeral,
  type FakeMessage,
  type FakeView,
  MessageState,
  type Violation,
} from './fake-slack-messages.js';

export type { BlockLimits } from './fake-slack-blocks.js';
export { DEFAULT_LIMITS, mentionsIn, validateMessage, validateView } from './fake-slack-blocks.js';
export type { FakeUserProfile } from './fake-slack-directory.js';
export type { Fault } from './fake-slack-faults.js';
export type { FakeEphemeral, FakeMessage, FakeView, Violation } from './fake-slack-messages.js';

type Json = Record<string, unknown>;

export interface FakeSlackOptions extends DirectoryOptions, Partial<FakeIdentity> {
  /** When set, posting to any other channel (DMs aside) fails with `channel_not_found`. */
  channels?: string[];
  /** User or group ids the bot may mention besides everyone in the directory (no violation recorded). */
  allowedMentions?: string[];
  /** Override Slack's limits (e.g. a lower `blockTextTotal`). */
  limits?: Partial<BlockLimits>;
  /** How many times one `response_url` accepts a post (Slack: 5); later posts get 404 `used_url`. */
  responseUrlMaxUses?: number;
  /** Clock for `at` and fault windows. */
  now?: () => number;
  /** `views.open` takes only trigger ids from `triggerId()` (the playground); tests may invent their own. */
  strictTriggers?: boolean;
  /**
   * Per-minute limits per method, enforced as Slack does (per workspace, a sliding minute): a call
   * over the limit gets 429 with Retry-After, e.g. `{ 'chat.update': 50 }` for Tier 3.
   */
  rateLimits?: Record<string, number>;
  /**
   * The only token the Web API accepts (the playground's bot token); others get `invalid_auth`.
   * Unset, any token will do, as tests like.
   */
  token?: string;
  /** Largest request body read, in bytes (default 5 MiB); a larger one gets 413. */
  maxBodyBytes?: number;
}

/** One Web API call as received. `status`/`error` are filled in when the fake has answered. */
export interface FakeCall {
  method: string;
  body: Json;
  at: number;
  token: string | null;
  status: number | null;
  error: string | null;
}

/** One post to a `response_url`. `effect` says what it did to the message the URL belongs to. */
export interface FakeResponse {
  id: string;
  body: Json;
  at: number;
  effect: 'ephemeral' | 'in_channel' | 'replaced' | 'deleted';
}

/** The message and person a `response_url` belongs to (a click's message, a command's channel). */
export interface ResponseTarget {
  channel: string;
  ts?: string;
  user?: string;
}

/** Slack keeps a response_url usable for 30 minutes. */
const RESPONSE_URL_TTL_MS = 30 * 60_000;
/** A trigger_id works once, within 3 seconds (reference §3.4). */
const TRIGGER_TTL_MS = 3000;

export class FakeSlack {
  /** Base URL for `slackApiUrl`, with trailing slash: `http://127.0.0.1:PORT/api/`. */
  readonly url: string;
  readonly identity: FakeIdentity;
  readonly calls: FakeCall[] = [];
  private state: MessageState;
  private readonly directory: FakeDirectory;
  private readonly faults: FaultScript;
  private readonly now: () => number;
  private readonly allowed: Set<string>;
  private readonly responsePosts: FakeResponse[] = [];
  private readonly recent = new Map<string, number[]>();
  /** Files uploaded through files.getUploadURLExternal (bytes) and shared with completeUploadExternal. */
  readonly files = new Map<string, FakeFile>();
  private readonly responseTargets = new Map<string, ResponseTarget & { created: number }>();
  private responseIds = 0;
  private readonly triggers = new Map<string, { user: string; created: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly extraMethods = new Map<string, (body: Json, token: string | null) => Json>();

  constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly origin: string,
    private readonly options: FakeSlackOptions,
  ) {
    this.url = `${origin}/api/`;
    this.now = options.now ?? Date.now;
    this.identity = {
      teamId: options.teamId ?? 'T0FAKE',
      teamDomain: options.teamDomain ?? 'fake',
      botUserId: options.botUserId ?? 'U0BOT',
      botId: options.botId ?? 'B0BOT',
      appId: options.appId ?? 'A0APP',
    };
    this.directory = new FakeDirectory(this.identity, options);
    this.faults = new FaultScript(this.now);
    this.allowed = new Set(options.allowedMentions ?? []);
    this.state = this.freshState();
    server.on('request', (req, res) => {
      this.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    });
  }

  // --- reading state ---------------------------------------------------------------------------

  /** Calls to one method, in arrival order. */
  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the fake holds (top-level and replies, in post order), optionally in one channel. */
  messages(channel?: string): FakeMessage[] {
    return this.state.messages.filter((m) => channel === undefined || m.channel === channel);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.state.find(channel, ts);
  }

  /** The replies in a thread, oldest first (the parent itself is `message(channel, parentTs)`). */
  thread(channel: string, parentTs: string): FakeMessage[] {
    return this.state.messages.filter(
      (m) => m.channel === channel && m.thread_ts === parentTs && m.ts !== parentTs,
    );
  }

  ephemerals(user?: string): FakeEphemeral[] {
    return this.state.ephemerals.filter((e) => user === undefined || e.user === user);
  }

  /** Every Home tab published for `user`, oldest first; the last is what they see. */
  homeViews(user: string): FakeView[] {
    return this.state.homeViews.filter((v) => v.user === user);
  }

  /** Modals opened or updated, oldest first. */
  modals(): FakeView[] {
    return [...this.state.modals];
  }

  /** Messages in the bot's DM with `user`. */
  dms(user: string): FakeMessage[] {
    return this.messages(this.directory.dmChannel(user));
  }

  /** The stable DM channel id `conversations.open` returns for `user`. */
  dmChannel(user: string): string {
    return this.directory.dmChannel(user);
  }

  /** Mentions real Slack would have delivered but the bot should not have sent, and threads replied to wrongly. */
  get violations(): Violation[] {
    return this.state.violations;
  }

  /** Posts `text` as someone else (default a person `U0HUMAN`): the bot gets `cant_update_message` on it. */
  seedMessage(
    channel: string,
    text: string,
    options: { user?: string; threadTs?: string } = {},
  ): FakeMessage {
    return this.state.seed(channel, text, options.user ?? 'U0HUMAN', options.threadTs);
  }

  /** Lets the bot mention these user or group ids without a violation. */
  allowMentions(...ids: string[]): void {
    for (const id of ids) this.allowed.add(id);
  }

  /**
   * An absolute `response_url` on the fake; posts to it are kept under `id`. With a `target` (the
   * clicked message), `replace_original` and `delete_original` change that message as on Slack.
   */
  responseUrl(id = `R${++this.responseIds}`, target?: ResponseTarget): string {
    if (target) this.responseTargets.set(id, { ...target, created: this.now() });
    return `${this.origin}/response/${encodeURIComponent(id)}`;
  }

  /** A trigger_id for an interaction by `user`, as Slack sends with a click, command or submission. */
  triggerId(user: string): string {
    const id = `${Date.now()}.${++this.responseIds}.${this.identity.teamId.toLowerCase()}trigger`;
    this.triggers.set(id, { user, created: this.now() });
    return id;
  }

  /** Who the trigger was issued for (when it came from `triggerId()`). */
  triggerUser(id: string): string | undefined {
    return this.triggers.get(id)?.user;
  }

  /** Calls `listener` after every answered call or response_url post; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What was said through response URLs (to one `id`, or all): private and channel answers. */
  responses(id?: string): FakeResponse[] {
    return this.responsePosts.filter(
      (r) => (id === undefined || r.id === id) && (r.effect === 'ephemeral' || r.effect === 'in_channel'),
    );
  }

  /** Every accepted response_url post, replacements and deletions of the original included. */
  responseWrites(id?: string): FakeResponse[] {
    return this.responsePosts.filter((r) => id === undefined || r.id === id);
  }

  /** Resolves once `count` calls to `method` have been answered (or received, with `answered: false`). */
  async waitForCalls(
    method: string,
    count = 1,
    { timeoutMs = 5000, answered = true }: { timeoutMs?: number; answered?: boolean } = {},
  ): Promise<FakeCall[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const calls = this.callsTo(method);
      if (calls.filter((c) => !answered || c.status !== null).length >= count) return calls;
      if (Date.now() > deadline) {
        throw new Error(
          `fake Slack: expected ${count} ${method} call(s) within ${timeoutMs} ms, got ${calls.length}`,
        );
      }
      await sleep(5);
    }
  }

  /** Answers `method` with `handler` (e.g. `apps.connections.open` for the Socket Mode fake). */
  handleMethod(method: string, handler: (body: Json, token: string | null) => Json): void {
    this.extraMethods.set(method, handler);
  }

  // --- misbehaving -----------------------------------------------------------------------------

  /** The next `count` calls to `method` (or `'*'`) get `fault`. */
  failNext(method: string, fault: Fault, count = 1): void {
    this.faults.failNext(method, fault, count);
  }

  /** Every call to `method` in the next `ms` ms gets `fault`; a 429's Retry-After defaults to the rest of it. */
  failFor(method: string, fault: Fault, ms: number): void {
    this.faults.failFor(method, fault, ms);
  }

  /** Answers to `method` (or `'*'`) are `ms` slow; 0 removes the delay. */
  delay(method: string, ms: number): void {
    this.faults.delay(method, ms);
  }

  /** Calls to `method` (or `'*'`) hang until `release()`. */
  hang(method: string): void {
    this.faults.hang(method);
  }

  /** Lets hung calls go on (all, or one method's) and stops hanging; returns how many were held. */
  release(method?: string): number {
    return this.faults.release(method);
  }

  /** Calls held open right now. */
  get heldCount(): number {
    return this.faults.heldCount;
  }

  /** Slack answers normally again: every scripted fault, delay and hang is dropped. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Forgets calls, messages, views, responses, violations, faults and `allowMentions`; keeps options. */
  reset(): void {
    this.faults.clear();
    this.calls.length = 0;
    this.responsePosts.length = 0;
    this.allowed.clear();
    for (const id of this.options.allowedMentions ?? []) this.allowed.add(id);
    this.state = this.freshState();
  }

  async close(): Promise<void> {
    this.faults.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- serving ---------------------------------------------------------------------------------

  private freshState(): MessageState {
    return new MessageState({
      identity: this.identity,
      directory: this.directory,
      limits: { ...DEFAULT_LIMITS, ...this.options.limits },
      ...(this.options.channels ? { channels: this.options.channels } : {}),
      allowedMentions: this.allowed,
      now: this.now,
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = this.refuse(req);
    if (refused) return send(res, 403, { ok: false, error: refused });
    const url = new URL(req.url ?? '/', this.origin);
    let raw: string;
    try {
      raw = await readBody(req, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      return send(res, 413, { ok: false, error: 'request_too_large' }, { connection: 'close' });
    }
    const body = parseBody(raw, req.headers['content-type'], url.searchParams);
    if (url.pathname.startsWith('/api/')) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
      return this.onApi(
        decodeURIComponent(url.pathname.slice(5)),
        body,
        token ?? stringOrNull(body.token),
        res,
      );
    }
    if (url.pathname.startsWith('/upload/')) {
      const file = this.files.get(decodeURIComponent(url.pathname.slice(8)));
      if (!file) return send(res, 404, { ok: false, error: 'file_not_found' });
      file.bytes = raw;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      return this.onResponseUrl(decodeURIComponent(url.pathname.slice(10)), body, res);
    }
    send(res, 404, { ok: false, error: 'not_found' });
  }

  /**
   * Only the bot on this machine may call: a Host other than the fake's own address (a rebound DNS
   * name) or any Origin (a browser page, which the bot never is) is refused before the body is read.
   */
  private refuse(req: IncomingMessage): string | null {
    if (req.headers.origin !== undefined) return 'origin_not_allowed';
    const host = (req.headers.host ?? '').toLowerCase();
    const port = new URL(this.origin).port;
    return host === `127.0.0.1:${port}` || host === `localhost:${port}` ? null : 'host_not_allowed';
  }

  private async onApi(method: string, body: Json, token: string | null, res: ServerResponse): Promise<void> {
    const call: FakeCall = { method, body, at: this.now(), token, status: null, error: null };
    this.calls.push(call);
    const answer = (await this.misbehave(method, res)) ?? this.overLimit(method, res);
    if (answer === LOSE_ANSWER || (answer && 'answerAfterMs' in answer)) {
      const result = this.carryOut(method, body, token);
      call.status = 200;
      call.error = result.ok === true ? null : String(result.error);
      this.changed();
      if (answer === LOSE_ANSWER) await this.faults.hold(method);
      else await sleep(answer.answerAfterMs);
      if (!res.destroyed) send(res, 200, result);
      return;
    }
    if (answer) {
      call.status = answer.status;
      call.error = answer.error;
      return;
    }
    const result = this.carryOut(method, body, token);
    send(res, 200, result);
    call.status = 200;
    call.error = result.ok === true ? null : String(result.error);
    this.changed();
  }

  /** What Slack does for a call, and its answer. */
  private carryOut(method: string, body: Json, token: string | null): Json {
    const extra = this.extraMethods.get(method);
    return !token
      ? fail('not_authed')
      : this.options.token !== undefined && token !== this.options.token
        ? fail('invalid_auth')
        : extra
          ? extra(body, token)
          : (this.checkTrigger(method, body) ??
            this.handleFiles(method, body) ??
            this.directory.handle(method, body) ??
            this.state.handle(method, body) ??
            fail('unknown_method'));
  }

  /** `views.open` with an expired (or, when strict, unknown) trigger fails as on Slack. */
  private checkTrigger(method: string, body: Json): Json | undefined {
    if (method !== 'views.open') return undefined;
    const issued = this.triggers.get(stringOrNull(body.trigger_id) ?? '');
    if (!issued) return this.options.strictTriggers ? fail('invalid_trigger') : undefined;
    return this.now() - issued.created > TRIGGER_TTL_MS ? fail('trigger_expired') : undefined;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private async onResponseUrl(id: string, body: Json, res: ServerResponse): Promise<void> {
    const at = this.now();
    const call: FakeCall = { method: 'response_url', body, at, token: null, status: null, error: null };
    this.calls.push(call);
    const answer = (status: number, error: string | null) => {
      call.status = status;
      call.error = error;
      send(res, status, error ? { ok: false, error } : { ok: true });
    };
    const faulted = await this.misbehave('response_url', res);
    if (faulted && faulted !== LOSE_ANSWER) return void Object.assign(call, faulted);
    const target = this.responseTargets.get(id);
    if (this.responseWrites(id).length >= (this.options.responseUrlMaxUses ?? 5))
      return answer(404, 'used_url');
    if (target && at - target.created > RESPONSE_URL_TTL_MS) return answer(404, 'expired_url');
    const flag = (v: unknown) => v === true || v === 'true';
    // An original that is not a posted message is an ephemeral one (a private answer's buttons):
    // replacing it shows the new text to that person only, as a private answer does.
    let effect: FakeResponse['effect'] = body.response_type === 'in_channel' ? 'in_channel' : 'ephemeral';
    if (target?.ts && flag(body.delete_original)) {
      const removed = this.state.handle('chat.delete', { channel: target.channel, ts: target.ts });
      if (removed?.ok !== true) return answer(404, 'message_not_found');
      effect = 'deleted';
    } else if (target?.ts && flag(body.replace_original) && this.state.find(target.channel, target.ts)) {
      const { replace_original: _r, response_type: _t, ...content } = body;
      const replaced = this.state.handle('chat.update', {
        ...content,
        channel: target.channel,
        ts: target.ts,
      });
      if (replaced?.ok !== true)
        return answer(replaced?.error === 'message_not_found' ? 404 : 400, String(replaced?.error));
      effect = 'replaced';
    } else {
      this.state.checkMentions('response_url', {
        channel: target?.channel ?? '',
        ts: id,
        text: typeof body.text === 'string' ? body.text : '',
        blocks: Array.isArray(body.blocks) ? body.blocks : [],
      });
    }
    this.responsePosts.push({ id, body, at, effect });
    answer(200, null);
    this.changed();
  }

  /** Slack's external upload: an upload URL on the fake, then the share into a channel or thread. */
  private handleFiles(method: string, body: Json): Json | undefined {
    if (method === 'files.getUploadURLExternal') {
      const filename = stringOrNull(body.filename);
      if (!filename || !Number(body.length)) return fail('invalid_arguments');
      const id = `F${this.files.size + 1}`;
      this.files.set(id, { id, filename, title: filename, bytes: null, shared: null });
      return { ok: true, upload_url: `${this.origin}/upload/${id}`, file_id: id };
    }
    if (method === 'files.completeUploadExternal') {
      let listed: { id?: string; title?: string }[] = [];
      try {
        const parsed: unknown = typeof body.files === 'string' ? JSON.parse(body.files) : (body.files ?? []);
        listed = Array.isArray(parsed) ? (parsed as { id?: string; title?: string }[]) : [];
      } catch {
        return fail('invalid_arguments');
      }
      const files: FakeFile[] = [];
      for (const { id, title } of listed) {
        const file = id ? this.files.get(id) : undefined;
        if (file?.bytes == null) return fail('file_not_found');
        if (title) file.title = title;
        files.push(file);
      }
      const channel = stringOrNull(body.channel_id);
      if (channel) {
        // Slack shares the files as one message in the channel (or the thread), from the uploader.
        const shared = this.state.shareFiles(channel, stringOrNull(body.thread_ts), files, body);
        if (shared.ok !== true) return shared;
      }
      for (const file of files) file.shared = body;
      return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
    }
    return undefined;
  }

  /** Slack's per-method limit over a sliding minute: 429 with the seconds until a slot frees up. */
  private overLimit(method: string, res: ServerResponse): { status: number; error: string } | null {
    const limit = this.options.rateLimits?.[method];
    if (limit === undefined) return null;
    const now = Date.now();
    const recent = (this.recent.get(method) ?? []).filter((t) => now - t < 60_000);
    this.recent.set(method, recent);
    if (recent.length < limit) {
      recent.push(now);
      return null;
    }
    const retryAfter = Math.max(1, Math.ceil((60_000 - (now - (recent[0] ?? now))) / 1000));
    send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    return { status: 429, error: 'ratelimited' };
  }

  /** Applies delay, hang and scripted faults; returns what was answered when a fault replaced the result. */
  private async misbehave(
    method: string,
    res: ServerResponse,
  ): Promise<
    { status: number; error: string | null } | typeof LOSE_ANSWER | { answerAfterMs: number } | null
  > {
    const chosen = this.faults.take(method);
    const wait = this.faults.delayFor(method);
    if (wait > 0) await sleep(wait);
    if (chosen && 'answerLost' in chosen.fault) return LOSE_ANSWER;
    if (chosen && 'answerAfterMs' in chosen.fault) return { answerAfterMs: chosen.fault.answerAfterMs };
    if (this.faults.isHanging(method) || (chosen && 'hang' in chosen.fault)) {
      await this.faults.hold(method);
      return null;
    }
    return chosen ? answerFault(res, chosen) : null;
  }
}

/** What a request body may weigh by default: a report fits many times over. */
const DEFAULT_MAX_BODY = 5 * 1024 * 1024;

/** An uploaded file: its bytes once sent to the upload URL, and the completeUploadExternal call that shared it. */
export interface FakeFile {
  id: string;
  filename: string;
  title: string;
  bytes: string | null;
  shared: Json | null;
}

/** Carry the call out, but hold its answer (a caller that dies before Slack's answer reaches it). */
const LOSE_ANSWER = 'lose-answer' as const;

/** Starts a fake Slack on 127.0.0.1 at a free port. Close it with `close()`. */
export async function createFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new FakeSlack(server, `http://127.0.0.1:${port}`, options);
}
