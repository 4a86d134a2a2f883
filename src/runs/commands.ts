// What can be asked of a run, what it records, and what the edges must do afterwards.
import type { EscalationContact, EscalationPolicy, RunOwner, RunState } from './model.js';

/** A durable timer's payload: what to tell the run when it fires. */
export type TimerPayload =
  | { kind: 'wait'; stepId: string; endsAt: string }
  | { kind: 'escalation'; round: number; contactIndex: number };

/** Everything a person (or a timer) can ask of a run that exists. */
export type RunCommand =
  | {
      type: 'complete_step';
      userId: string;
      stepId: string;
      confirmEarly?: boolean;
      output?: string;
      exitCode?: number;
    }
  | { type: 'skip_step'; userId: string; stepId: string }
  | { type: 'fail_step'; userId: string; stepId: string; reason?: string; rollback?: RollbackSetup }
  | { type: 'undo_step'; userId: string; stepId: string }
  | { type: 'start_wait'; userId: string; stepId: string }
  | { type: 'timer_fired'; timer: TimerPayload }
  | {
      type: 'approve';
      userId: string;
      approvalId: string;
      /** Users mapped to the role by the directory, or null when the role is not mapped. */
      eligibleUserIds: readonly string[] | null;
      allowSelfApproval: boolean;
    }
  | ({ type: 'start_rollback'; userId: string } & RollbackSetup)
  | { type: 'acknowledge'; userId: string }
  | { type: 'page_next'; userId: string }
  | { type: 'abort'; userId: string; reason: string | null; isAdmin: boolean }
  | { type: 'finish'; userId: string }
  | { type: 'reassign_owner'; userId: string; targetId: string; ownerId: string };

/** What starting a rollback needs from the edge: why, and who to page in which order. */
export interface RollbackSetup {
  reason: string | null;
  contacts: EscalationContact[];
  policy: EscalationPolicy;
}

/** What starting a run needs. */
export interface StartInput {
  runId: string;
  starterId: string;
  environment: string;
  rehearsal: boolean;
  params: Record<string, string>;
  /** Approvals needed per approval id (quorum); 1 where absent. */
  required?: Record<string, number>;
  /** The runbook's owners, resolved by the edge, per phase or step id. */
  owners?: Record<string, RunOwner>;
}

/** One entry of the audit trail. */
export interface RunEvent {
  type: string;
  actor: string | null;
  data: Record<string, unknown>;
}

/** Something the thread must say. */
export type Notice =
  | { kind: 'wait_elapsed'; stepId: string; startedBy: string }
  | { kind: 'gate_waiting'; approvalIds: string[] }
  | { kind: 'rollback_started'; by: string; reason: string | null }
  | { kind: 'phone_contacts'; contacts: { label: string; phone: string | null }[] }
  | { kind: 'escalation_acknowledged'; by: string }
  | { kind: 'escalation_exhausted'; rounds: number }
  | { kind: 'run_finished'; status: RunState['status'] }
  | { kind: 'owner_reassigned'; targetId: string; ownerId: string; by: string };

/** Work for the edges, carried out after the state is committed. */
export type RunEffect =
  | { type: 'render_run' }
  /**
   * The run's status changed (it started, waits, rolls back, ended): the App Home of everyone it
   * concerns (`homeAudienceOf`) is published again. Not on every click: only with the status.
   */
  | { type: 'publish_home' }
  | { type: 'post_phase'; phaseIndex: number }
  | { type: 'notify'; notice: Notice }
  | { type: 'dm_contact'; userId: string; contactIndex: number; round: number; rehearsal: boolean }
  | { type: 'set_timer'; key: string; dueAt: string; timer: TimerPayload }
  | { type: 'cancel_timer'; key: string }
  /** Paging stopped (acknowledged, or the run ended): the DMs sent lose their buttons. */
  | { type: 'close_pages' }
  /** A moment an outside pager may care about (the edge decides, e.g. PagerDuty). */
  | { type: 'hand_off'; event: 'rollback' | 'exhausted' | 'acknowledged' | 'ended' }
  | EdgeEffect;

/**
 * Work the edges queue for a run outside the state machine (carried out by the same outbox and
 * sync as the effects above; see src/slack/sync/carry-effects/).
 */
export type EdgeEffect =
  | { type: 'share_report'; userId: string }
  /** The run released its environment lock: offer it to the first start queued behind it. */
  | { type: 'offer_queue'; runbookName: string; environment: string }
  /** An offer was taken, left or expired: its message in the channel loses its buttons. */
  | { type: 'close_offer'; entryId: number }
  /** How an event for an outside pager went (said in the thread). */
  | { type: 'pagerduty_notice'; action: string; ok: boolean; detail: string | null };

/** Why a command was refused, in words for the person who asked. */
export interface Refusal {
  code: string;
  message: string;
}

/** The outcome of a command: a new state with its events and effects, or a refusal. */
export type Transition =
  | { ok: true; state: RunState; events: RunEvent[]; effects: RunEffect[] }
  | { ok: false; refusal: Refusal };
