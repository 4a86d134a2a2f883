// The pure renderers, applied to a run as loaded: which content each posted message should show.
import type { LoadedRun } from '../../runs/loaded-run.js';
import type { StoredMessage } from '../../usecases/deps.js';
import { buildGateNotice, GATE_NOTICE_KIND } from '../blocks/gate-notice.js';
import { buildParentMessage } from '../blocks/parent-message.js';
import { buildPhaseMessages } from '../blocks/phase-messages.js';
import type { QueuedStart } from '../blocks/queue-blocks.js';
import type { MessageContent, RunView } from '../blocks/run-view.js';

/** What the messages show besides the run's own state: the starts queued behind it. */
export interface ViewExtras {
  queue?: QueuedStart[];
  /** Rendered for a post (see RunView.posting). */
  posting?: boolean;
}

/** A part a phase no longer needs says so, never keeping stale buttons. */
const CONTINUED: Required<MessageContent> = { text: '(continued above)', blocks: [] };

/** The view of a loaded run at a time. */
export function toRunView(loaded: LoadedRun, now: Date, extras: ViewExtras = {}): RunView {
  return {
    ...(extras.queue ? { queue: extras.queue } : {}),
    ...(extras.posting ? { posting: true } : {}),
    runId: loaded.meta.id,
    runbookName: loaded.meta.runbookName,
    runbook: loaded.runbook,
    state: loaded.state,
    contentHash: loaded.snapshot.contentHash,
    gitCommit: loaded.snapshot.gitCommit,
    version: loaded.version,
    now,
  };
}

/** The parent message. */
export function renderParent(
  loaded: LoadedRun,
  now: Date,
  extras: ViewExtras = {},
): Required<MessageContent> {
  return buildParentMessage(toRunView(loaded, now, extras));
}

/** The messages of one phase (more than one when it does not fit). */
export function renderPhase(
  loaded: LoadedRun,
  now: Date,
  phaseIndex: number,
  extras: ViewExtras = {},
): Required<MessageContent>[] {
  return buildPhaseMessages(toRunView(loaded, now, extras), phaseIndex);
}

/** A gate's notice in the thread, as the gate stands now (its slot's `phaseIndex` is the gate's position). */
export function renderGateNotice(loaded: LoadedRun, position: number): Required<MessageContent> {
  const notice = buildGateNotice(loaded.runbook, loaded.state, position);
  const text = notice?.text ?? '🔒 Approval gate';
  return {
    text,
    blocks: [{ type: 'section', block_id: `gate-notice:${position}`, text: { type: 'mrkdwn', text } }],
  };
}

/** What one posted message of the run should show now. */
export function renderStored(
  loaded: LoadedRun,
  now: Date,
  message: StoredMessage,
  extras: ViewExtras = {},
): Required<MessageContent> {
  if (message.kind === 'parent') return renderParent(loaded, now, extras);
  if (message.kind === GATE_NOTICE_KIND) return renderGateNotice(loaded, message.phaseIndex);
  return renderPhase(loaded, now, message.phaseIndex, extras)[message.part] ?? CONTINUED;
}

/**
 * The phase messages of a run as last built, per run version: a click's feedback and the sync round
 * that follows it (and a post and the refresh of the same round) build each phase once. A render
 * depends on the time only through waits that have ended, which are part of the key.
 */
export function createRenderMemo(max = 2_000) {
  const memo = new Map<string, { key: string; parts: Required<MessageContent>[] }>();
  return {
    phase(
      loaded: LoadedRun,
      now: Date,
      phaseIndex: number,
      extras: ViewExtras = {},
    ): Required<MessageContent>[] {
      const slot = `${loaded.meta.id}:${phaseIndex}`;
      const key = `${loaded.version}:${waitsEndedBy(loaded, now)}`;
      const hit = memo.get(slot);
      if (hit?.key === key) return hit.parts;
      const parts = renderPhase(loaded, now, phaseIndex, extras);
      memo.delete(slot);
      memo.set(slot, { key, parts });
      if (memo.size > max) memo.delete(memo.keys().next().value ?? '');
      return parts;
    },
    /** What one posted message of the run should show now (phases through the memo). */
    stored(
      loaded: LoadedRun,
      now: Date,
      message: StoredMessage,
      extras: ViewExtras = {},
    ): Required<MessageContent> {
      if (message.kind === 'parent') return renderParent(loaded, now, extras);
      if (message.kind === GATE_NOTICE_KIND) return renderGateNotice(loaded, message.phaseIndex);
      return this.phase(loaded, now, message.phaseIndex, extras)[message.part] ?? CONTINUED;
    },
  };
}

/** The render memo's type. */
export type RenderMemo = ReturnType<typeof createRenderMemo>;

function waitsEndedBy(loaded: LoadedRun, now: Date): number {
  const t = now.getTime();
  let ended = 0;
  for (const step of Object.values(loaded.state.steps))
    if (step.waitEndsAt && Date.parse(step.waitEndsAt) <= t) ended++;
  return ended;
}
