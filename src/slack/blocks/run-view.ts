// What the renderers read: a run, the runbook version it pinned, and the time to render it at.
import type { KnownBlock } from '@slack/types';
import type { Runbook } from '../../runbook/index.js';
import { ACTIVE_STATUSES, type RunState } from '../../runs/index.js';
import type { QueuedStart } from './queue-blocks.js';

/** Everything a run's messages are rendered from. Rendering is a pure function of it. */
export interface RunView {
  runId: string;
  /** File name of the runbook, without `.md`. */
  runbookName: string;
  /** The runbook version the run pinned. */
  runbook: Runbook;
  state: RunState;
  /** Hash of the runbook file the run pinned. */
  contentHash: string;
  /** Git commit of the runbook folder when it is a checkout. */
  gitCommit: string | null;
  /** Revision of the run's state; block_ids change with it so Slack re-renders every block. */
  version: number;
  now: Date;
  /** Starts queued behind the run's environment lock, first first (see queue-blocks.ts). */
  queue?: QueuedStart[];
  /**
   * Rendered for a post, not an edit: Slack notifies the people a post mentions (an edit notifies
   * nobody), and a phase's owner is pinged once, by the phase message, so a posted parent names no
   * owner; the next edit of the parent does.
   */
  posting?: boolean;
}

/**
 * What a message says, ready for `chat.postMessage` / `chat.update`: its text, and its blocks when it
 * has them. The run's renderers give `Required<MessageContent>` (both fields, always).
 */
export interface MessageContent {
  text: string;
  blocks?: KnownBlock[];
}

/** True while the run takes commands. */
export function isActive(view: RunView): boolean {
  return ACTIVE_STATUSES.includes(view.state.status);
}

/** Placeholder values: the runbook's front-matter defaults, overridden by the run's parameters. */
export function valuesOf(view: RunView): Record<string, string> {
  return { ...view.runbook.frontMatter.params, ...view.state.params };
}
