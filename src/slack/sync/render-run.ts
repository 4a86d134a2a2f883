// The pure renderers, applied to a run as loaded: which content each posted message should show.
import type { LoadedRun } from '../../db/runs.repository.js';
import type { StoredMessage } from '../../db/slack-messages.repository.js';
import { buildParentMessage } from '../blocks/parent-message.js';
import { buildPhaseMessages } from '../blocks/phase-messages.js';
import type { QueuedStart } from '../blocks/queue-blocks.js';
import type { RenderedMessage, RunView } from '../blocks/run-view.js';

/** What the messages show besides the run's own state: the starts queued behind it. */
export interface ViewExtras {
  queue?: QueuedStart[];
}

/** A part a phase no longer needs says so, never keeping stale buttons. */
const CONTINUED: RenderedMessage = { text: '(continued above)', blocks: [] };

/** The view of a loaded run at a time. */
export function toRunView(loaded: LoadedRun, now: Date, extras: ViewExtras = {}): RunView {
  return {
    ...(extras.queue ? { queue: extras.queue } : {}),
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
export function renderParent(loaded: LoadedRun, now: Date, extras: ViewExtras = {}): RenderedMessage {
  return buildParentMessage(toRunView(loaded, now, extras));
}

/** The messages of one phase (more than one when it does not fit). */
export function renderPhase(
  loaded: LoadedRun,
  now: Date,
  phaseIndex: number,
  extras: ViewExtras = {},
): RenderedMessage[] {
  return buildPhaseMessages(toRunView(loaded, now, extras), phaseIndex);
}

/** What one posted message of the run should show now. */
export function renderStored(
  loaded: LoadedRun,
  now: Date,
  message: StoredMessage,
  extras: ViewExtras = {},
): RenderedMessage {
  if (message.kind === 'parent') return renderParent(loaded, now, extras);
  return renderPhase(loaded, now, message.phaseIndex, extras)[message.part] ?? CONTINUED;
}
