// The run's parent message in the channel: the summary everyone watches, kept up to date.
import type { KnownBlock } from '@slack/types';
import { fillPlaceholders } from '../../runbook/placeholders.js';
import {
  blockingGate,
  isRollingBack,
  missingSignatures,
  phaseNumberOf,
  progressOf,
  requiredFor,
} from '../../runs/progress.js';
import { formatTime } from '../../shared/format-time.js';
import { ACTIONS, encodeValue } from '../ids.js';
import { stampBlockIds } from './block-ids.js';
import { actions, button, confirmDialog, context, header, section } from './elements.js';
import { code, escapeText, truncate } from './escape.js';
import { formatDuration, formatPhase, statusOf, who } from './format.js';
import { buildSlotItem } from './gate-blocks.js';
import { LIMITS, truncateMrkdwn } from './limits.js';
import { ownerText } from './owner-blocks.js';
import { abortLine, paramsLine, rollbackLines, waitLines } from './parent-details.js';
import { waitingRoles } from './phase-note.js';
import { queueBlock } from './queue-blocks.js';
import { isActive, type MessageContent, type RunView, valuesOf } from './run-view.js';

const MAX_SLOTS = 5;

/**
 * The parent message: title, status, the current phase and who is on it, who it waits for, and the
 * run-wide buttons. It shows nothing that changes with every click (no step counts: those live in
 * the phase messages), so that it is updated only when something changes for the channel.
 */
export function buildParentMessage(view: RunView): Required<MessageContent> {
  const { state, runbook } = view;
  const status = statusOf(state.status);
  const title = fillPlaceholders(runbook.title, valuesOf(view)) || view.runbookName;
  const id = (suffix: string) => `parent:${suffix}`;
  const rehearsal = state.rehearsal ? ' (rehearsal)' : '';
  const headline =
    state.status === 'rolling_back'
      ? `🔴 ROLLING BACK · ${title}${rehearsal}`
      : `${status.emoji} ${title}${rehearsal}`;
  const blocks: KnownBlock[] = [header(headline, id('h')), section(summaryOf(view), id('s'))];
  const params = paramsLine(view);
  if (params) blocks.push(section(params, id('p')));
  blocks.push(context(versionLine(view), id('v')));
  if (state.status === 'waiting_approval') blocks.push(...gateBlocks(view));
  const waits = waitLines(view);
  if (waits.length) blocks.push(section(waits.join('\n'), id('w')));
  const rollback = rollbackLines(view);
  if (rollback.length) blocks.push(section(rollback.join('\n'), id('r')));
  const abort = abortLine(view);
  if (abort) blocks.push(section(abort, id('x')));
  const queued = isActive(view) ? queueBlock(view.queue, id('q')) : null;
  if (queued) blocks.push(queued);
  blocks.push(actions(runButtons(view), id('a')));
  const where = phaseLine(view);
  const text = `${status.emoji} ${escapeText(title)}: ${status.label}${rehearsal}${where ? ` · ${where.words}` : ''}`;
  return stampBlockIds({ text: truncateMrkdwn(text, LIMITS.fallbackText), blocks });
}

function summaryOf(view: RunView): string {
  const { state } = view;
  const status = statusOf(state.status);
  const label = state.status === 'rolling_back' ? `*${status.label}*` : status.label;
  const lines = [
    `*Status* ${status.emoji} ${label}`,
    `*Started by* ${who(state.starterId)} at ${formatTime(state.startedAt)} · *Environment* ${code(state.environment)}`,
  ];
  const where = phaseLine(view);
  if (where) lines.push(`*${where.label}* ${where.words}${where.owner}`);
  lines.push(elapsedLine(state.startedAt, state.finishedAt));
  return lines.join('\n');
}

/**
 * Where the run is, by phase: "Phase 3 of 7 · Deploy" and its owner while it runs, the phase it
 * stopped in once aborted; null when no phase is open (all steps resolved, or the run finished).
 */
function phaseLine(view: RunView): { label: string; words: string; owner: string } | null {
  const { state, runbook } = view;
  const stopped = state.status === 'aborted' ? state.currentPhaseIndex : null;
  const phase = isActive(view)
    ? progressOf(runbook, state).phase
    : stopped === null
      ? null
      : phaseNumberOf(runbook, stopped);
  const shown = phase ? runbook.phases[phase.index] : undefined;
  if (!phase || !shown) return null;
  const title = escapeText(truncate(fillPlaceholders(shown.title, valuesOf(view)) || 'Steps', 100));
  const owner = isActive(view) && !view.posting ? state.owners?.[shown.id] : undefined;
  return {
    label: isActive(view) ? 'Progress' : 'Stopped in',
    words: formatPhase(phase, title),
    owner: owner ? ` · on it: ${ownerText(owner)}` : '',
  };
}

/**
 * While the run goes on, Slack counts the elapsed time itself (`{ago}`), so the message does not
 * have to be re-sent every minute to stay true; once finished it is a fixed duration.
 */
function elapsedLine(startedAt: string, finishedAt: string | null): string {
  if (finishedAt) {
    const took = formatDuration(Date.parse(finishedAt) - Date.parse(startedAt));
    return `*Elapsed* ${took} · finished at ${formatTime(finishedAt)}`;
  }
  const epoch = Math.floor(Date.parse(startedAt) / 1000);
  return `*Elapsed* started <!date^${epoch}^{ago}|at ${formatTime(startedAt)}>`;
}

function versionLine(view: RunView): string {
  const hash = view.contentHash.replace(/^sha256[:-]/, '').slice(0, 8);
  const commit = view.gitCommit ? ` · commit ${code(view.gitCommit.slice(0, 7))}` : '';
  return `📌 Runbook ${code(truncate(view.runbookName, 80))} · version ${code(hash)}${commit} · run ${code(truncate(view.runId, 60))}`;
}

/** Who the run waits for, with an **Approve (role)** button on each slot that still needs one. */
function gateBlocks(view: RunView): KnownBlock[] {
  const gate = blockingGate(view.runbook, view.state);
  if (!gate) return [];
  const open = gate.approvals.filter((a) => missingSignatures(view.state, a, requiredFor(view.state, a)) > 0);
  const more = open.length > MAX_SLOTS ? ` (${open.length - MAX_SLOTS} more in the thread)` : '';
  return [
    section(`🔒 *Waiting for approval* from ${waitingRoles(view)}${more}`, `parent:g`),
    // Signers are listed in the thread; the parent stays short.
    ...open.slice(0, MAX_SLOTS).flatMap((a) => buildSlotItem(view, a, true, false).blocks),
  ];
}

function runButtons(view: RunView) {
  const value = encodeValue({ runId: view.runId });
  if (!isActive(view)) return [button({ text: 'Report', actionId: ACTIONS.report, value })];
  const abort = button({
    text: 'Abort',
    actionId: ACTIONS.abort,
    value,
    confirm: confirmDialog({
      title: 'Abort this run?',
      text: 'The run stops for good: no more steps, approvals or pages. Only the person who started it, or an admin, may abort it.',
      confirm: 'Abort run',
      deny: 'Keep running',
      style: 'danger',
    }),
  });
  if (isRollingBack(view.state)) return [abort];
  const rollback = button({
    text: 'Start rollback',
    actionId: ACTIONS.startRollback,
    value,
    style: 'danger',
    confirm: confirmDialog({
      title: 'Start the rollback?',
      text: 'The rollback steps become the current steps and the emergency contacts are paged, one after the other, until someone acknowledges.',
      confirm: 'Start rollback',
      deny: 'Cancel',
      style: 'danger',
    }),
  });
  return [rollback, abort];
}
