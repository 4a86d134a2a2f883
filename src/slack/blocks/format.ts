// Small pieces of text shared by the renderers: times, durations, statuses, progress.
import type { PhaseProgress, RunProgress, RunStatus, StepState, StepStatus } from '../../runs/index.js';
import { formatTime } from '../../shared/format-time.js';
import { escapeText, mention, truncate } from './escape.js';

/** "2025-03-04 14:02 UTC", for lists that span days (the Home tab). */
export function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${formatTime(iso)}`;
}

/** "under 1 min", "12 min", "1 h 05 min". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "10-minute", or "90-second" for waits that are not whole minutes. */
export function formatWaitLength(minutes: number): string {
  return Number.isInteger(minutes) ? `${minutes}-minute` : `${Math.round(minutes * 60)}-second`;
}

/** A mention for a Slack id from our store; an id that is not one is shown (shortened) as text. */
export function who(userId: string): string {
  return userId.length <= 40 ? mention(userId) : escapeText(truncate(userId, 40));
}

const STATUS: Record<RunStatus, { emoji: string; label: string }> = {
  running: { emoji: '🟢', label: 'Running' },
  waiting_approval: { emoji: '🔒', label: 'Waiting for approval' },
  waiting: { emoji: '⏳', label: 'Waiting' },
  rolling_back: { emoji: '🔴', label: 'ROLLING BACK' },
  completed: { emoji: '✅', label: 'Completed' },
  rolled_back: { emoji: '↩️', label: 'Rolled back' },
  aborted: { emoji: '⛔', label: 'Aborted' },
};

/** Emoji and words for a run status; Slack has no coloured blocks, so the emoji carries the colour. */
export function statusOf(status: RunStatus): { emoji: string; label: string } {
  return STATUS[status];
}

const STEP_EMOJI: Record<StepStatus, string> = {
  pending: '⬜',
  done: '✅',
  skipped: '⏭️',
  failed: '❌',
  not_needed: '➖',
};

/** Emoji for a step's status. */
export function stepEmoji(status: StepStatus, waiting: boolean): string {
  return status === 'pending' && waiting ? '⏳' : STEP_EMOJI[status];
}

/** Emoji for a step: a warning, not a tick, for one done with a failing exit code from "I ran it". */
export function stepMark(st: Pick<StepState, 'status' | 'exitCode'>, waiting: boolean): string {
  return st.status === 'done' && st.exitCode !== null && st.exitCode !== 0
    ? '⚠️'
    : stepEmoji(st.status, waiting);
}

/**
 * "8 of 17 steps done", and "· rollback 2 of 4" once a rollback started: the words every surface
 * uses for `progressOf` (rollback steps are never added to forward ones).
 */
export function formatStepCount(progress: RunProgress): string {
  const { forward, rollback, mode } = progress;
  const steps = `${forward.done} of ${plural(forward.total, 'step')} done`;
  return mode === 'rollback' ? `${steps} · rollback ${rollback.done} of ${rollback.total}` : steps;
}

/** "Phase 3 of 7 · Deploy", "Rollback phase 1 of 2 · Revert" (the title is escaped mrkdwn). */
export function formatPhase(phase: PhaseProgress, title: string): string {
  const words = `${phase.rollback ? 'Rollback phase' : 'Phase'} ${phase.number} of ${phase.count}`;
  return title ? `${words} · ${title}` : words;
}

/** "3 steps", "1 step". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
