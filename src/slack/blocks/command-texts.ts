// The private answers of `/deploy`. Pure.
import type { RunStatus } from '../../runs/index.js';
import { type RunListing, shortId } from '../../runs/loaded-run.js';
import type { ListedProgress } from '../../usecases/run-progress.js';
import { escapeText as esc, truncate } from './escape.js';
import { formatPhase, formatStepCount, statusOf } from './format.js';

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
    /** Forward and rollback steps of the runbook (`stepTotalsOf`). */
    steps: { forward: number; rollback: number } | null;
    problem: string | null;
    last: RunListing | null;
  }[],
): string {
  if (rows.length === 0) return 'There are no runbooks in the runbooks folder yet.';
  return [
    '*Runbooks*',
    ...rows.map((r) => {
      const last = r.last
        ? `, last run ${r.last.startedAt.slice(0, 16).replace('T', ' ')} UTC (${statusWords(r.last.status)})`
        : ', never run';
      if (r.problem) return `• \`${esc(r.name)}\` ⚠️ ${esc(r.problem)}`;
      return `• \`${esc(r.name)}\` ${esc(r.title ?? '')} (${stepsWords(r.steps)}${last})`;
    }),
  ].join('\n');
}

/** "17 steps + 4 rollback": rollback steps apart, as every surface counts them. */
function stepsWords(steps: { forward: number; rollback: number } | null): string {
  if (!steps) return 'steps unknown';
  const forward = `${steps.forward} step${steps.forward === 1 ? '' : 's'}`;
  return steps.rollback ? `${forward} + ${steps.rollback} rollback` : forward;
}

/** A stored status in words ("Rolled back"), never the raw value. */
function statusWords(status: string): string {
  return esc(statusOf(status as RunStatus)?.label ?? status.replace(/_/g, ' '));
}

/** "Phase 2 of 5 · Deploy · 3 of 17 steps done", from the one definition of progress. */
function progressWords(found: ListedProgress | undefined): string {
  if (!found) return '';
  const { progress, phaseTitle } = found;
  const phase = progress.phase
    ? `${formatPhase(progress.phase, esc(truncate(phaseTitle ?? '', 100)))} · `
    : '';
  return ` · ${phase}${formatStepCount(progress)}`;
}

/** `/deploy status`: each run with its status and progress (`progress` by run id). */
export function buildStatusText(
  runs: RunListing[],
  progress: ReadonlyMap<string, ListedProgress> = new Map(),
): string {
  if (runs.length === 0) return 'No active runs in this channel.';
  return runs
    .map((r) => {
      const link = r.parentTs
        ? ` <https://slack.com/app_redirect?channel=${r.channelId}&message_ts=${r.parentTs}|thread>`
        : '';
      return `• \`${shortId(r.id)}\` ${esc(r.runbookName)} in ${esc(r.environment)}: ${statusWords(r.status)}${progressWords(progress.get(r.id))}, started by <@${r.starterId}>${link}`;
    })
    .join('\n');
}
