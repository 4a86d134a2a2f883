// Refusals: a stable code and a sentence for the person whose click was refused.
import { formatTime } from '../shared/format-time.js';
import type { Refusal } from './commands.js';
import type { RunState } from './model.js';

/** A user mention; user ids come from Slack and are safe to echo. */
export function mention(userId: string): string {
  return `<@${userId}>`;
}

/** Builds a refusal. */
export function refuse(code: string, message: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, message } };
}

/** The refusal for any command on a run that has ended, or null while it is active. */
export function refuseIfEnded(state: RunState): { ok: false; refusal: Refusal } | null {
  if (state.status === 'completed')
    return refuse('run.finished', `this run completed at ${formatTime(state.finishedAt ?? '')}`);
  if (state.status === 'rolled_back')
    return refuse(
      'run.finished',
      `this run was rolled back (finished at ${formatTime(state.finishedAt ?? '')})`,
    );
  if (state.status === 'aborted') {
    const by = state.abort ? ` by ${mention(state.abort.by)} at ${formatTime(state.abort.at)}` : '';
    return refuse('run.aborted', `this run was aborted${by}`);
  }
  return null;
}
