// **Page next now**: skip the rest of the current page's timeout and page the next contact.
import type { RunCommand } from '../commands.js';
import { type Draft, effect, escalationTimerKey, record } from '../draft.js';
import { mention, refuse } from '../refusals.js';
import { pageNext } from './rollback.js';

/** **Page next now**: the rollback's driver (or the run's starter) skips the rest of the timeout. */
export function pageNextNow(draft: Draft, command: Extract<RunCommand, { type: 'page_next' }>) {
  const { state } = draft;
  const escalation = state.escalation;
  if (escalation?.status !== 'paging') {
    return refuse('run.not_paging', 'nobody is being paged for this run now');
  }
  if (command.userId !== state.rollback?.by && command.userId !== state.starterId) {
    return refuse(
      'run.not_driver',
      `only ${mention(state.rollback?.by ?? state.starterId)}, who started the rollback, or the run's starter may page the next contact now`,
    );
  }
  const last = escalation.pages[escalation.pages.length - 1];
  if (!last) return refuse('run.not_paging', 'nobody is being paged for this run now');
  effect(draft, { type: 'cancel_timer', key: escalationTimerKey(state.id, last.round, last.contactIndex) });
  record(draft, 'page_skipped', command.userId, { round: last.round, contactIndex: last.contactIndex });
  pageNext(draft, last.round, last.contactIndex);
  return null;
}
