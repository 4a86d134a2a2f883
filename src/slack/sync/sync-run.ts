// Carries out a run's Slack work after commit: posts the parent and phase messages, notices and DMs,
// and brings every posted message up to the committed state. One worker per run at a time (outbox
// claims under a short lease that is renewed while the work goes on).
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@slack/web-api';
import type { Logger } from 'pino';
import { ACTIVE_STATUSES, type RunEffect } from '../../runs/index.js';
import type { LoadedRun } from '../../runs/loaded-run.js';
import type { Clock } from '../../shared/clock.js';
import type { MessageKey, OutboxItem, PostIntent, Store, StoredMessage } from '../../usecases/deps.js';
import { GATE_NOTICE_KIND, liveNoticeSlot } from '../blocks/gate-notice.js';
import type { MessageContent } from '../blocks/index.js';
import { buildNotice } from '../blocks/notice-blocks.js';
import { buildRunMessageMetadata, type RunMessageKind, readRunMessageMetadata } from '../message-metadata.js';
import type { ReadMessage, SlackWriter } from '../outbound/slack-writer.js';
import { PRIORITY } from '../outbound/update-budget.js';
import type { CarryEffect } from './carry-effects/index.js';
import { goneOf, hashOf, MessageGoneError, type MessageWrites } from './message-writes.js';
import { type RenderMemo, renderGateNotice, renderParent, type ViewExtras } from './render-run.js';

/** What sync needs. */
export interface SyncDeps {
  runs: Store['runs'];
  outbox: Store['outbox'];
  messages: Store['slackMessages'];
  writer: SlackWriter;
  writes: MessageWrites;
  logger: Logger;
  clock: Clock;
  workerId: string;
  sendDm(loaded: LoadedRun, effect: Extract<RunEffect, { type: 'dm_contact' }>, link: string): Promise<void>;
  /** Carries out the effects of carry-effects/ (reports, queue offers, pages, PagerDuty). */
  carry?: CarryEffect;
  /** More of what the renderers show that is not the run's own state (the queue behind it). */
  viewExtras?: (loaded: LoadedRun) => Promise<ViewExtras>;
  /** Work that goes on after a round (its writes), for a stop to wait for. */
  track?(work: Promise<unknown>): void;
  /** Syncs the run again through its queue (after a message was deleted in Slack). */
  resync?(runId: string): void;
  /** What the process's syncs remember between rounds. */
  memory: SyncMemory;
  /** Phase messages built once per run version (shared with the click feedback). */
  renders: RenderMemo;
}

/** A run as the renderers see it at one moment. */
interface At {
  loaded: LoadedRun;
  now: Date;
  extras: ViewExtras;
}

/** Options of one sync. */
export interface SyncOptions {
  /** Re-render every posted message even with no pending work (catch-up after a restart). */
  refresh?: boolean;
  /** The run as a command just committed it: spares a load. */
  loaded?: LoadedRun;
  /** The change must show at once (a rollback takes the forward buttons away): front of the budget. */
  urgent?: boolean;
}

/** A lease is short and renewed, so a crashed process's work is taken over within seconds. */
export const LEASE_MS = 10_000;
const RENEW_MS = 3_000;
/** Slack refusing an item's payload (not an outage) this often means it never will: it is dropped. */
const MAX_REFUSALS = 8;

/**
 * Syncs one run, and goes on while its commands keep adding work: whoever holds a run's work
 * carries out what arrives meanwhile, so clicks are never left to wait for the poller.
 */
export async function syncRun(deps: SyncDeps, runId: string, options: SyncOptions = {}): Promise<void> {
  let refresh = Boolean(options.refresh);
  let hint = options.loaded;
  let urgent = Boolean(options.urgent);
  const release = holdLease(deps, runId);
  try {
    for (let round = 0; round < 100; round++) {
      const claimed = await deps.outbox.claimRun(runId, deps.workerId, deps.clock.now(), LEASE_MS);
      // Items whose writes are still on their way to Slack are settled by those writes.
      const items = claimed.items.filter((i) => !deps.memory.following.has(i.id));
      if (items.length === 0 && !refresh && !hint) return;
      // The run this worker was handed may be older than the items it claimed: another replica's
      // command may have committed since, its kick finding this worker's claim. Rendered from the
      // older run, its items would be marked done with Slack showing the state before it.
      const loaded = hint && claimed.version !== null && hint.version < claimed.version ? undefined : hint;
      await syncOnce(deps, runId, items, { refresh: refresh || Boolean(hint), loaded, urgent });
      refresh = false;
      hint = undefined;
      urgent = false;
    }
  } finally {
    release();
  }
}

// One renewal per run, however many rounds and followed writes hold its lease: a renewal extends
// all of this worker's claims on the run, and a storm of clicks leaves many writes waiting for
// the budget (each used to renew on its own, every 3 s: more statements than the clicks).
const leases = new WeakMap<SyncMemory, Map<string, { holders: number; timer: NodeJS.Timeout }>>();

/** Keeps this worker's lease on the run's items renewed until every holder has let go. */
function holdLease(deps: SyncDeps, runId: string): () => void {
  let byRun = leases.get(deps.memory);
  if (!byRun) {
    byRun = new Map();
    leases.set(deps.memory, byRun);
  }
  const runs = byRun;
  let lease = runs.get(runId);
  if (!lease) {
    const timer = setInterval(() => {
      void deps.outbox.renew(runId, deps.workerId, deps.clock.now(), LEASE_MS).catch(() => undefined);
    }, RENEW_MS);
    lease = { holders: 0, timer };
    runs.set(runId, lease);
  }
  lease.holders++;
  const held = lease;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--held.holders > 0) return;
    clearInterval(held.timer);
    if (runs.get(runId) === held) runs.delete(runId);
  };
}

/** What a process's syncs remember between rounds (created once per run queue). */
export interface SyncMemory {
  /** Outbox items whose writes are on their way to Slack. */
  following: Set<number>;
  /** Runs whose Slack work ended (their channel is gone). */
  stopped: Set<string>;
  /** Runs whose parent was deleted in Slack: the next one says it replaces it. */
  deletedParents: Set<string>;
  /** Phases whose message was deleted in Slack: posted again in the thread by the next round. */
  deletedPhases: Map<string, Set<number>>;
}

/** A fresh memory. */
export const createSyncMemory = (): SyncMemory => ({
  following: new Set(),
  stopped: new Set(),
  deletedParents: new Set(),
  deletedPhases: new Map(),
});

/** Effects that only ask for the messages to show the committed state: done once Slack has it. */
const isRender = (item: OutboxItem) => item.effect.type === 'render_run' || item.effect.type === 'post_phase';

async function syncOnce(
  deps: SyncDeps,
  runId: string,
  items: OutboxItem[],
  options: { refresh: boolean; loaded: LoadedRun | undefined; urgent: boolean },
): Promise<void> {
  // Items that reached Slack are marked done one by one, so a later failure in the same batch
  // never makes a notice, a phase message or a DM go out twice. Render items stay pending until
  // the writes they ask for have reached Slack (or a newer render that did).
  const done = new Set<number>();
  try {
    if (deps.memory.stopped.has(runId))
      return void (await deps.outbox.markDone(
        items.map((i) => i.id),
        deps.clock.now(),
      ));
    const loaded = options.loaded ?? (await deps.runs.loadRun(runId));
    if (!loaded) return;
    const at: At = { loaded, now: deps.clock.now(), extras: (await deps.viewExtras?.(loaded)) ?? {} };
    const stored = await deps.messages.forRun(runId);
    const parent = await ensureParent(deps, at, stored);
    for (const phaseIndex of deps.memory.deletedPhases.get(runId) ?? [])
      await ensurePhase(deps, at, stored, parent, phaseIndex);
    deps.memory.deletedPhases.delete(runId);
    let dirty = options.refresh;
    const renders: OutboxItem[] = [];
    for (const item of items) {
      if (isRender(item)) {
        if (item.effect.type === 'post_phase')
          await ensurePhase(deps, at, stored, parent, item.effect.phaseIndex);
        renders.push(item);
        dirty = true;
        continue;
      }
      dirty = (await carryOut(deps, at, stored, parent, item.effect)) || dirty;
      await deps.outbox.markDone([item.id], deps.clock.now());
      done.add(item.id);
    }
    if (dirty) follow(deps, runId, renders, refresh(deps, at, options.urgent, stored, parent));
    if (!ACTIVE_STATUSES.includes(loaded.state.status) && items.length === 0) deps.writes.forgetRun(runId);
  } catch (error) {
    if (await stopWhenChannelGone(deps, runId, error, items)) return;
    await failed(
      deps,
      runId,
      items.filter((i) => !done.has(i.id)),
      error,
    );
  }
}

/**
 * Follows a round's writes to Slack without holding up the next round (a new phase's post never
 * waits behind updates): the round's render items are done when every write reached Slack; a write
 * that failed sends them back to the outbox, so the messages converge once Slack answers again.
 */
function follow(
  deps: SyncDeps,
  runId: string,
  renders: OutboxItem[],
  writes: Promise<PromiseSettledResult<unknown>[]>,
) {
  for (const item of renders) deps.memory.following.add(item.id);
  const release = renders.length ? holdLease(deps, runId) : () => undefined;
  const work = (async () => {
    try {
      const failures = (await writes).flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      const gone = failures.filter((e): e is MessageGoneError => e instanceof MessageGoneError);
      const channel = gone.find((e) => e.what === 'channel');
      if (channel) return void (await stopWhenChannelGone(deps, runId, channel, renders));
      for (const e of gone) await forgetDeleted(deps, e.message_);
      if (gone.length) {
        deps.logger.warn(
          {
            runId,
            messages: gone.map((e) => `${e.message_.kind}:${e.message_.phaseIndex}:${e.message_.part}`),
          },
          'run messages were deleted in Slack; posting them again',
        );
        // Posted again by the next round, at once.
        await deps.outbox.markFailed(
          renders.map((i) => i.id),
          'message deleted in Slack',
          null,
        );
        return void deps.resync?.(runId);
      }
      const other = failures.filter((e) => !(e instanceof MessageGoneError));
      if (other.length === 0)
        return void (await deps.outbox.markDone(
          renders.map((i) => i.id),
          deps.clock.now(),
        ));
      await failed(deps, runId, renders, other[0]);
    } catch (error) {
      deps.logger.warn({ err: error, runId }, 'could not record how a sync went; the outbox will retry it');
    } finally {
      release();
      for (const item of renders) deps.memory.following.delete(item.id);
    }
  })();
  deps.track?.(work);
}

/**
 * A run message is gone from Slack (deleted by a person or an admin): it is forgotten, and the next
 * round posts it again — a phase in its thread, a parent as a new parent that says it replaces the
 * deleted one. A gate's notice is not posted again: the gate shows its state in the phase.
 */
export async function forgetDeleted(
  deps: Pick<SyncDeps, 'memory' | 'messages'>,
  message: StoredMessage,
): Promise<void> {
  const { runId } = message;
  if (message.kind === 'parent') deps.memory.deletedParents.add(runId);
  else if (message.kind !== GATE_NOTICE_KIND)
    deps.memory.deletedPhases.set(
      runId,
      new Set([...(deps.memory.deletedPhases.get(runId) ?? []), message.phaseIndex]),
    );
  await deps.messages.forget(message, message.ts);
}

/** The run's channel is gone or archived: its Slack work ends, with one log line. */
async function stopWhenChannelGone(
  deps: SyncDeps,
  runId: string,
  error: unknown,
  items: OutboxItem[],
): Promise<boolean> {
  const gone = error instanceof MessageGoneError ? error : goneOf(error);
  if (gone?.what !== 'channel') return false;
  if (!deps.memory.stopped.has(runId)) {
    deps.memory.stopped.add(runId);
    deps.logger.warn(
      { runId, slackError: gone.slackError },
      'the run’s channel is gone or archived; its Slack work ends',
    );
    await deps.messages.stopRun(runId, gone.slackError, deps.clock.now().toISOString());
  }
  await deps.outbox.markDone(
    items.map((i) => i.id),
    deps.clock.now(),
  );
  return true;
}

/** Carries out one effect; true when the run's messages need a refresh. */
async function carryOut(
  deps: SyncDeps,
  at: At,
  stored: StoredMessage[],
  parent: StoredMessage,
  effect: RunEffect,
): Promise<boolean> {
  const { loaded } = at;
  if (effect.type === 'render_run') return true;
  if (effect.type === 'post_phase') {
    await ensurePhase(deps, at, stored, parent, effect.phaseIndex);
    return true;
  }
  if (effect.type === 'notify') {
    // A notice a later state replaces (a gate's "waiting for approval") is a stored message of the
    // run, edited like the others; the rest are posted once.
    const live = liveNoticeSlot(effect.notice, loaded.runbook);
    if (live) {
      const where = { kind: GATE_NOTICE_KIND, phaseIndex: live.phaseIndex, part: 0 } as const;
      const posted = stored.some((m) => m.kind === where.kind && m.phaseIndex === where.phaseIndex);
      if (!posted) await postSlot(deps, at, stored, where, renderGateNotice(loaded, live.phaseIndex), parent);
      return true;
    }
    const notice = buildNotice(effect.notice, loaded.runbook, loaded.state);
    if (notice) await deps.writer.post(parent.channelId, notice, parent.ts);
  } else if (effect.type === 'dm_contact') {
    await deps.sendDm(loaded, effect, await threadLink(deps, parent));
  } else if (deps.carry) {
    await deps.carry(loaded, effect, parent);
  }
  return false;
}

/** Slack work failed: transient failures are retried with a capped back-off, never dropped. */
async function failed(deps: SyncDeps, runId: string, left: OutboxItem[], error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const refused = (error as { code?: string }).code === ErrorCode.PlatformError;
  deps.logger.error({ err: error, runId }, 'Slack sync failed; it will be retried');
  const give = refused ? left.filter((i) => i.attempts + 1 >= MAX_REFUSALS) : [];
  const retry = left.filter((i) => !give.includes(i));
  const attempts = Math.max(0, ...retry.map((i) => i.attempts));
  const backoffMs = Math.min(250 * 2 ** attempts, 5_000);
  await deps.outbox.markFailed(
    retry.map((i) => i.id),
    message,
    new Date(deps.clock.now().getTime() + backoffMs),
  );
  if (give.length) {
    deps.logger.error(
      { runId, items: give.map((i) => i.effect.type) },
      'Slack keeps refusing this work; dropped',
    );
    await deps.outbox.drop(
      give.map((i) => i.id),
      message,
      deps.clock.now(),
    );
  }
}

async function threadLink(deps: SyncDeps, parent: StoredMessage): Promise<string> {
  try {
    const res = await deps.writer.reads.permalink(parent.channelId, parent.ts);
    if (res.permalink) return res.permalink;
  } catch {
    // A link Slack redirects from works everywhere; the permalink is only nicer.
  }
  return `https://slack.com/app_redirect?channel=${parent.channelId}&message_ts=${parent.ts}`;
}

async function ensureParent(deps: SyncDeps, at: At, stored: StoredMessage[]): Promise<StoredMessage> {
  const { loaded } = at;
  const existing = stored.find((m) => m.kind === 'parent');
  if (existing) return existing;
  // Posted without the phase owner's mention (a post notifies; the phase message pings the owner).
  const content = renderParent(loaded, at.now, { ...at.extras, posting: true });
  const posted = await postSlot(deps, at, stored, { kind: 'parent', phaseIndex: -1, part: 0 }, content, null);
  // A parent posted again after the first was deleted in Slack says so, in its thread.
  if (deps.memory.deletedParents.delete(loaded.meta.id))
    await deps.writer.post(posted.channelId, { text: REPLACED_PARENT }, posted.ts);
  return posted;
}

/** What a parent posted again after a deletion says in its thread. */
export const REPLACED_PARENT =
  'The earlier message of this run was deleted in Slack; this one replaces it. The run goes on here.';

/**
 * Posts a run message into its slot. The intent (slot and attempt) is stored first and the attempt
 * travels in the message's metadata, so a click that arrives before Slack's answer, or a read of the
 * thread after a crash, places the message. A post that finds its slot taken meanwhile (a click
 * adopted an earlier copy) takes its own message back.
 */
async function postSlot(
  deps: SyncDeps,
  at: At,
  stored: StoredMessage[],
  where: { kind: RunMessageKind; phaseIndex: number; part: number },
  content: MessageContent,
  parent: StoredMessage | null,
): Promise<StoredMessage> {
  const { loaded } = at;
  const key: MessageKey = { runId: loaded.meta.id, ...where };
  const channelId = parent?.channelId ?? loaded.meta.channelId;
  const threadTs = parent?.ts ?? null;
  const found = await findUnstoredPost(deps, key, channelId, threadTs);
  if (found) return place(deps, loaded, stored, key, {}, null, { channel: channelId, ts: found.ts });
  const attempt = randomUUID();
  const intent: PostIntent = { ...key, attempt, channelId, threadTs, startedAt: at.now.toISOString() };
  await deps.messages.beginPost(intent);
  const metadata = buildRunMessageMetadata({ ...key, kind: where.kind, attempt });
  const posted = await deps.writer.post(channelId, content, threadTs ?? undefined, metadata);
  return place(deps, loaded, stored, key, { content }, attempt, posted);
}

/** Stores a posted message in its slot; a copy of a slot that holds another message is taken back. */
async function place(
  deps: SyncDeps,
  loaded: LoadedRun,
  stored: StoredMessage[],
  key: MessageKey,
  shown: { content?: MessageContent },
  attempt: string | null,
  posted: { channel: string; ts: string },
): Promise<StoredMessage> {
  const row: StoredMessage = {
    ...key,
    channelId: posted.channel,
    ts: posted.ts,
    renderedVersion: shown.content ? loaded.version : 0,
    renderHash: shown.content ? hashOf(shown.content) : null,
    updatedAt: deps.clock.now().toISOString(),
  };
  const ts = await deps.messages.place(row, attempt);
  if (ts !== posted.ts) {
    deps.logger.info(
      { runId: key.runId, slot: `${key.kind}:${key.phaseIndex}:${key.part}` },
      'a click placed an earlier copy of this message; taking this post back',
    );
    await deps.writer
      .remove(posted.channel, posted.ts)
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not take back a copy'));
  }
  const kept = ts === posted.ts ? row : ((await deps.messages.atSlot(key)) ?? row);
  stored.push(kept);
  return kept;
}

/**
 * A post of this slot that an earlier process asked of Slack and never stored (it crashed before
 * Slack's answer was kept): found by its metadata in the thread (or the channel, for a parent).
 * Other copies of the slot found there are deleted. Null when there is none, or Slack cannot be read.
 */
async function findUnstoredPost(
  deps: SyncDeps,
  key: MessageKey,
  channelId: string,
  threadTs: string | null,
): Promise<ReadMessage | null> {
  const intent = await deps.messages.postInFlight(key);
  if (!intent) return null;
  let messages: ReadMessage[];
  try {
    const oldest = String(Math.floor(new Date(intent.startedAt).getTime() / 1000) - 60);
    const res = threadTs
      ? await deps.writer.reads.replies(channelId, threadTs)
      : await deps.writer.reads.history(channelId, oldest);
    messages = res.messages ?? [];
  } catch (err) {
    deps.logger.info(
      { err, runId: key.runId },
      'could not read the thread for an unstored post; posting it again',
    );
    return null;
  }
  const ours = messages.filter((m) => {
    const p = readRunMessageMetadata(m.metadata);
    return (
      p?.runId === key.runId && p.kind === key.kind && p.phaseIndex === key.phaseIndex && p.part === key.part
    );
  });
  const [keep, ...copies] = ours.sort((a, b) => Number(a.ts) - Number(b.ts));
  for (const copy of copies) await deps.writer.remove(channelId, copy.ts).catch(() => undefined);
  return keep ?? null;
}

async function ensurePhase(
  deps: SyncDeps,
  at: At,
  stored: StoredMessage[],
  parent: StoredMessage,
  phaseIndex: number,
): Promise<void> {
  const { loaded } = at;
  const parts = deps.renders.phase(loaded, at.now, phaseIndex, at.extras);
  for (const [part, content] of parts.entries()) {
    if (stored.some((m) => m.kind === 'phase' && m.phaseIndex === phaseIndex && m.part === part)) continue;
    await postSlot(deps, at, stored, { kind: 'phase', phaseIndex, part }, content, parent);
  }
}

/**
 * Brings every posted message to the committed state; the message writes skip what Slack already
 * shows. The parent goes before the rest under the update budget. Resolves with each write's
 * outcome once all have settled (a round does not wait for it).
 */
async function refresh(
  deps: SyncDeps,
  at: At,
  urgent: boolean,
  stored: StoredMessage[],
  parent: StoredMessage,
): Promise<PromiseSettledResult<unknown>[]> {
  const { loaded, now } = at;
  const phases = new Set(stored.filter((m) => m.kind === 'phase').map((m) => m.phaseIndex));
  for (const phaseIndex of phases) {
    const posted = stored.filter((m) => m.kind === 'phase' && m.phaseIndex === phaseIndex).length;
    // A phase that grew past its messages gets the missing parts posted.
    if (deps.renders.phase(loaded, now, phaseIndex, at.extras).length > posted)
      await ensurePhase(deps, at, stored, parent, phaseIndex);
  }
  const parentContent = renderParent(loaded, now, at.extras);
  const contentOf = (message: StoredMessage) =>
    message.kind === 'parent' ? parentContent : deps.renders.stored(loaded, now, message, at.extras);
  return Promise.allSettled(
    stored.map((message) =>
      deps.writes.write(message, contentOf(message), loaded.version, {
        priority: urgent ? PRIORITY.clicked : message.kind === 'parent' ? PRIORITY.parent : PRIORITY.other,
      }),
    ),
  );
}
