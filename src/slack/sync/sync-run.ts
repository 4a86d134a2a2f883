// Carries out a run's Slack work after commit: posts the parent and phase messages, notices and DMs,
// and brings every posted message up to the committed state. One worker per run at a time.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.js';
import type { OutboxItem, OutboxRepository } from '../../db/outbox.repository.js';
import type { LoadedRun, RunsRepository } from '../../db/runs.repository.js';
import type { SlackMessagesRepository, StoredMessage } from '../../db/slack-messages.repository.js';
import type { RunEffect } from '../../runs/index.js';
import type { Clock } from '../../shared/clock.js';
import type { QueuedStart } from '../blocks/queue-blocks.js';
import { buildNotice } from '../notices/build-notice.js';
import type { MessageContent, SlackWriter } from '../outbound/slack-writer.js';
import type { CarryEffect } from './carry-effects/index.js';

/** What a run looks like to the renderers. */
export interface RunViewInput {
  loaded: LoadedRun;
  contentHash: string;
  gitCommit: string | null;
  now: Date;
  /** Starts queued behind the run (from `viewExtras`). */
  queue?: QueuedStart[];
}

/** The renderers sync uses (pure; injected so this module does not depend on their files). */
export interface Renderers {
  parent(input: RunViewInput): MessageContent;
  phase(input: RunViewInput, phaseIndex: number): MessageContent[];
}

/** What sync needs. */
export interface SyncDeps {
  db: Database;
  runs: RunsRepository;
  outbox: OutboxRepository;
  messages: SlackMessagesRepository;
  writer: SlackWriter;
  logger: Logger;
  clock: Clock;
  workerId: string;
  render: Renderers;
  /** Sends an escalation DM (issue 6 wires it; without it a DM effect is logged and dropped). */
  sendDm?: (
    loaded: LoadedRun,
    effect: Extract<RunEffect, { type: 'dm_contact' }>,
    threadLink: string | null,
  ) => Promise<void>;
  snapshotInfo(loaded: LoadedRun): Promise<{ contentHash: string; gitCommit: string | null }>;
  /** Carries out the effects of carry-effects/ (reports, queue offers, pages, PagerDuty). */
  carry?: CarryEffect;
  /** More of what the renderers show that is not the run's own state (the queue behind it). */
  viewExtras?: (loaded: LoadedRun) => Promise<Pick<RunViewInput, 'queue'>>;
}

const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;

const hashOf = (content: MessageContent) => createHash('sha1').update(JSON.stringify(content)).digest('hex');

/**
 * Syncs one run, and goes on while its commands keep adding work: whoever holds a run's work
 * carries out what arrives meanwhile, so clicks are never left to wait for the poller.
 * `refresh` re-renders every posted message even with no pending work (catch-up after a restart).
 */
export async function syncRun(
  deps: SyncDeps,
  runId: string,
  options: { refresh?: boolean } = {},
): Promise<void> {
  let refresh = Boolean(options.refresh);
  for (let round = 0; round < 100; round++) {
    const items = await deps.outbox.claimRun(runId, deps.workerId, deps.clock.now(), LEASE_MS);
    if (items.length === 0 && !refresh) return;
    await syncOnce(deps, runId, items, refresh);
    refresh = false;
  }
}

async function syncOnce(
  deps: SyncDeps,
  runId: string,
  items: OutboxItem[],
  refreshAll: boolean,
): Promise<void> {
  // Items that reached Slack are marked done one by one, so a later failure in the same batch
  // never makes a notice, a phase message or a DM go out twice.
  const done = new Set<number>();
  const finish = async (item: OutboxItem) => {
    await deps.outbox.markDone([item.id], deps.clock.now());
    done.add(item.id);
  };
  try {
    const loaded = await deps.runs.loadRun(deps.db, runId);
    if (!loaded) return;
    const input: RunViewInput = {
      loaded,
      now: deps.clock.now(),
      ...(await deps.snapshotInfo(loaded)),
      ...(await deps.viewExtras?.(loaded)),
    };
    const stored = await deps.messages.forRun(runId);
    const parent = await ensureParent(deps, input, stored);
    const threadLink = async () => {
      try {
        const res = await deps.writer.call<{ permalink?: string }>('chat.getPermalink', {
          channel: parent.channelId,
          message_ts: parent.ts,
        });
        if (res.permalink) return res.permalink;
      } catch {
        // A link Slack redirects from works everywhere; the permalink is only nicer.
      }
      return `https://slack.com/app_redirect?channel=${parent.channelId}&message_ts=${parent.ts}`;
    };
    let dirty = refreshAll;
    for (const item of items) {
      const { effect } = item;
      if (effect.type === 'render_run') {
        dirty = true;
        continue;
      }
      if (effect.type === 'post_phase') {
        await ensurePhase(deps, input, stored, parent, effect.phaseIndex);
        dirty = true;
      } else if (effect.type === 'notify') {
        const notice = buildNotice(effect.notice, loaded.runbook, loaded.state);
        if (notice) await deps.writer.post(parent.channelId, notice, parent.ts);
      } else if (effect.type === 'dm_contact') {
        if (deps.sendDm) await deps.sendDm(loaded, effect, await threadLink());
        else deps.logger.warn({ runId }, 'escalation DM not sent: no DM sender configured');
      } else if (deps.carry) {
        await deps.carry(loaded, effect, parent);
      }
      await finish(item);
    }
    if (dirty) await refresh(deps, input, stored, parent);
    await deps.outbox.markDone(
      items.filter((i) => !done.has(i.id)).map((i) => i.id),
      deps.clock.now(),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ err: error, runId }, 'Slack sync failed; it will be retried');
    const left = items.filter((i) => !done.has(i.id));
    const retry = left.filter((i) => i.attempts + 1 < MAX_ATTEMPTS).map((i) => i.id);
    const give = left.filter((i) => i.attempts + 1 >= MAX_ATTEMPTS).map((i) => i.id);
    await deps.outbox.markFailed(retry, message);
    if (give.length) {
      deps.logger.error(
        { runId, items: give },
        'giving up on Slack work after repeated failures; the next change re-renders the run',
      );
      await deps.outbox.markFailed(give, message);
      await deps.outbox.markDone(give, deps.clock.now());
    }
  }
}

async function ensureParent(
  deps: SyncDeps,
  input: RunViewInput,
  stored: StoredMessage[],
): Promise<StoredMessage> {
  const existing = stored.find((m) => m.kind === 'parent');
  if (existing) return existing;
  const content = deps.render.parent(input);
  const posted = await deps.writer.post(input.loaded.meta.channelId, content);
  return remember(deps, input, stored, { kind: 'parent', phaseIndex: -1, part: 0 }, posted, content);
}

/** Stores where a just-posted message is, and what it showed. */
async function remember(
  deps: SyncDeps,
  input: RunViewInput,
  stored: StoredMessage[],
  where: { kind: string; phaseIndex: number; part: number },
  posted: { channel: string; ts: string },
  content: MessageContent,
): Promise<StoredMessage> {
  const row: StoredMessage = {
    runId: input.loaded.meta.id,
    ...where,
    channelId: posted.channel,
    ts: posted.ts,
    renderedVersion: input.loaded.version,
    renderHash: hashOf(content),
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.messages.save(row);
  stored.push(row);
  return row;
}

async function ensurePhase(
  deps: SyncDeps,
  input: RunViewInput,
  stored: StoredMessage[],
  parent: StoredMessage,
  phaseIndex: number,
): Promise<void> {
  const parts = deps.render.phase(input, phaseIndex);
  for (const [part, content] of parts.entries()) {
    if (stored.some((m) => m.kind === 'phase' && m.phaseIndex === phaseIndex && m.part === part)) continue;
    const posted = await deps.writer.post(parent.channelId, content, parent.ts);
    await remember(deps, input, stored, { kind: 'phase', phaseIndex, part }, posted, content);
  }
}

/** Updates every posted message whose content changed since Slack last accepted it. */
async function refresh(
  deps: SyncDeps,
  input: RunViewInput,
  stored: StoredMessage[],
  parent: StoredMessage,
): Promise<void> {
  const updates: { message: StoredMessage; content: MessageContent }[] = [
    { message: parent, content: deps.render.parent(input) },
  ];
  const phases = [...new Set(stored.filter((m) => m.kind === 'phase').map((m) => m.phaseIndex))];
  for (const phaseIndex of phases) {
    const parts = deps.render.phase(input, phaseIndex);
    for (const message of stored.filter((m) => m.kind === 'phase' && m.phaseIndex === phaseIndex)) {
      // A phase that now needs fewer parts leaves its extra messages saying so, never stale buttons.
      updates.push({ message, content: parts[message.part] ?? { text: '(continued above)', blocks: [] } });
    }
    if (parts.length > stored.filter((m) => m.kind === 'phase' && m.phaseIndex === phaseIndex).length) {
      await ensurePhase(deps, input, stored, parent, phaseIndex);
    }
  }
  // The parent last: under Slack's update budget the message people clicked in goes first.
  updates.push({ message: parent, content: deps.render.parent(input) });
  await Promise.all(
    updates.map(async ({ message, content }) => {
      const hash = hashOf(content);
      if (hash === message.renderHash) return;
      await deps.writer.update(message.channelId, message.ts, content);
      await deps.messages.markRendered(
        message.runId,
        message.kind,
        message.phaseIndex,
        message.part,
        hash,
        input.loaded.version,
        deps.clock.now().toISOString(),
      );
      message.renderHash = hash;
    }),
  );
}
