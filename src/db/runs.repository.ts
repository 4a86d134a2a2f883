// Runs in the database: load a run under a row lock, and write back what a command changed.
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Runbook } from '../runbook/index.js';
import type { EscalationState, RunOwner, RunState, StepState } from '../runs/index.js';
import type { LoadedRun, RunMeta, SnapshotInfo } from '../runs/loaded-run.js';
import { bindDb, type Db } from './client.js';
import {
  approvalsTable,
  escalationContactsTable,
  escalationPagesTable,
  escalationsTable,
  runbookSnapshotsTable,
  runStepsTable,
  runsTable,
} from './schema.js';
import type { Write } from './writes.js';

interface CachedSnapshot extends SnapshotInfo {
  model: Runbook;
}

/** Creates the runs repository. */
export function createRunsRepository({ db }: { db: Db }) {
  return bindDb(db, {
    insertRun,
    deleteRun,
    loadRun,
    saveRunWrites,
    findSnapshot,
    saveSnapshot,
    lastContentHash,
  });
}

// Snapshots never change once stored (they are keyed by content), so a parsed copy can be kept.
const snapshotCache = new Map<string, CachedSnapshot>();
const SNAPSHOT_CACHE_SIZE = 256;

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
  return (await findSnapshotWithInfo(db, id))?.model ?? null;
}

async function findSnapshotWithInfo(db: Db, id: string): Promise<CachedSnapshot | null> {
  const cached = snapshotCache.get(id);
  if (cached) return cached;
  const [row] = await db
    .select({
      model: runbookSnapshotsTable.model,
      contentHash: runbookSnapshotsTable.contentHash,
      gitCommit: runbookSnapshotsTable.gitCommit,
    })
    .from(runbookSnapshotsTable)
    .where(eq(runbookSnapshotsTable.id, id));
  if (!row) return null;
  if (snapshotCache.size >= SNAPSHOT_CACHE_SIZE)
    snapshotCache.delete(snapshotCache.keys().next().value ?? '');
  snapshotCache.set(id, row);
  return row;
}

/** Inserts a new run with its steps. */
/** Deletes a run that was just inserted in this transaction (a refused start leaves nothing). */
async function deleteRun(db: Db, runId: string): Promise<void> {
  await db.delete(runsTable).where(eq(runsTable.id, runId));
}

/** The content hash of the runbook file that the last run of `runbookName` pinned, if any. */
async function lastContentHash(db: Db, runbookName: string): Promise<string | null> {
  const [previous] = await db
    .select({ hash: runbookSnapshotsTable.contentHash })
    .from(runsTable)
    .innerJoin(runbookSnapshotsTable, eq(runsTable.snapshotId, runbookSnapshotsTable.id))
    .where(eq(runsTable.runbookName, runbookName))
    .orderBy(desc(runsTable.startedAt))
    .limit(1);
  return previous?.hash ?? null;
}

async function insertRun(db: Db, meta: RunMeta, state: RunState): Promise<void> {
  await db.insert(runsTable).values({ ...meta, ...runColumns(state), version: 1 });
  // Every step of the runbook gets its row, sent as one parameter: drizzle's insert builder maps
  // each of a long runbook's hundreds of values through its column encoders (most of a start's CPU).
  const rows = Object.entries(state.steps).map(([stepId, st]) => {
    const c = stepColumns(st);
    return {
      step_id: stepId,
      status: c.status,
      by: c.by,
      at: c.at,
      output: c.output,
      exit_code: c.exitCode,
      wait_started_at: c.waitStartedAt,
      wait_ends_at: c.waitEndsAt,
      wait_started_by: c.waitStartedBy,
      wait_notified_at: c.waitNotifiedAt,
    };
  });
  if (rows.length === 0) return;
  await db.execute(sql`
    insert into run_steps (run_id, step_id, status, "by", "at", output, exit_code, wait_started_at, wait_ends_at, wait_started_by, wait_notified_at)
    select ${meta.id}, s.step_id, s.status, s."by", s."at", s.output, s.exit_code, s.wait_started_at, s.wait_ends_at, s.wait_started_by, s.wait_notified_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as s(step_id text, status text, "by" text, "at" timestamptz, output text, exit_code integer, wait_started_at timestamptz, wait_ends_at timestamptz, wait_started_by text, wait_notified_at timestamptz)`);
}

/**
 * Loads a run; with `lock`, under its row lock (`skip_locked` gives up at once when it is busy).
 * `known` is the run as this process last saw it committed: with a lock, when the stored version is
 * still its version, it is what comes back (with this load's `seenKey`), in one statement.
 */
async function loadRun(
  db: Db,
  runId: string,
  lock: 'update' | 'skip_locked' | 'none' = 'none',
  idempotencyKey: string | null = null,
  known: LoadedRun | null = null,
): Promise<LoadedRun | null> {
  if (known && known.state.id === runId && lock !== 'none') {
    const [row] = rowsOf(
      await db.execute(sql`select version,
        exists (select 1 from run_events e where e.idempotency_key = ${idempotencyKey}) as seen_key
        from runs where id = ${runId} for update ${lock === 'skip_locked' ? sql`skip locked` : sql``}`),
    );
    if (!row) return null;
    // The key check ran in the snapshot this statement took before the lock was granted. Every
    // command that stores an event also moves the run's version, so a version that has not moved
    // since this process saw the run means nothing was committed to it since: the check is current.
    if (Number(row.version) === known.version)
      return { ...known, seenKey: row.seen_key === true || row.seen_key === 't' };
    // Changed meanwhile (another process, or a write this process did not keep): the lock is held,
    // and a load in a statement of its own sees what the previous holder committed.
    return loadRun(db, runId, 'none', idempotencyKey);
  }
  // The lock and the load are sent together (one round trip on one connection), but as two
  // statements: the load must start after the lock is granted, so that in READ COMMITTED it sees
  // what the previous holder committed. (Sub-selects of a single `for update` statement would not.)
  const locking =
    lock === 'none'
      ? null
      : db.execute(
          lock === 'update'
            ? sql`select id from runs where id = ${runId} for update`
            : sql`select id from runs where id = ${runId} for update skip locked`,
        );
  const loading = db.execute(sql`
    select r.*,
      (select coalesce(json_agg(s), '[]') from run_steps s where s.run_id = r.id) as steps_json,
      (select coalesce(json_agg(a order by a.approved_at), '[]') from approvals a where a.run_id = r.id) as approvals_json,
      (select row_to_json(e) from escalations e where e.run_id = r.id) as escalation_json,
      (select coalesce(json_agg(c order by c.position), '[]') from escalation_contacts c where c.run_id = r.id) as contacts_json,
      (select coalesce(json_agg(p order by p.notified_at, p.round, p.position), '[]') from escalation_pages p where p.run_id = r.id) as pages_json,
      exists (select 1 from run_events e where e.idempotency_key = ${idempotencyKey}) as seen_key
    from runs r where r.id = ${runId}`);
  const [locked, result] = await Promise.all([locking, loading]);
  if (locked && rowsOf(locked).length === 0) return null;
  const row = rowsOf(result)[0] as RunRow | undefined;
  if (!row) return null;
  const seenKey = row.seen_key === true || row.seen_key === 't';
  const snapshot = await findSnapshotWithInfo(db, row.snapshot_id);
  if (!snapshot) throw new Error(`run ${runId} has no runbook snapshot`);
  const state: RunState = {
    id: row.id,
    status: row.status as RunState['status'],
    starterId: row.starter_id,
    environment: row.environment,
    rehearsal: row.rehearsal,
    params: json(row.params),
    required: json(row.required),
    startedAt: iso(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    currentPhaseIndex: row.current_phase_index,
    steps: Object.fromEntries(json<StepRow[]>(row.steps_json).map((s) => [s.step_id, toStepState(s)])),
    approvals: {},
    rollback: row.rollback_by
      ? { by: row.rollback_by, at: iso(row.rollback_at), reason: row.rollback_reason }
      : null,
    abort: row.abort_by ? { by: row.abort_by, at: iso(row.abort_at), reason: row.abort_reason } : null,
    escalation: toEscalation(row),
    owners: json<Record<string, RunOwner> | null>(row.owners) ?? {},
  };
  for (const a of json<{ approval_id: string; approver_id: string; approved_at: string }[]>(
    row.approvals_json,
  )) {
    const signatures = state.approvals[a.approval_id] ?? [];
    signatures.push({ userId: a.approver_id, at: iso(a.approved_at) });
    state.approvals[a.approval_id] = signatures;
  }
  const meta = {
    id: row.id,
    snapshotId: row.snapshot_id,
    runbookName: row.runbook_name,
    channelId: row.channel_id,
  };
  return {
    meta,
    state,
    runbook: snapshot.model,
    snapshot: { contentHash: snapshot.contentHash, gitCommit: snapshot.gitCommit },
    version: row.version,
    seenKey,
  };
}

/** A runs row as raw SQL returns it, with its children aggregated as JSON. */
interface RunRow {
  id: string;
  snapshot_id: string;
  runbook_name: string;
  channel_id: string;
  environment: string;
  starter_id: string;
  status: string;
  rehearsal: boolean;
  params: unknown;
  required: unknown;
  current_phase_index: number | null;
  rollback_by: string | null;
  rollback_at: string | Date | null;
  rollback_reason: string | null;
  abort_by: string | null;
  abort_at: string | Date | null;
  abort_reason: string | null;
  started_at: string | Date;
  finished_at: string | Date | null;
  version: number;
  steps_json: unknown;
  approvals_json: unknown;
  escalation_json: unknown;
  contacts_json: unknown;
  pages_json: unknown;
  seen_key: boolean | string;
  owners: unknown;
}

interface StepRow {
  step_id: string;
  status: string;
  by: string | null;
  at: string | null;
  output: string | null;
  exit_code: number | null;
  wait_started_at: string | null;
  wait_ends_at: string | null;
  wait_started_by: string | null;
  wait_notified_at: string | null;
}

function toEscalation(row: RunRow): EscalationState | null {
  const head = json<{
    status: string;
    timeout_minutes: number;
    rounds: number;
    acknowledged_by: string | null;
    acknowledged_at: string | null;
  } | null>(row.escalation_json);
  if (!head) return null;
  const contacts = json<{ label: string; slack_user_id: string | null; phone: string | null }[]>(
    row.contacts_json,
  );
  const pages = json<{ round: number; position: number; user_id: string; notified_at: string }[]>(
    row.pages_json,
  );
  return {
    status: head.status as EscalationState['status'],
    policy: { timeoutMinutes: head.timeout_minutes, rounds: head.rounds },
    contacts: contacts.map((c) => ({ label: c.label, slackUserId: c.slack_user_id, phone: c.phone })),
    pages: pages.map((p) => ({
      round: p.round,
      contactIndex: p.position,
      userId: p.user_id,
      at: iso(p.notified_at),
    })),
    acknowledgedBy: head.acknowledged_by,
    acknowledgedAt: isoOrNull(head.acknowledged_at),
  };
}

/** JSON columns arrive parsed from postgres.js and as text from PGlite. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** The writes that store what changed between two states of a run, its version bumped. */
function saveRunWrites(
  db: Db,
  runbook: Runbook,
  before: RunState,
  after: RunState,
  version: number,
): Write[] {
  const changed = changedColumns(runColumns(before), runColumns(after));
  const writes: Write[] = [runUpdate(after.id, changed, version + 1)];
  const steps = Object.entries(after.steps).filter(([stepId, st]) => {
    const old = before.steps[stepId];
    return !old || !sameStep(old, st);
  });
  if (steps.length) writes.push(stepsUpsert(after.id, steps));
  const newSignatures = Object.entries(after.approvals).flatMap(([approvalId, sigs]) =>
    sigs.slice(before.approvals[approvalId]?.length ?? 0).map((s) => ({ approvalId, ...s })),
  );
  if (newSignatures.length) {
    writes.push(
      db.insert(approvalsTable).values(
        newSignatures.map((s) => ({
          runId: after.id,
          approvalId: s.approvalId,
          role: runbook.approvals.find((a) => a.id === s.approvalId)?.role ?? '',
          approverId: s.userId,
          approvedAt: s.at,
        })),
      ),
    );
  }
  if (after.escalation && !sameJson(before.escalation, after.escalation)) {
    writes.push(...escalationWrites(db, after.id, before.escalation, after.escalation));
  }
  return writes;
}

function sameStep(a: StepState, b: StepState): boolean {
  return (Object.keys(b) as (keyof StepState)[]).every((k) => a[k] === b[k]);
}

function changedColumns<T extends Record<string, unknown>>(before: T, after: T): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (!sameJson(before[key], after[key])) changed[key] = after[key];
  }
  return changed;
}

// Every command writes the run's row and its changed steps: these two statements are written out
// here rather than built by drizzle's query builders, which walk the table's columns and wrap every
// value for sqlToQuery to inspect (more CPU than the rest of a command, and at concurrency the Node
// process is what limits commands per second). Column names come from the schema.
type RunColumns = ReturnType<typeof runColumns>;
const JSON_RUN_COLUMNS = new Set<string>(['params', 'required', 'owners']);
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
const runColumnSql = new Map(
  Object.keys(runColumns(emptyState())).map((key) => [
    key,
    sql.raw(`${quoted(runsTable[key as keyof RunColumns].name)} = `),
  ]),
);

/** `update runs set <changed columns>, version = … where id = …`. */
function runUpdate(runId: string, changed: Partial<RunColumns>, version: number): SQL {
  const sets: SQL[] = [];
  for (const [key, value] of Object.entries(changed)) {
    const column = runColumnSql.get(key);
    if (!column) throw new Error(`no runs column for ${key}`);
    sets.push(sql`${column}${JSON_RUN_COLUMNS.has(key) ? JSON.stringify(value) : value}`);
  }
  sets.push(sql`version = ${version}`);
  return sql`update runs set ${sql.join(sets, sql`, `)} where id = ${runId}`;
}

const stepKeys = Object.keys(stepColumns({} as StepState)) as (keyof ReturnType<typeof stepColumns>)[];
const stepNames = stepKeys.map((key) => quoted(runStepsTable[key].name));
const stepsInsert = sql.raw(`insert into run_steps (run_id, step_id, ${stepNames.join(', ')}) values `);
// On conflict, a step row takes the proposed values (`excluded.*`).
const stepsConflict = sql.raw(
  ` on conflict (run_id, step_id) do update set ${stepNames.map((n) => `${n} = excluded.${n}`).join(', ')}`,
);

/** Inserts the steps, or updates the rows they already have. */
function stepsUpsert(runId: string, steps: [string, StepState][]): SQL {
  const rows = steps.map(([stepId, st]) => {
    const values = stepColumns(st);
    return sql`(${runId}, ${stepId}, ${sql.join(
      stepKeys.map((key) => sql.param(values[key])),
      sql`, `,
    )})`;
  });
  return sql`${stepsInsert}${sql.join(rows, sql`, `)}${stepsConflict}`;
}

/** A state with every run column, for the column names above. */
function emptyState(): RunState {
  return {
    id: '',
    status: 'running',
    starterId: '',
    environment: '',
    rehearsal: false,
    params: {},
    required: {},
    startedAt: '',
    finishedAt: null,
    currentPhaseIndex: null,
    steps: {},
    approvals: {},
    rollback: null,
    abort: null,
    escalation: null,
    owners: {},
  };
}

function escalationWrites(
  db: Db,
  runId: string,
  before: EscalationState | null,
  after: EscalationState,
): Write[] {
  const head = {
    status: after.status,
    timeoutMinutes: after.policy.timeoutMinutes,
    rounds: after.policy.rounds,
    acknowledgedBy: after.acknowledgedBy,
    acknowledgedAt: after.acknowledgedAt,
  };
  const writes: Write[] = [
    db
      .insert(escalationsTable)
      .values({ runId, ...head })
      .onConflictDoUpdate({ target: escalationsTable.runId, set: head }),
  ];
  if (!before && after.contacts.length) {
    writes.push(
      db
        .insert(escalationContactsTable)
        .values(after.contacts.map((c, position) => ({ runId, position, ...c }))),
    );
  }
  const newPages = after.pages.slice(before?.pages.length ?? 0);
  if (newPages.length) {
    writes.push(
      db.insert(escalationPagesTable).values(
        newPages.map((p) => ({
          runId,
          round: p.round,
          position: p.contactIndex,
          userId: p.userId,
          notifiedAt: p.at,
        })),
      ),
    );
  }
  return writes;
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
    owners: state.owners ?? {},
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

function toStepState(row: StepRow): StepState {
  return {
    status: row.status as StepState['status'],
    by: row.by,
    at: isoOrNull(row.at),
    output: row.output,
    exitCode: row.exit_code,
    waitStartedAt: isoOrNull(row.wait_started_at),
    waitEndsAt: isoOrNull(row.wait_ends_at),
    waitStartedBy: row.wait_started_by,
    waitNotifiedAt: isoOrNull(row.wait_notified_at),
  };
}

/** Timestamps come back from Postgres in its own text form; the state keeps ISO strings. */
function iso(value: string | Date | null): string {
  return value ? new Date(value).toISOString() : '';
}

function isoOrNull(value: string | Date | null): string | null {
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
