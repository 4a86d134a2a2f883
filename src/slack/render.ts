// The renderers sync uses: a loaded run → its RunView → Block Kit messages.
import { buildParentMessage } from './blocks/parent-message.js';
import { buildPhaseMessages } from './blocks/phase-messages.js';
import type { RunView } from './blocks/run-view.js';
import type { Renderers, RunViewInput } from './sync/sync-run.js';

/** The view of a loaded run at a time. */
export function toRunView(input: RunViewInput): RunView {
  const { loaded } = input;
  return {
    runId: loaded.meta.id,
    runbookName: loaded.meta.runbookName,
    runbook: loaded.runbook,
    state: loaded.state,
    contentHash: input.contentHash,
    gitCommit: input.gitCommit,
    version: loaded.version,
    now: input.now,
    ...(input.queue ? { queue: input.queue } : {}),
  };
}

/** Parent and phase messages, from the committed state. */
export const renderers: Renderers = {
  parent: (input) => buildParentMessage(toRunView(input)),
  phase: (input, phaseIndex) => buildPhaseMessages(toRunView(input), phaseIndex),
};
