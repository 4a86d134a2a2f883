// What one person sees in the playground: the channel with its threads, their DM with the bot, their
// ephemeral messages (chat.postEphemeral and response_url answers), their App Home and open modal.
import type { FakeMessage, FakeSlack } from '../fake-slack/fake-slack.js';
import type { Relay } from './relay.js';

type Json = Record<string, unknown>;

/** A message as the page gets it. */
export interface PageMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user: string;
  text: string;
  blocks: unknown[];
  edited: boolean;
  /** When it was posted (ms): ephemeral answers are placed among messages by it. */
  at: number;
  files?: PageFile[];
}

/** A file shared in a message, as the page's file card shows it. */
export interface PageFile {
  id: string;
  name: string;
  title: string;
  size: number;
  /** The first lines, for the card. */
  preview: string;
  /** Where the page serves the whole file. */
  url: string;
}

/** An ephemeral ("only visible to you") message, from either route. */
export interface PageEphemeral {
  channel: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  at: number;
}

export interface PageState {
  channel: { id: string; messages: (PageMessage & { replies: PageMessage[] })[] };
  dm: { id: string; messages: PageMessage[] };
  ephemerals: PageEphemeral[];
  home: Json | null;
  modal: Json | null;
}

const EPHEMERALS_KEPT = 20;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? v : []);

const PREVIEW_LINES = 8;

function filesOf(slack: FakeSlack, m: FakeMessage): PageFile[] {
  return (m.files ?? []).map((f) => {
    const bytes = slack.files.get(f.id)?.bytes ?? '';
    const preview = bytes.split('\n').slice(0, PREVIEW_LINES).join('\n').slice(0, 1200);
    return { ...f, preview, url: `/files/${encodeURIComponent(f.id)}` };
  });
}

function page(slack: FakeSlack, m: FakeMessage): PageMessage {
  return {
    channel: m.channel,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    user: m.user,
    text: m.text,
    blocks: m.blocks,
    edited: m.edits.length > 0,
    at: m.at,
    ...(m.files ? { files: filesOf(slack, m) } : {}),
  };
}

/** The state for `user`; `closed` holds the modal view ids they submitted or cancelled. */
export function pageState(
  slack: FakeSlack,
  relay: Relay,
  closed: ReadonlySet<string>,
  user: string,
  channel: string,
): PageState {
  const top = slack.messages(channel).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  return {
    channel: {
      id: channel,
      messages: top.map((m) => ({
        ...page(slack, m),
        replies: slack.thread(channel, m.ts).map((r) => page(slack, r)),
      })),
    },
    dm: { id: slack.dmChannel(user), messages: slack.dms(user).map((m) => page(slack, m)) },
    ephemerals: ephemeralsFor(slack, relay, user),
    home: slack.homeViews(user).at(-1)?.view ?? null,
    modal: openModal(slack, closed, user),
  };
}

function ephemeralsFor(slack: FakeSlack, relay: Relay, user: string): PageEphemeral[] {
  const posted = slack
    .callsTo('chat.postEphemeral')
    .filter((c) => c.status === 200 && c.error === null && c.body.user === user)
    .map((c) => ({
      channel: str(c.body.channel),
      ...(str(c.body.thread_ts) ? { thread_ts: str(c.body.thread_ts) } : {}),
      text: str(c.body.text),
      blocks: list(c.body.blocks),
      at: c.at,
    }));
  const answered = slack.responses().flatMap((r) => {
    const target = relay.responseTarget(r.id);
    if (r.effect !== 'ephemeral' || target?.user !== user) return [];
    const thread = target.threadTs ? { thread_ts: target.threadTs } : {};
    return [
      { channel: target.channel, ...thread, text: str(r.body.text), blocks: list(r.body.blocks), at: r.at },
    ];
  });
  return [...posted, ...answered].sort((a, b) => a.at - b.at).slice(-EPHEMERALS_KEPT);
}

function openModal(slack: FakeSlack, closed: ReadonlySet<string>, user: string): Json | null {
  const mine = slack
    .modals()
    .filter((v) => v.trigger_id !== null && slack.triggerUser(v.trigger_id) === user && !closed.has(v.id));
  const last = mine.at(-1);
  return last ? { ...last.view, id: last.id } : null;
}
