// Carries out a run's Slack work after commit: posts the parent and phase messages, notices and DMs,
// and brings every posted message up to the committed state. One worker per run at a time (outbox
// claims under a short lease that is renewed while the work goes on).
import { ErrorCode } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import { DROPPED, type OutboxItem, type OutboxRepository } from '../../db/outbox.repository.js';
import type { LoadedRun, RunsRepository } from '../../db/runs.repository.js';
import type { SlackMessagesRepository, StoredMessage } from '../../db/slack-messages.repository.js';
import { ACTIVE_STATUSES, type RunEffect } from '../../runs/index.js';
import type { Clock } from '../../shared/clock.js';
import { buildNotice } from '../notices/build-notice.js';
import type { MessageContent, SlackWriter } from '../outbound/slack-writer.js';
import type { CarryEffect } from './carry-effects/index.js';
import { hashOf, type MessageWrites } from './message-writes.js';
import { renderParent, renderPhase, renderStored, type ViewExtras } from './render-run.js';
import { PRIORITY } from './update-budget.js';

/** What sync needs. */
export interface SyncDeps {
  db: Database;
  runs: RunsRepository;
  outbox: OutboxRepository;
  messages: SlackMessagesRepository;
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
  const renew = setInterval(() => {
    void deps.outbox.renew(runId, deps.workerId, deps.clock.now(), LEASE_MS).catch(() => undefined);
  }, RENEW_MS);
  try {
    for (let round = 0; round < 100; round++) {
      const items = await deps.outbox.claimRun(runId, deps.workerId, deps.clock.now(), LEASE_MS);
      if (items.length === 0 && !refresh && !hint) return;
      await syncOnce(deps, runId, items, { refresh: refresh || Boolean(hint), loaded: hint, urgent });
      refresh = false;
      hint = undefined;
      urgent = false;
    }
  } finally {
    clearInterval(renew);
  }
}

async function syncOnce(
  deps: SyncDeps,
  runId: string,
  items: OutboxItem[],
  options: { refresh: boolean; loaded: LoadedRun | undefined; urgent: boolean },
): Promise<void> {
  // Items that reached Slack are marked done one by one, so a later failure in the same batch
  // never makes a notice, a phase message or a DM go out twice.
  const done = new Set<number>();
  try {
    const loaded = options.loaded ?? (await deps.runs.loadRun(deps.db, runId));
    if (!loaded) return;
    const at: At = { loaded, now: deps.clock.now(), extras: (await deps.viewExtras?.(loaded)) ?? {} };
    const stored = await deps.messages.forRun(runId);
    const parent = await ensureParent(deps, at, stored);
    let dirty = options.refresh;
    for (const item of items) {
      dirty = (await carryOut(deps, at, stored, parent, item.effect)) || dirty;
      await deps.outbox.markDone([item.id], deps.clock.now());
      done.add(item.id);
    }
    if (dirty) await refresh(deps, at, options.urgent, stored, parent);
    if (!ACTIVE_STATUSES.includes(loaded.state.status) && items.length === 0) deps.writes.forgetRun(runId);
  } catch (error) {
    await failed(
      deps,
      runId,
      items.filter((i) => !done.has(i.id)),
      error,
    );
  }
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
    await deps.outbox.markFailed(
      give.map((i) => i.id),
      `${DROPPED}${message}`,
      null,
    );
    await deps.outbox.markDone(
      give.map((i) => i.id),
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
  const content = renderParent(loaded, at.now, at.extras);
  const posted = await deps.writer.post(loaded.meta.channelId, content);
  return remember(deps, loaded, stored, { kind: 'parent', phaseIndex: -1, part: 0 }, posted, content);
}

/** Stores where a just-posted message is, and what it showed. */
async function remember(
  deps: SyncDeps,
  loaded: LoadedRun,
  stored: StoredMessage[],
  where: { kind: string; phaseIndex: number; part: number },
  posted: { channel: string; ts: string },
  content: MessageContent,
): Promise<StoredMessage> {
  const row: StoredMessage = {
    runId: loaded.meta.id,
    ...where,
    channelId: posted.channel,
    ts: posted.ts,
    renderedVersion: loaded.version,
    renderHash: hashOf(content),
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.messages.save(row);
  stored.push(row);
  return row;
}

async function ensurePhase(
  deps: SyncDeps,
  at: At,
  stored: StoredMessage[],
  parent: StoredMessage,
  phaseIndex: number,
): Promise<void> {
  const { loaded } = at;
  const parts = renderPhase(loaded, at.now, phaseIndex, at.extras);
  for (const [part, content] of parts.entries()) {
    if (stored.some((m) => m.kind === 'phase' && m.phaseIndex === phaseIndex && m.part === part)) continue;
    const posted = await deps.writer.post(parent.channelId, content, parent.ts);
    await remember(deps, loaded, stored, { kind: 'phase', phaseIndex, part }, posted, content);
  }
}

/**
 * Brings every posted message to the committed state; the message writes skip what Slack already
 * shows. The parent goes before the rest under the update budget.
 */
async function refresh(
  deps: SyncDeps,
  at: At,
  urgent: boolean,
  stored: StoredMessage[],
  parent: StoredMessage,
): Promise<void> {
  const { loaded, now } = at;
  const phases = new Set(stored.filter((m) => m.kind === 'phase').map((m) => m.phaseIndex));
  for (const phaseIndex of phases) {
    const posted = stored.filter((m) => m.kind === 'phase' && m.phaseIndex === phaseIndex).length;
    // A phase that grew past its messages gets the missing parts posted.
    if (renderPhase(loaded, now, phaseIndex, at.extras).length > posted)
      await ensurePhase(deps, at, stored, parent, phaseIndex);
  }
  await Promise.all(
    stored.map((message) =>
      deps.writes.write(message, renderStored(loaded, now, message, at.extras), loaded.version, {
        priority: urgent ? PRIORITY.clicked : message.kind === 'parent' ? PRIORITY.parent : PRIORITY.other,
      }),
    ),
  );
}
