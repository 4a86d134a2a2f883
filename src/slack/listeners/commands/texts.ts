// The private answers of `/deploy`. Pure.
import type { RunListing } from '../../../db/queries.js';
import { shortId } from '../../../db/queries.js';
import { escapeText as esc } from '../../escape.js';

/** `/deploy help`. */
export function buildHelpText(): string {
  return [
    '*deploybot* runs the runbooks in the repository as threads in this channel.',
    '• `/deploy start <runbook> [KEY=value …] [env=<environment>] [--rehearsal] [--queue]` start a run here (`--queue`: wait behind a run that holds the environment)',
    '• `/deploy cancel <q…>` leave a queue you joined',
    '• `/deploy list` the runbooks I can run',
    '• `/deploy status [run]` the active runs in this channel, or one run',
    '• `/deploy abort <run> [reason]` stop a run (its starter or an admin)',
    '• `/deploy help` this text',
  ].join('\n');
}

/** `/deploy list`. */
export function buildRunListText(
  rows: {
    name: string;
    title: string | null;
    steps: number | null;
    problem: string | null;
    last: RunListing | null;
  }[],
): string {
  if (rows.length === 0) return 'There are no runbooks in the runbooks folder yet.';
  return [
    '*Runbooks*',
    ...rows.map((r) => {
      const last = r.last
        ? `, last run ${r.last.startedAt.slice(0, 16).replace('T', ' ')} UTC (${esc(r.last.status)})`
        : ', never run';
      if (r.problem) return `• \`${esc(r.name)}\` ⚠️ ${esc(r.problem)}`;
      return `• \`${esc(r.name)}\` ${esc(r.title ?? '')} (${r.steps} steps${last})`;
    }),
  ].join('\n');
}

/** `/deploy status`. */
export function buildStatusText(runs: RunListing[]): string {
  if (runs.length === 0) return 'No active runs in this channel.';
  return runs
    .map((r) => {
      const link = r.parentTs
        ? ` <https://slack.com/app_redirect?channel=${r.channelId}&message_ts=${r.parentTs}|thread>`
        : '';
      return `• \`${shortId(r.id)}\` ${esc(r.runbookName)} in ${esc(r.environment)}: ${esc(r.status)}, ${r.done}/${r.total} steps, started by <@${r.starterId}>${link}`;
    })
    .join('\n');
}
