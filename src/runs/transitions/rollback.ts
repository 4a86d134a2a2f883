// Rollback and escalation: switch to the rollback steps and page contacts until one acknowledges.
import { addMilliseconds } from 'date-fns/addMilliseconds';
import { formatTime } from '../../shared/format-time.js';
import type { RollbackSetup, RunCommand } from '../commands.js';
import { type Draft, effect, escalationTimerKey, record } from '../draft.js';
import { mention, refuse } from '../refusals.js';
import { cancelWait } from './steps.js';

/** Switches the run to rolling back and starts paging. */
export function startRollback(draft: Draft, userId: string, setup: RollbackSetup) {
  const { state } = draft;
  if (state.rollback) {
    return refuse(
      'run.rollback_started',
      `the rollback was already started by ${mention(state.rollback.by)} at ${formatTime(state.rollback.at)}`,
    );
  }
  // Forward waits end here: their reminders would be about steps nobody may do any more.
  for (const step of draft.runbook.steps.filter((s) => !s.rollback)) cancelWait(draft, step.id);
  state.rollback = { by: userId, at: draft.nowIso, reason: setup.reason };
  record(draft, 'rollback_started', userId, { reason: setup.reason });
  effect(draft, { type: 'notify', notice: { kind: 'rollback_started', by: userId, reason: setup.reason } });
  effect(draft, { type: 'render_run' });
  effect(draft, { type: 'hand_off', event: 'rollback' });
  state.escalation = {
    status: 'paging',
    policy: { timeoutMinutes: setup.policy.timeoutMinutes, rounds: Math.max(1, setup.policy.rounds) },
    contacts: setup.contacts,
    pages: [],
    acknowledgedBy: null,
    acknowledgedAt: null,
  };
  const phoneOnly = setup.contacts.filter((c) => c.slackUserId === null);
  if (phoneOnly.length) {
    effect(draft, {
      type: 'notify',
      notice: {
        kind: 'phone_contacts',
        contacts: phoneOnly.map((c) => ({ label: c.label, phone: c.phone })),
      },
    });
  }
  pageNext(draft, 0, -1);
  return null;
}

/** Pages the next contact Slack can reach after `after` in `round`, going on to later rounds. */
export function pageNext(draft: Draft, round: number, after: number): void {
  const escalation = draft.state.escalation;
  if (!escalation) return;
  const { contacts, policy } = escalation;
  for (let r = round; r < policy.rounds; r++) {
    const start = r === round ? after + 1 : 0;
    const index = contacts.findIndex((c, i) => i >= start && c.slackUserId !== null);
    if (index >= 0) {
      page(draft, r, index);
      return;
    }
  }
  escalation.status = 'exhausted';
  record(draft, 'escalation_exhausted', null, { rounds: policy.rounds, pages: escalation.pages.length });
  effect(draft, { type: 'notify', notice: { kind: 'escalation_exhausted', rounds: policy.rounds } });
  effect(draft, { type: 'render_run' });
  effect(draft, { type: 'hand_off', event: 'exhausted' });
}

function page(draft: Draft, round: number, contactIndex: number): void {
  const { state } = draft;
  const escalation = state.escalation;
  const contact = escalation?.contacts[contactIndex];
  if (!escalation || !contact?.slackUserId) return;
  const userId = state.rehearsal ? state.starterId : contact.slackUserId;
  escalation.pages.push({ contactIndex, round, userId, at: draft.nowIso });
  record(draft, 'contact_paged', null, {
    contactIndex,
    round,
    label: contact.label,
    userId,
    rehearsal: state.rehearsal,
  });
  effect(draft, { type: 'dm_contact', userId, contactIndex, round, rehearsal: state.rehearsal });
  const dueAt = addMilliseconds(draft.now, escalation.policy.timeoutMinutes * 60_000).toISOString();
  effect(draft, {
    type: 'set_timer',
    key: escalationTimerKey(state.id, round, contactIndex),
    dueAt,
    timer: { kind: 'escalation', round, contactIndex },
  });
  // The thread's live view says who is paged now and who is next.
  effect(draft, { type: 'render_run' });
}

/** An escalation timer fired: page the next contact, unless someone acknowledged or it is stale. */
export function escalationTimeout(draft: Draft, round: number, contactIndex: number): void {
  const escalation = draft.state.escalation;
  if (escalation?.status !== 'paging') return;
  const last = escalation.pages[escalation.pages.length - 1];
  if (!last || last.round !== round || last.contactIndex !== contactIndex) return;
  record(draft, 'page_timed_out', null, { round, contactIndex });
  pageNext(draft, round, contactIndex);
}

/** A paged person acknowledges: paging stops and the thread hears who. */
export function acknowledge(draft: Draft, command: Extract<RunCommand, { type: 'acknowledge' }>) {
  const escalation = draft.state.escalation;
  if (!escalation) return refuse('run.no_escalation', 'no escalation is running for this run');
  if (escalation.acknowledgedBy) {
    return refuse(
      'run.already_acknowledged',
      `already acknowledged by ${mention(escalation.acknowledgedBy)} at ${formatTime(escalation.acknowledgedAt ?? '')}`,
    );
  }
  if (!escalation.pages.some((p) => p.userId === command.userId)) {
    return refuse('run.not_paged', 'this page was not sent to you');
  }
  const last = escalation.pages[escalation.pages.length - 1];
  if (escalation.status === 'paging' && last) {
    effect(draft, {
      type: 'cancel_timer',
      key: escalationTimerKey(draft.state.id, last.round, last.contactIndex),
    });
  }
  Object.assign(escalation, {
    status: 'acknowledged',
    acknowledgedBy: command.userId,
    acknowledgedAt: draft.nowIso,
  });
  record(draft, 'escalation_acknowledged', command.userId);
  effect(draft, { type: 'notify', notice: { kind: 'escalation_acknowledged', by: command.userId } });
  effect(draft, { type: 'render_run' });
  effect(draft, { type: 'close_pages' });
  effect(draft, { type: 'hand_off', event: 'acknowledged' });
  return null;
}

/** Stops paging when the run ends. */
export function cancelEscalation(draft: Draft): void {
  const escalation = draft.state.escalation;
  if (escalation?.status !== 'paging') return;
  const last = escalation.pages[escalation.pages.length - 1];
  if (last)
    effect(draft, {
      type: 'cancel_timer',
      key: escalationTimerKey(draft.state.id, last.round, last.contactIndex),
    });
  escalation.status = 'cancelled';
  effect(draft, { type: 'close_pages' });
}
