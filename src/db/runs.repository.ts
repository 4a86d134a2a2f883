// Runs in the database: load a run under a row lock, and write back what a command changed.
import { and, eq, sql } from 'drizzle-orm';
import type { Runbook } from '../runbook/index.js';
import type { EscalationState, RunState, StepState } from '../runs/index.js';
import type { Database, Transaction } from './client.js';
import {
  approvalsTable,
  escalationContactsTable,
  escalationPagesTable,
  escalationsTable,
  runbookSnapshotsTable,
  runStepsTable,
  runsTable,
} from './schema.js';

type Db = Database | Transaction;

/** Where a run lives in Slack and which runbook it follows; fixed at start. */
export interface RunMeta {
  id: string;
  snapshotId: string;
  runbookName: string;
  channelId: string;
}

/** A run as loaded: its fixed facts, its state and its pinned runbook. */
export interface LoadedRun {
  meta: RunMeta;
  state: RunState;
  runbook: Runbook;
  version: number;
}

/** Creates the runs repository. */
export function createRunsRepository() {
  return { insertRun, loadRun, saveRun, findSnapshot, saveSnapshot };
}

/** The repository's type, for use cases that take it as a dependency. */
export type RunsRepository = ReturnType<typeof createRunsRepository>;

/** Stores a parsed runbook once per content hash; returns its id. */
async function saveSnapshot(
  db: Db,
  input: { name: string; contentHash: string; gitCommit: string | null; model: Runbook },
) {
  const inserted = await db
    .insert(runbookSnapshotsTable)
    .values(input)
    .onConflictDoNothing()
    .returning({ id: runbookSnapshotsTable.id });
  if (inserted[0]) return inserted[0].id;
  const [found] = await db
    .select({ id: runbookSnapshotsTable.id })
    .from(runbookSnapshotsTable)
    .where(
      and(
        eq(runbookSnapshotsTable.name, input.name),
        eq(runbookSnapshotsTable.contentHash, input.contentHash),
      ),
    );
  if (!found) throw new Error(`snapshot of ${input.name} vanished`);
  return found.id;
}

async function findSnapshot(db: Db, id: string): Promise<Runbook | null> {
  const [row] = await db
    .select({ model: runbookSnapshotsTable.model })
    .from(runbookSnapshotsTable)
    .where(eq(runbookSnapshotsTable.id, id));
  return row?.model ?? null;
}

/** Inserts a new run with its steps. */
async function insertRun(db: Db, meta: RunMeta, state: RunState): Promise<void> {
  await db.insert(runsTable).values({ ...meta, ...runColumns(state), version: 1 });
  const steps = Object.entries(state.steps).map(([stepId, st]) => ({
    runId: meta.id,
    stepId,
    ...stepColumns(st),
  }));
  if (steps.length) await db.insert(runStepsTable).values(steps);
}

/** Loads a run; with `lock`, takes its row lock first (`skipLocked` gives up at once when busy). */
async function loadRun(
  db: Db,
  runId: string,
  lock: 'update' | 'skip_locked' | 'none' = 'none',
): Promise<LoadedRun | null> {
  if (lock !== 'none') {
    const locked = await db.execute(
      lock === 'update'
        ? sql`select id from runs where id = ${runId} for update`
        : sql`select id from runs where id = ${runId} for update skip locked`,
    );
    if (rowsOf(locked).length === 0) return null;
  }
  const [row] = await db.select().from(runsTable).where(eq(runsTable.id, runId));
  if (!row) return null;
  const [steps, approvals, escalation, snapshot] = await Promise.all([
    db.select().from(runStepsTable).where(eq(runStepsTable.runId, runId)),
    db
      .select()
      .from(approvalsTable)
      .where(eq(approvalsTable.runId, runId))
      .orderBy(approvalsTable.approvedAt),
    loadEscalation(db, runId),
    findSnapshot(db, row.snapshotId),
  ]);
  if (!snapshot) throw new Error(`run ${runId} has no runbook snapshot`);
  const state: RunState = {
    id: row.id,
    status: row.status as RunState['status'],
    starterId: row.starterId,
    environment: row.environment,
    rehearsal: row.rehearsal,
    params: row.params,
    required: row.required,
    startedAt: iso(row.startedAt),
    finishedAt: isoOrNull(row.finishedAt),
    currentPhaseIndex: row.currentPhaseIndex,
    steps: Object.fromEntries(steps.map((s) => [s.stepId, toStepState(s)])),
    approvals: {},
    rollback: row.rollbackBy
      ? { by: row.rollbackBy, at: iso(row.rollbackAt), reason: row.rollbackReason }
      : null,
    abort: row.abortBy ? { by: row.abortBy, at: iso(row.abortAt), reason: row.abortReason } : null,
    escalation,
  };
  for (const a of approvals) {
    const signatures = state.approvals[a.approvalId] ?? [];
    signatures.push({ userId: a.approverId, at: iso(a.approvedAt) });
    state.approvals[a.approvalId] = signatures;
  }
  const meta = {
    id: row.id,
    snapshotId: row.snapshotId,
    runbookName: row.runbookName,
    channelId: row.channelId,
  };
  return { meta, state, runbook: snapshot, version: row.version };
}

async function loadEscalation(db: Db, runId: string): Promise<EscalationState | null> {
  const [head] = await db.select().from(escalationsTable).where(eq(escalationsTable.runId, runId));
  if (!head) return null;
  const [contacts, pages] = await Promise.all([
    db
      .select()
      .from(escalationContactsTable)
      .where(eq(escalationContactsTable.runId, runId))
      .orderBy(escalationContactsTable.position),
    db
      .select()
      .from(escalationPagesTable)
      .where(eq(escalationPagesTable.runId, runId))
      .orderBy(escalationPagesTable.notifiedAt, escalationPagesTable.round, escalationPagesTable.position),
  ]);
  return {
    status: head.status as EscalationState['status'],
    policy: { timeoutMinutes: head.timeoutMinutes, rounds: head.rounds },
    contacts: contacts.map((c) => ({ label: c.label, slackUserId: c.slackUserId, phone: c.phone })),
    pages: pages.map((p) => ({
      round: p.round,
      contactIndex: p.position,
      userId: p.userId,
      at: iso(p.notifiedAt),
    })),
    acknowledgedBy: head.acknowledgedBy,
    acknowledgedAt: isoOrNull(head.acknowledgedAt),
  };
}

/** Writes what changed between two states of a run; bumps its version. */
async function saveRun(
  db: Db,
  runbook: Runbook,
  before: RunState,
  after: RunState,
  version: number,
): Promise<void> {
  await db
    .update(runsTable)
    .set({ ...runColumns(after), version: version + 1 })
    .where(eq(runsTable.id, after.id));
  for (const [stepId, st] of Object.entries(after.steps)) {
    const old = before.steps[stepId];
    if (old && sameJson(old, st)) continue;
    await db
      .insert(runStepsTable)
      .values({ runId: after.id, stepId, ...stepColumns(st) })
      .onConflictDoUpdate({ target: [runStepsTable.runId, runStepsTable.stepId], set: stepColumns(st) });
  }
  const newSignatures = Object.entries(after.approvals).flatMap(([approvalId, sigs]) =>
    sigs.slice(before.approvals[approvalId]?.length ?? 0).map((s) => ({ approvalId, ...s })),
  );
  for (const s of newSignatures) {
    const role = runbook.approvals.find((a) => a.id === s.approvalId)?.role ?? '';
    await db
      .insert(approvalsTable)
      .values({ runId: after.id, approvalId: s.approvalId, role, approverId: s.userId, approvedAt: s.at });
  }
  if (after.escalation && !sameJson(before.escalation, after.escalation))
    await saveEscalation(db, after.id, before.escalation, after.escalation);
}

async function saveEscalation(
  db: Db,
  runId: string,
  before: EscalationState | null,
  after: EscalationState,
): Promise<void> {
  const head = {
    status: after.status,
    timeoutMinutes: after.policy.timeoutMinutes,
    rounds: after.policy.rounds,
    acknowledgedBy: after.acknowledgedBy,
    acknowledgedAt: after.acknowledgedAt,
  };
  await db
    .insert(escalationsTable)
    .values({ runId, ...head })
    .onConflictDoUpdate({ target: escalationsTable.runId, set: head });
  if (!before && after.contacts.length) {
    await db
      .insert(escalationContactsTable)
      .values(after.contacts.map((c, position) => ({ runId, position, ...c })));
  }
  const newPages = after.pages.slice(before?.pages.length ?? 0);
  if (newPages.length) {
    await db.insert(escalationPagesTable).values(
      newPages.map((p) => ({
        runId,
        round: p.round,
        position: p.contactIndex,
        userId: p.userId,
        notifiedAt: p.at,
      })),
    );
  }
}

function runColumns(state: RunState) {
  return {
    status: state.status,
    environment: state.environment,
    starterId: state.starterId,
    rehearsal: state.rehearsal,
    params: state.params,
    required: state.required,
    currentPhaseIndex: state.currentPhaseIndex,
    rollbackBy: state.rollback?.by ?? null,
    rollbackAt: state.rollback?.at ?? null,
    rollbackReason: state.rollback?.reason ?? null,
    abortBy: state.abort?.by ?? null,
    abortAt: state.abort?.at ?? null,
    abortReason: state.abort?.reason ?? null,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
  };
}

function stepColumns(st: StepState) {
  return {
    status: st.status,
    by: st.by,
    at: st.at,
    output: st.output,
    exitCode: st.exitCode,
    waitStartedAt: st.waitStartedAt,
    waitEndsAt: st.waitEndsAt,
    waitStartedBy: st.waitStartedBy,
    waitNotifiedAt: st.waitNotifiedAt,
  };
}

function toStepState(row: typeof runStepsTable.$inferSelect): StepState {
  return {
    status: row.status as StepState['status'],
    by: row.by,
    at: isoOrNull(row.at),
    output: row.output,
    exitCode: row.exitCode,
    waitStartedAt: isoOrNull(row.waitStartedAt),
    waitEndsAt: isoOrNull(row.waitEndsAt),
    waitStartedBy: row.waitStartedBy,
    waitNotifiedAt: isoOrNull(row.waitNotifiedAt),
  };
}

/** Timestamps come back from Postgres in its own text form; the state keeps ISO strings. */
function iso(value: string | null): string {
  return value ? new Date(value).toISOString() : '';
}

function isoOrNull(value: string | null): string | null {
  return value ? new Date(value).toISOString() : null;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Rows of a raw `execute` result, whichever driver produced it. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}
