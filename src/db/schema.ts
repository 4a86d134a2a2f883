// The database schema (drizzle). Migrations in drizzle/ are generated from it: `npm run db:generate`.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Runbook } from '../runbook/index.js';
import type { RunEffect, RunOwner, TimerPayload } from '../runs/index.js';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

/** A parsed runbook as a run pinned it: the model, the file's hash and its git commit. */
export const runbookSnapshotsTable = pgTable(
  'runbook_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    contentHash: text('content_hash').notNull(),
    gitCommit: text('git_commit'),
    model: jsonb('model').$type<Runbook>().notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('runbook_snapshots_name_hash').on(t.name, t.contentHash)],
);

/** A run of a runbook in a channel. */
export const runsTable = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey(),
    snapshotId: uuid('snapshot_id')
      .notNull()
      .references(() => runbookSnapshotsTable.id),
    runbookName: text('runbook_name').notNull(),
    environment: text('environment').notNull(),
    channelId: text('channel_id').notNull(),
    starterId: text('starter_id').notNull(),
    status: text('status').notNull(),
    rehearsal: boolean('rehearsal').notNull().default(false),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    required: jsonb('required').$type<Record<string, number>>().notNull(),
    currentPhaseIndex: integer('current_phase_index'),
    rollbackBy: text('rollback_by'),
    rollbackAt: at('rollback_at'),
    rollbackReason: text('rollback_reason'),
    abortBy: text('abort_by'),
    abortAt: at('abort_at'),
    abortReason: text('abort_reason'),
    startedAt: at('started_at').notNull(),
    finishedAt: at('finished_at'),
    /** Owners per phase or step id: the runbook's, resolved at start, and reassignments. */
    owners: jsonb('owners').$type<Record<string, RunOwner>>().notNull().default({}),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('runs_channel_status').on(t.channelId, t.status),
    index('runs_runbook_environment').on(t.runbookName, t.environment),
  ],
);

/** Per-step state of a run. */
export const runStepsTable = pgTable(
  'run_steps',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    stepId: text('step_id').notNull(),
    status: text('status').notNull(),
    by: text('by'),
    at: at('at'),
    output: text('output'),
    exitCode: integer('exit_code'),
    owner: text('owner'),
    waitStartedAt: at('wait_started_at'),
    waitEndsAt: at('wait_ends_at'),
    waitStartedBy: text('wait_started_by'),
    waitNotifiedAt: at('wait_notified_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] })],
);

/** One signature on an approval slot: who, which role, when. */
export const approvalsTable = pgTable(
  'approvals',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    approvalId: text('approval_id').notNull(),
    role: text('role').notNull(),
    approverId: text('approver_id').notNull(),
    approvedAt: at('approved_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.approvalId, t.approverId] })],
);

/** The escalation of a run's rollback: its policy and who acknowledged. */
export const escalationsTable = pgTable('escalations', {
  runId: uuid('run_id')
    .primaryKey()
    .references(() => runsTable.id, { onDelete: 'cascade' }),
  status: text('status').notNull(),
  timeoutMinutes: integer('timeout_minutes').notNull(),
  rounds: integer('rounds').notNull(),
  acknowledgedBy: text('acknowledged_by'),
  acknowledgedAt: at('acknowledged_at'),
});

/** The contacts of an escalation, in paging order. */
export const escalationContactsTable = pgTable(
  'escalation_contacts',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    slackUserId: text('slack_user_id'),
    phone: text('phone'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.position] })],
);

/** Every page sent: which contact, which round, to whom, when. */
export const escalationPagesTable = pgTable(
  'escalation_pages',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    round: integer('round').notNull(),
    position: integer('position').notNull(),
    userId: text('user_id').notNull(),
    notifiedAt: at('notified_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.round, t.position] })],
);

/** The audit trail: one row per command that changed a run, append-only. */
export const runEventsTable = pgTable(
  'run_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    command: text('command').notNull(),
    actor: text('actor'),
    at: at('at').notNull(),
    idempotencyKey: text('idempotency_key'),
    events: jsonb('events')
      .$type<{ type: string; actor: string | null; data: Record<string, unknown> }[]>()
      .notNull(),
  },
  (t) => [
    uniqueIndex('run_events_idempotency_key').on(t.idempotencyKey),
    index('run_events_run').on(t.runId, t.id),
  ],
);

/** Effects to carry out after commit (Slack writes), in order, each exactly once. */
export const outboxTable = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    effect: jsonb('effect').$type<RunEffect>().notNull(),
    createdAt: at('created_at').notNull(),
    doneAt: at('done_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** The worker carrying it out, until when (a lease: a crashed worker's rows are taken over). */
    claimedBy: text('claimed_by'),
    claimedUntil: at('claimed_until'),
  },
  (t) => [index('outbox_pending').on(t.runId, t.id).where(sql`${t.doneAt} is null`)],
);

/** The Slack messages of a run: the parent and each phase message (split ones have parts). */
export const slackMessagesTable = pgTable(
  'slack_messages',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    phaseIndex: integer('phase_index').notNull().default(-1),
    part: integer('part').notNull().default(0),
    channelId: text('channel_id').notNull(),
    ts: text('ts').notNull(),
    renderedVersion: integer('rendered_version').notNull().default(0),
    /** Hash of the last content Slack accepted: unchanged renders are not sent again. */
    renderHash: text('render_hash'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.kind, t.phaseIndex, t.part] }),
    // A click from a message the run did not store asks whose message it is (click-origin.ts).
    index('slack_messages_channel_ts').on(t.channelId, t.ts),
  ],
);

/**
 * A post of a run message that was asked of Slack and whose answer is not stored yet: the slot and
 * the attempt id it carries in its message metadata. A click on that message, or a read of the
 * run's thread after a crash, places it by the metadata; the row goes once the ts is stored.
 */
export const slackPostsTable = pgTable(
  'slack_posts',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    phaseIndex: integer('phase_index').notNull().default(-1),
    part: integer('part').notNull().default(0),
    attempt: text('attempt').notNull(),
    channelId: text('channel_id').notNull(),
    /** The thread it was posted in (the parent's ts), null for a parent. */
    threadTs: text('thread_ts'),
    startedAt: at('started_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.kind, t.phaseIndex, t.part] })],
);

/** A run whose Slack work ended because its channel is gone or archived (one row, with why). */
export const runSlackStopsTable = pgTable('run_slack_stops', {
  runId: uuid('run_id')
    .primaryKey()
    .references(() => runsTable.id, { onDelete: 'cascade' }),
  reason: text('reason').notNull(),
  stoppedAt: at('stopped_at').notNull(),
});

/** Durable timers for waits and escalation timeouts. */
export const timersTable = pgTable(
  'timers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    dueAt: at('due_at').notNull(),
    payload: jsonb('payload').$type<TimerPayload>().notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    firedAt: at('fired_at'),
  },
  (t) => [
    uniqueIndex('timers_key').on(t.key),
    index('timers_due').on(t.dueAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** One active run per runbook and environment: the row is the lock. */
export const environmentLocksTable = pgTable(
  'environment_locks',
  {
    runbookName: text('runbook_name').notNull(),
    environment: text('environment').notNull(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    holderId: text('holder_id').notNull(),
    since: at('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runbookName, t.environment] })],
);

/**
 * Slack's chat.update budget of the workspace, shared by every replica: a token bucket whose
 * tokens and refill time (epoch seconds, by the budget's timer) are updated in one statement.
 */
export const slackBudgetTable = pgTable('slack_budget', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  refilledAt: doublePrecision('refilled_at').notNull(),
});

/** A run's report, asked for once: the first Report click (on any replica) claims the row. */
export const runReportsTable = pgTable('run_reports', {
  runId: uuid('run_id')
    .primaryKey()
    .references(() => runsTable.id, { onDelete: 'cascade' }),
  requestedBy: text('requested_by').notNull(),
  requestedAt: at('requested_at').notNull(),
});

/**
 * Starts queued behind an environment lock, in order (`id`). `proposed`: the locked start offered
 * to queue; `waiting`: queued; `offered`: the lock is free and the starter was offered Start now
 * until `offer_expires_at`; then `started`, `cancelled` or `expired`.
 */
export const runQueueTable = pgTable(
  'run_queue',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runbookName: text('runbook_name').notNull(),
    environment: text('environment').notNull(),
    channelId: text('channel_id').notNull(),
    starterId: text('starter_id').notNull(),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    rehearsal: boolean('rehearsal').notNull().default(false),
    status: text('status').notNull(),
    /** The run it waits behind (whose parent message lists it), and the run that released the lock. */
    behindRunId: uuid('behind_run_id').references(() => runsTable.id, { onDelete: 'set null' }),
    releasedByRunId: uuid('released_by_run_id').references(() => runsTable.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull(),
    queuedAt: at('queued_at'),
    offeredAt: at('offered_at'),
    offerExpiresAt: at('offer_expires_at'),
    /** The offer message, once posted (so a retried offer is not posted twice). */
    offerTs: text('offer_ts'),
    startedRunId: uuid('started_run_id'),
    endedAt: at('ended_at'),
  },
  (t) => [index('run_queue_lock').on(t.runbookName, t.environment, t.status, t.id)],
);

/** Where each escalation DM went (its channel and ts), so it can be edited once paging stops. */
export const escalationDmsTable = pgTable(
  'escalation_dms',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    round: integer('round').notNull(),
    position: integer('position').notNull(),
    channelId: text('channel_id').notNull(),
    ts: text('ts').notNull(),
    /** When the DM was edited to say paging stopped (its button removed). */
    closedAt: at('closed_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.round, t.position] })],
);

/**
 * Events for PagerDuty's Events API v2, one per run and action (trigger, acknowledge, resolve), sent
 * in order and retried with backoff until PagerDuty takes them. The routing key is never stored.
 */
export const pagerdutyEventsTable = pgTable(
  'pagerduty_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    dedupKey: text('dedup_key').notNull(),
    /** The environment variable holding the routing key, as the directory named it. */
    routingKeyEnv: text('routing_key_env').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    claimedUntil: at('claimed_until'),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull(),
    sentAt: at('sent_at'),
  },
  (t) => [
    uniqueIndex('pagerduty_events_run_action').on(t.runId, t.action),
    index('pagerduty_events_pending').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Rollback moments for an outside pager (hand_off effects), written with the command that caused
 * them and read by the PagerDuty pass: the hand-off never waits for Slack work, nor for Slack.
 */
export const handOffsTable = pgTable(
  'hand_offs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runsTable.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    createdAt: at('created_at').notNull(),
    doneAt: at('done_at'),
  },
  (t) => [index('hand_offs_pending').on(t.id).where(sql`${t.doneAt} is null`)],
);

/**
 * People who have opened the bot's App Home at least once. A run's status change publishes the Home
 * only to them: a Home nobody opened is published fresh when it is first opened.
 */
export const homeViewersTable = pgTable('home_viewers', {
  userId: text('user_id').primaryKey(),
  firstOpenedAt: at('first_opened_at').notNull(),
});
