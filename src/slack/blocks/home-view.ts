// The App Home tab: a person's active and recent runs, each with a link to its thread. It is
// published when a run changes status (and when the tab is opened), so an active run shows nothing
// that changes in between; a finished run shows its final count of steps.
import type { HomeView, KnownBlock } from '@slack/types';
import type { RunProgress, RunStatus } from '../../runs/index.js';
import { context, header, section } from './elements.js';
import { channelLink, code, link, truncate } from './escape.js';
import { formatDateTime, formatStepCount, statusOf } from './format.js';
import { LIMITS } from './limits.js';

/** One run as the Home tab lists it (read from the store by the edge). */
export interface RunSummary {
  runId: string;
  runbookName: string;
  /** The runbook's title. */
  title: string;
  status: RunStatus;
  /** The run's progress (`progressOf`). */
  progress: RunProgress;
  channelId: string;
  /** Link to the run's parent message, when it was posted. */
  permalink: string | null;
  startedAt: string;
  finishedAt: string | null;
}

// Header, two headings, a divider and up to two "none"/"more" lines are not runs.
const FIXED_BLOCKS = 8;

/** The Home tab for `userId`: active runs first, then recent ones, within the 100-block limit. */
export function buildHomeView(input: {
  userId: string;
  active: RunSummary[];
  recent: RunSummary[];
}): HomeView {
  const room = LIMITS.blocksPerView - FIXED_BLOCKS;
  // Active runs matter most, but recent ones keep at least half the room when there are enough.
  const activeShown = input.active.slice(0, Math.max(Math.floor(room / 2), room - input.recent.length));
  const recentShown = input.recent.slice(0, room - activeShown.length);
  const blocks: KnownBlock[] = [
    header('Your deploy runs', 'home:h'),
    section('*Active runs*', 'home:active'),
    ...listBlocks(input.active, activeShown, 'a', 'No active runs.'),
    { type: 'divider', block_id: 'home:d' },
    section('*Recent runs*', 'home:recent'),
    ...listBlocks(input.recent, recentShown, 'r', 'No finished runs yet.'),
  ];
  return { type: 'home', blocks };
}

function listBlocks(all: RunSummary[], shown: RunSummary[], key: string, empty: string): KnownBlock[] {
  if (all.length === 0) return [context(empty, `home:${key}:none`)];
  const blocks: KnownBlock[] = shown.map((run, i) => section(lineOf(run), `home:${key}:${i}`));
  if (all.length > shown.length)
    blocks.push(context(`… and ${all.length - shown.length} more.`, `home:${key}:more`));
  return blocks;
}

function lineOf(run: RunSummary): string {
  const status = statusOf(run.status);
  const title = link(run.permalink, truncate(run.title || run.runbookName, 120));
  const when = run.finishedAt
    ? `${formatStepCount(run.progress)} · finished ${formatDateTime(run.finishedAt)}`
    : `started ${formatDateTime(run.startedAt)}`;
  return [
    `${status.emoji} *${title}*`,
    `${status.label} · ${when} in ${channelLink(run.channelId)}`,
    `Runbook ${code(truncate(run.runbookName, 80))}`,
  ].join('\n');
}
