// Who may read a run's details (status, steps, the report with its "I ran it" output): people in the
// run's own channel, its starter, and the directory's admins. Anyone else is told only that the run
// exists and where, so a run id seen elsewhere leaks nothing of what was typed into it.

import { type RunListing, shortId } from '../../../runs/loaded-run.js';
import type { SlackContext } from '../../context.js';

/** May `userId`, asking from `channelId`, see the run's details? */
export function mayReadRun(
  ctx: Pick<SlackContext, 'directory'>,
  run: Pick<RunListing, 'channelId' | 'starterId'>,
  channelId: string,
  userId: string,
): boolean {
  return run.channelId === channelId || run.starterId === userId || ctx.directory().admins.includes(userId);
}

/** The answer elsewhere: the run exists, and where it lives. */
export function buildElsewhereText(run: Pick<RunListing, 'id' | 'channelId'>): string {
  return `Run \`${shortId(run.id)}\` exists: it lives in <#${run.channelId}>. Its details are shown there, to the person who started it, and to admins.`;
}
