// Message, ephemeral and view state of the fake Slack, kept the way Slack keeps it: the bot posts, edits
// its own messages by channel + ts, replies in threads by the parent's ts, and publishes views per user.
import {
  type BlockLimits,
  mentionsIn,
  mentionTarget,
  type PayloadError,
  validateMessage,
  validateView,
} from './fake-slack-blocks.js';
import { type FakeDirectory, type FakeIdentity, fail } from './fake-slack-directory.js';

type Json = Record<string, unknown>;

/** A message as the fake stores it. `user` is the bot's user id for everything the bot posted. */
export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  user: string;
  reply_broadcast: boolean;
  /** Message metadata the poster attached (Slack keeps it and shows it to the posting app). */
  metadata?: Json;
  /** Earlier versions, oldest first: one entry per successful `chat.update`. */
  edits: { text: string; blocks: unknown[] }[];
  /** When it was posted (the fake's clock, ms): where ephemeral answers fall among messages. */
  at: number;
  /** Files shared with it (files.completeUploadExternal). */
  files?: FakeFileRef[];
}

/** A file as a message shows it. */
export interface FakeFileRef {
  id: string;
  name: string;
  title: string;
  size: number;
}

/** A `chat.postEphemeral` message. */
export interface FakeEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
}

/** A view the bot published (`views.publish`) or opened (`views.open` / `views.update`). */
export interface FakeView {
  id: string;
  user: string | null;
  trigger_id: string | null;
  hash: string;
  view: Json;
}

/**
 * Something real Slack would accept but that a deploybot test should notice: a `broadcast`
 * (`<!channel>`, `<!here>`, `<!everyone>`), a `mention` of a user or group the fake was not told about
 * (options `users`/`emails`/`usergroups`/`allowedMentions`, or `allowMentions()`), or a `thread` reply
 * whose `thread_ts` is not a parent message.
 */
export interface Violation {
  kind: 'broadcast' | 'mention' | 'thread';
  method: string;
  channel: string;
  ts: string;
  /** The mention token (`<!channel>`, `<@U999>`) or what is wrong with the thread. */
  detail: string;
}

export interface MessageStateOptions {
  identity: FakeIdentity;
  directory: FakeDirectory;
  limits: BlockLimits;
  /** When set, posting to any other non-DM channel fails with `channel_not_found`. */
  channels?: string[];
  /** Ids (users or groups) the bot may mention besides everyone in the directory. */
  allowedMentions: Set<string>;
  now?: () => number;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export class MessageState {
  messages: FakeMessage[] = [];
  ephemerals: FakeEphemeral[] = [];
  homeViews: FakeView[] = [];
  modals: FakeView[] = [];
  violations: Violation[] = [];
  private counter = 0;
  private readonly triggers = new Set<string>();

  constructor(private readonly options: MessageStateOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Unique, increasing Slack-style timestamps: 1700000000.000100, 1700000000.000200, … */
  nextTs(): string {
    this.counter += 1;
    const micros = this.counter * 100;
    return `${1_700_000_000 + Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  find(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Adds a message as if someone else (a person) had posted it; the bot cannot update it. */
  seed(channel: string, text: string, user: string, threadTs?: string): FakeMessage {
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text,
      blocks: [],
      user,
      reply_broadcast: false,
      edits: [],
      at: this.now(),
    };
    this.messages.push(message);
    return message;
  }

  /** files.completeUploadExternal with a channel: one message from the bot carrying the files. */
  shareFiles(
    channel: string,
    threadTs: string | null,
    files: { id: string; filename: string; title: string; bytes: string | null }[],
    body: Json,
  ): Json {
    const resolved = this.resolveChannel(channel);
    if (typeof resolved !== 'string') return resolved;
    const message: FakeMessage = {
      channel: resolved,
      ts: this.nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: str(body.initial_comment),
      blocks: [],
      user: this.options.identity.botUserId,
      reply_broadcast: false,
      edits: [],
      at: this.now(),
      files: files.map((f) => ({
        id: f.id,
        name: f.filename,
        title: f.title,
        size: Buffer.byteLength(f.bytes ?? '', 'utf8'),
      })),
    };
    if (threadTs) this.checkThread(resolved, threadTs, message.ts);
    this.messages.push(message);
    return { ok: true, ts: message.ts };
  }

  /** Slack's JSON for a stored message. */
  toJson(m: FakeMessage): Json {
    const { identity } = this.options;
    const ours = m.user === identity.botUserId;
    return {
      type: 'message',
      user: m.user,
      ...(ours ? { bot_id: identity.botId, app_id: identity.appId } : {}),
      text: m.text,
      ...(m.blocks.length > 0 ? { blocks: m.blocks } : {}),
      ts: m.ts,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(m.metadata ? { metadata: m.metadata } : {}),
      team: identity.teamId,
      ...(m.edits.length > 0 ? { edited: { user: m.user, ts: m.ts } } : {}),
      ...(m.files
        ? { files: m.files.map((f) => ({ id: f.id, name: f.name, title: f.title, size: f.size })) }
        : {}),
    };
  }

  /** Answers the chat and views methods; `undefined` for methods it does not own. */
  handle(method: string, body: Json): Json | undefined {
    switch (method) {
      case 'chat.postMessage':
        return this.post(body);
      case 'chat.update':
        return this.update(body);
      case 'chat.delete': {
        const m = this.find(str(body.channel), str(body.ts));
        if (!m) return fail('message_not_found');
        if (m.user !== this.options.identity.botUserId) return fail('cant_delete_message');
        this.messages = this.messages.filter((other) => other !== m);
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'chat.getPermalink': {
        const m = this.find(str(body.channel), str(body.message_ts));
        if (!m) return fail('message_not_found');
        // A reply's permalink names its thread, as Slack's does.
        const reply = m.thread_ts && m.thread_ts !== m.ts ? `?thread_ts=${m.thread_ts}&cid=${m.channel}` : '';
        const permalink = `https://${this.options.identity.teamDomain}.slack.com/archives/${m.channel}/p${m.ts.replace('.', '')}${reply}`;
        return { ok: true, channel: m.channel, permalink };
      }
      case 'conversations.replies': {
        // A thread, parent first, with metadata (as with include_all_metadata).
        const parent = this.find(str(body.channel), str(body.ts));
        if (!parent) return fail('thread_not_found');
        const root = parent.thread_ts ?? parent.ts;
        const thread = this.messages.filter(
          (m) => m.channel === parent.channel && (m.ts === root || m.thread_ts === root),
        );
        return { ok: true, messages: thread.map((m) => this.toJson(m)), has_more: false };
      }
      case 'conversations.history': {
        // Top-level messages since `oldest`, newest first.
        const channel = this.resolveChannel(str(body.channel));
        if (typeof channel !== 'string') return channel;
        const oldest = Number(str(body.oldest) || '0');
        const top = this.messages.filter(
          (m) => m.channel === channel && (!m.thread_ts || m.thread_ts === m.ts) && Number(m.ts) >= oldest,
        );
        return { ok: true, messages: top.reverse().map((m) => this.toJson(m)), has_more: false };
      }
      case 'chat.postEphemeral':
        return this.postEphemeral(body);
      case 'views.publish':
        return this.publish(body);
      case 'views.open':
      case 'views.update':
        return this.openView(method, body);
      default:
        return undefined;
    }
  }

  private resolveChannel(channel: string): string | Json {
    const { directory, channels } = this.options;
    if (!channel) return fail('channel_not_found');
    if (/^[UW]/.test(channel))
      return directory.hasUser(channel) ? directory.dmChannel(channel) : fail('channel_not_found');
    if (directory.dmUser(channel)) return channel;
    if (channels && !channels.includes(channel)) return fail('channel_not_found');
    return channel;
  }

  private post(body: Json): Json {
    const channel = this.resolveChannel(str(body.channel));
    if (typeof channel !== 'string') return channel;
    const invalid = validateMessage(body, this.options.limits);
    if (invalid) return payloadFailure(invalid);
    const threadTs = str(body.thread_ts);
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: str(body.text),
      blocks: list(body.blocks),
      user: this.options.identity.botUserId,
      reply_broadcast: body.reply_broadcast === true || body.reply_broadcast === 'true',
      ...(body.metadata && typeof body.metadata === 'object' ? { metadata: body.metadata as Json } : {}),
      edits: [],
      at: this.now(),
    };
    if (threadTs) this.checkThread(channel, threadTs, message.ts);
    this.checkMentions('chat.postMessage', message);
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: this.toJson(message) };
  }

  private update(body: Json): Json {
    const channel = str(body.channel);
    // chat.update needs the D… id for DMs; a user id is not a channel (reference §8.2).
    if (/^[UW]/.test(channel)) return fail('channel_not_found');
    const m = this.find(channel, str(body.ts));
    if (!m) return fail('message_not_found');
    if (m.user !== this.options.identity.botUserId) return fail('cant_update_message');
    const invalid = validateMessage(body, this.options.limits);
    if (invalid) return payloadFailure(invalid);
    m.edits.push({ text: m.text, blocks: m.blocks });
    if (body.text !== undefined) m.text = str(body.text);
    // Text without blocks removes the blocks, as on Slack.
    m.blocks = body.blocks !== undefined ? list(body.blocks) : [];
    this.checkMentions('chat.update', m);
    return { ok: true, channel, ts: m.ts, text: m.text, message: this.toJson(m) };
  }

  private postEphemeral(body: Json): Json {
    const channel = this.resolveChannel(str(body.channel));
    if (typeof channel !== 'string') return channel;
    if (!str(body.user)) return fail('user_not_in_channel');
    const invalid = validateMessage(body, this.options.limits);
    if (invalid) return payloadFailure(invalid);
    const threadTs = str(body.thread_ts);
    const ephemeral: FakeEphemeral = {
      channel,
      user: str(body.user),
      message_ts: this.nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: str(body.text),
      blocks: list(body.blocks),
    };
    this.ephemerals.push(ephemeral);
    this.checkMentions('chat.postEphemeral', { ...ephemeral, ts: ephemeral.message_ts });
    return { ok: true, message_ts: ephemeral.message_ts };
  }

  private publish(body: Json): Json {
    const user = str(body.user_id);
    if (!user) return fail('invalid_arguments');
    const invalid = validateView(body.view, this.options.limits);
    if (invalid) return payloadFailure(invalid);
    const current = this.homeViews.filter((v) => v.user === user).at(-1);
    if (body.hash !== undefined && current && str(body.hash) !== current.hash) return fail('hash_conflict');
    const published = this.newView(body.view as Json, { user, trigger_id: null, id: current?.id });
    this.homeViews.push(published);
    return { ok: true, view: { ...published.view, id: published.id, hash: published.hash } };
  }

  private openView(method: string, body: Json): Json {
    const invalid = validateView(body.view, this.options.limits);
    if (invalid) return payloadFailure(invalid);
    let id: string | undefined;
    let trigger: string | null = null;
    if (method === 'views.open') {
      trigger = str(body.trigger_id);
      if (!trigger) return fail('invalid_arguments');
      if (this.triggers.has(trigger)) return fail('trigger_exchanged');
      this.triggers.add(trigger);
    } else {
      const previous = this.modals.filter((v) => v.id === str(body.view_id)).at(-1);
      if (!previous) return fail('not_found');
      if (body.hash !== undefined && str(body.hash) !== previous.hash) return fail('hash_conflict');
      id = previous.id;
      trigger = previous.trigger_id;
    }
    const opened = this.newView(body.view as Json, { user: null, trigger_id: trigger, id });
    this.modals.push(opened);
    return { ok: true, view: { ...opened.view, id: opened.id, hash: opened.hash, state: { values: {} } } };
  }

  private newView(
    view: Json,
    at: { user: string | null; trigger_id: string | null; id: string | undefined },
  ): FakeView {
    const n = this.homeViews.length + this.modals.length + 1;
    return {
      id: at.id ?? `V${String(n).padStart(8, '0')}`,
      user: at.user,
      trigger_id: at.trigger_id,
      hash: `${this.nextTs()}.hash`,
      view,
    };
  }

  private checkThread(channel: string, threadTs: string, ts: string): void {
    const parent = this.find(channel, threadTs);
    const detail = !parent
      ? `thread_ts ${threadTs} is not a message in ${channel}`
      : parent.thread_ts && parent.thread_ts !== parent.ts
        ? `thread_ts ${threadTs} is a reply; use its parent ${parent.thread_ts}`
        : null;
    if (detail) this.violations.push({ kind: 'thread', method: 'chat.postMessage', channel, ts, detail });
  }

  /** Records a violation for every mention the bot should not have sent. */
  checkMentions(method: string, m: { channel: string; ts: string; text: string; blocks: unknown[] }): void {
    for (const token of mentionsIn(m)) {
      const target = mentionTarget(token);
      const allowed =
        (target.kind === 'user' || target.kind === 'subteam') && this.options.allowedMentions.has(target.id);
      const knownUser = target.kind === 'user' && this.options.directory.userIds().has(target.id);
      const knownGroup = target.kind === 'subteam' && this.options.directory.groupIds().has(target.id);
      if (target.kind === 'other' || allowed || knownUser || knownGroup) continue;
      const kind = target.kind === 'special' ? 'broadcast' : 'mention';
      this.violations.push({ kind, method, channel: m.channel, ts: m.ts, detail: token });
    }
  }
}

/** Slack's answer for a rejected payload, with JSON-pointer detail in `response_metadata.messages`. */
export function payloadFailure(invalid: PayloadError): Json {
  const messages = invalid.problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
  return {
    ok: false,
    error: invalid.error,
    ...(invalid.problems.length > 0 ? { errors: messages, response_metadata: { messages } } : {}),
  };
}
