// The state of a run and the commands, events and effects of its state machine.
// Pure data: the store persists it, the Slack layer renders it, nothing here does I/O.

/** Where a run is in its life. */
export type RunStatus =
  | 'running'
  | 'waiting_approval'
  | 'waiting'
  | 'rolling_back'
  | 'completed'
  | 'rolled_back'
  | 'aborted';

/** Statuses in which a run holds its environment lock and takes commands. */
export const ACTIVE_STATUSES: readonly RunStatus[] = [
  'running',
  'waiting_approval',
  'waiting',
  'rolling_back',
];

/** Where a step is. `not_needed` marks rollback steps of a run that completed. */
export type StepStatus = 'pending' | 'done' | 'skipped' | 'failed' | 'not_needed';

/** One step of one run. */
export interface StepState {
  status: StepStatus;
  /** Who changed it last, and when (ISO). */
  by: string | null;
  at: string | null;
  /** Pasted output of "I ran it", or a failure reason. */
  output: string | null;
  exitCode: number | null;
  /** A running or finished wait. */
  waitStartedAt: string | null;
  waitEndsAt: string | null;
  waitStartedBy: string | null;
  /** When the thread was told the wait is over: it is told once. */
  waitNotifiedAt: string | null;
}

/** One signature on an approval slot. */
export interface Signature {
  userId: string;
  at: string;
}

/** A contact as escalation pages them, resolved by the edge before rollback starts. */
export interface EscalationContact {
  /** Name or role, as the runbook says it. */
  label: string;
  /** Slack user to DM, or null when Slack cannot reach them (phone only). */
  slackUserId: string | null;
  phone: string | null;
}

/** How escalation pages: order, timeout and rounds. */
export interface EscalationPolicy {
  timeoutMinutes: number;
  rounds: number;
}

/** One page sent. */
export interface Page {
  contactIndex: number;
  round: number;
  /** The user the DM went to (the rehearser, in a rehearsal). */
  userId: string;
  at: string;
}

/** The escalation of a rollback. */
export interface EscalationState {
  status: 'paging' | 'acknowledged' | 'exhausted' | 'cancelled';
  policy: EscalationPolicy;
  contacts: EscalationContact[];
  pages: Page[];
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

/** Who owns a phase or step in a run: the runbook's owner resolved at start, or a reassignment. */
export interface RunOwner {
  /** The person or role as the runbook names them, or the reassigned user's id. */
  label: string;
  /** The Slack user, or null when Slack cannot be told (a role the directory does not map). */
  userId: string | null;
  /** Who reassigned it, and when (null for the runbook's own owner). */
  by: string | null;
  at: string | null;
}

/** A run: everything the state machine decides from. */
export interface RunState {
  id: string;
  status: RunStatus;
  starterId: string;
  environment: string;
  rehearsal: boolean;
  params: Record<string, string>;
  startedAt: string;
  finishedAt: string | null;
  steps: Record<string, StepState>;
  /** Signatures per approval id. */
  approvals: Record<string, Signature[]>;
  /** Approvals needed per approval id (quorum), fixed when the run starts; 1 where absent. */
  required: Record<string, number>;
  /** Index of the phase last posted as current, or null before the first. */
  currentPhaseIndex: number | null;
  rollback: { by: string; at: string; reason: string | null } | null;
  escalation: EscalationState | null;
  abort: { by: string; at: string; reason: string | null } | null;
  /** Owners per phase or step id (absent for runs stored before owners existed). */
  owners?: Record<string, RunOwner>;
}
