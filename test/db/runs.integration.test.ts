import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import { environmentLocksTable, runEventsTable, runStepsTable, timersTable } from '../../src/db/schema.js';
import { parseRunbook } from '../../src/runbook/index.js';
import { createTestClock, type TestClock } from '../../src/shared/clock.js';
import { createRunDeps } from '../../src/usecases/deps.js';
import { executeCommand } from '../../src/usecases/execute-command.js';
import { fireDueTimers } from '../../src/usecases/fire-due-timers.js';
import { startRunUseCase } from '../../src/usecases/start-run.js';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/database.js';

const RUNBOOK = parseRunbook(
  [
    '# Payments rollout',
    '## Deploy',
    '- [ ] Deploy the canary',
    '- [ ] Watch the canary dashboard for 10 minutes',
    '## Verify',
    '- [ ] Check the error rate',
    '## Rollback',
    '1. Roll the deployment back',
    '## Contacts',
    '| Role | Name | Slack |',
    '|---|---|---|',
    '| Primary | Ingrid Solberg | @ingrid |',
    '| Secondary | Rafael Mendes | @rmendes |',
  ].join('\n'),
);
const [deploy, watch] = RUNBOOK.steps;
const contacts = [
  { label: 'Ingrid Solberg', slackUserId: 'UINGRID', phone: null },
  { label: 'Rafael Mendes', slackUserId: 'URAFAEL', phone: null },
];

function startInput(overrides: Partial<Parameters<typeof startRunUseCase>[1]> = {}) {
  return {
    runbookName: 'payments-rollout',
    runbook: RUNBOOK,
    contentHash: 'hash-1',
    gitCommit: null,
    channelId: 'C1',
    starterId: 'USTARTER',
    environment: 'production',
    rehearsal: false,
    params: {},
    ...overrides,
  };
}

describe.each(DRIVERS)('runs in the database (%s)', (driver) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let clock: TestClock;

  beforeEach(async () => {
    database = await createTestDatabase(driver);
    handle = await database.open();
    clock = createTestClock();
  });
  afterEach(async () => {
    await handle.close();
    await database.dispose();
  });

  it('50 concurrent completions of one step: one event, one winner, the others told who won', async () => {
    const deps = createRunDeps(handle.db, clock);
    const started = await startRunUseCase(deps, startInput());
    if (!started.ok || !deploy) throw new Error('start failed');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        executeCommand(deps, {
          runId: started.runId,
          command: { type: 'complete_step', userId: `U${i}`, stepId: deploy.id },
          idempotencyKey: `click-${i}`,
        }),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.ok ? winners[0].state.steps[deploy.id]?.by : null;
    for (const r of results.filter((x) => !x.ok)) {
      expect(r.ok ? '' : r.refusal.code).toBe('run.step_already_done');
      expect(r.ok ? '' : r.refusal.message).toBe(`already done by <@${winner}> at 14:00 UTC`);
    }
    const events = await handle.db
      .select()
      .from(runEventsTable)
      .where(eq(runEventsTable.command, 'complete_step'));
    expect(events).toHaveLength(1);
    expect(events[0]?.actor).toBe(winner);
    const [row] = await handle.db.select().from(runStepsTable).where(eq(runStepsTable.stepId, deploy.id));
    expect(row?.status).toBe('done');
    expect(row?.by).toBe(winner);
  });

  it('the same idempotency key twice: one event, the second gets the stored outcome', async () => {
    const deps = createRunDeps(handle.db, clock);
    const started = await startRunUseCase(deps, startInput());
    if (!started.ok || !deploy) throw new Error('start failed');
    const command = { type: 'complete_step' as const, userId: 'UALICE', stepId: deploy.id };
    const [first, second] = await Promise.all([
      executeCommand(deps, { runId: started.runId, command, idempotencyKey: 'slack-retry-1' }),
      executeCommand(deps, { runId: started.runId, command, idempotencyKey: 'slack-retry-1' }),
    ]);
    const outcomes = [first, second].map((r) => (r?.ok ? r.duplicate : 'refused'));
    expect(outcomes.sort()).toEqual([false, true]);
    const [events] = await handle.db
      .select({ n: count() })
      .from(runEventsTable)
      .where(eq(runEventsTable.idempotencyKey, 'slack-retry-1'));
    expect(events?.n).toBe(1);
  });

  it('a run this process knows: a repeated key stays once, and a change by another process is never lost', async () => {
    const here = createRunDeps(handle.db, clock);
    const elsewhere = createRunDeps(handle.db, clock); // another replica: a store of its own
    const runbook = parseRunbook(
      '# Plain\n## Work\n- [ ] one\n- [ ] two\n- [ ] three\n## Rollback\n1. back\n',
    );
    const started = await startRunUseCase(here, startInput({ runbook, runbookName: 'plain' }));
    const [one, two] = runbook.steps;
    if (!started.ok || !one || !two) throw new Error('start failed');
    const runId = started.runId;
    const complete = (deps: typeof here, stepId: string, key: string, userId = 'UALICE') =>
      executeCommand(deps, {
        runId,
        command: { type: 'complete_step', userId, stepId },
        idempotencyKey: key,
      });
    // This process commits a command: from now on it knows the run.
    expect((await complete(here, one.id, 'k-deploy')).ok).toBe(true);
    // The same key twice at once, on the run this process knows: one event.
    const [first, second] = await Promise.all([
      complete(here, two.id, 'k-watch'),
      complete(here, two.id, 'k-watch'),
    ]);
    expect([first, second].map((r) => (r.ok ? r.duplicate : r.refusal.code)).sort()).toEqual([false, true]);
    const [events] = await handle.db
      .select({ n: count() })
      .from(runEventsTable)
      .where(eq(runEventsTable.idempotencyKey, 'k-watch'));
    expect(events?.n).toBe(1);
    // Another process undoes a step; this process, which knew the run before that, then acts on
    // the run: it sees the undo, and its own write keeps it.
    const undone = await executeCommand(elsewhere, {
      runId,
      command: { type: 'undo_step', userId: 'UALICE', stepId: one.id },
      idempotencyKey: 'k-undo',
    });
    expect(undone.ok).toBe(true);
    const again = await complete(here, two.id, 'k-watch-again', 'UCAROL');
    expect(again.ok ? '' : again.refusal.code).toBe('run.step_already_done');
    const redo = await complete(here, one.id, 'k-redo', 'UCAROL');
    expect(redo.ok && redo.state.steps[one.id]?.by).toBe('UCAROL');
    const [row] = await handle.db.select().from(runStepsTable).where(eq(runStepsTable.stepId, one.id));
    expect(row?.by).toBe('UCAROL');
    const reloaded = await elsewhere.store.runs.loadRun(runId);
    expect(reloaded?.version).toBe(redo.ok ? redo.run.version : -1);
  });

  it('a second start of the same runbook and environment is refused with the holder and since when', async () => {
    const deps = createRunDeps(handle.db, clock);
    const first = await startRunUseCase(deps, startInput());
    clock.advanceMinutes(3);
    const second = await startRunUseCase(deps, startInput({ starterId: 'UOTHER' }));
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({
      ok: false,
      code: 'run.environment_locked',
      holder: { runId: first.ok ? first.runId : '', holderId: 'USTARTER', since: '2026-01-05T14:00:00.000Z' },
    });
    const staging = await startRunUseCase(deps, startInput({ environment: 'staging' }));
    expect(staging.ok).toBe(true);
    const locks = await handle.db.select().from(environmentLocksTable);
    expect(locks.map((l) => l.environment).sort()).toEqual(['production', 'staging']);
  });

  it('an aborted run releases its lock, and a changed runbook is reported at the next start', async () => {
    const deps = createRunDeps(handle.db, clock);
    const first = await startRunUseCase(deps, startInput());
    if (!first.ok) throw new Error('start failed');
    const aborted = await executeCommand(deps, {
      runId: first.runId,
      command: { type: 'abort', userId: 'USTARTER', reason: 'wrong version', isAdmin: false },
      idempotencyKey: null,
    });
    expect(aborted.ok && aborted.state.status).toBe('aborted');
    const again = await startRunUseCase(deps, startInput({ contentHash: 'hash-2' }));
    expect(again.ok && again.changedSinceLastRun).toBe(true);
  });

  it('two workers on one database fire every due timer exactly once', async () => {
    const deps = createRunDeps(handle.db, clock);
    const runIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const started = await startRunUseCase(deps, startInput({ environment: `env-${i}` }));
      if (!started.ok || !deploy || !watch) throw new Error('start failed');
      runIds.push(started.runId);
      await executeCommand(deps, {
        runId: started.runId,
        command: { type: 'complete_step', userId: 'UA', stepId: deploy.id },
        idempotencyKey: null,
      });
      if (i % 2 === 0) {
        await executeCommand(deps, {
          runId: started.runId,
          command: { type: 'start_wait', userId: 'UA', stepId: watch.id },
          idempotencyKey: null,
        });
      } else {
        await executeCommand(deps, {
          runId: started.runId,
          command: {
            type: 'start_rollback',
            userId: 'UA',
            reason: 'test',
            contacts,
            policy: { timeoutMinutes: 5, rounds: 1 },
          },
          idempotencyKey: null,
        });
      }
    }
    clock.advanceMinutes(11);
    const second = driver === 'postgres' ? await database.open() : handle;
    try {
      const workerA = createRunDeps(handle.db, clock);
      const workerB = createRunDeps(second.db, clock);
      const fired = (
        await Promise.all([fireDueTimers(workerA), fireDueTimers(workerB), fireDueTimers(workerA)])
      ).flat();
      // Three 10-minute waits and three 5-minute page timeouts are due now.
      const keys = fired.map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.filter((k) => k.startsWith('wait:'))).toHaveLength(3);
      expect(keys.filter((k) => k.startsWith('escalation:'))).toHaveLength(3);
      const rest = await Promise.all([fireDueTimers(workerA), fireDueTimers(workerB)]);
      expect(rest.flat()).toEqual([]);
      const timers = await handle.db.select().from(timersTable);
      expect(timers.filter((t) => t.status === 'fired')).toHaveLength(6);
      // The second contact of each rollback is paged now, with a timer of its own.
      expect(timers.filter((t) => t.status === 'pending')).toHaveLength(3);
      const timerEvents = await handle.db
        .select()
        .from(runEventsTable)
        .where(eq(runEventsTable.command, 'timer_fired'));
      expect(timerEvents).toHaveLength(6);
    } finally {
      if (second !== handle) await second.close();
    }
  });
});

describe.each(DRIVERS)('a run survives a restart (%s)', (driver) => {
  it('closing and reopening the database keeps the run and its due timers', async () => {
    const dir = driver === 'pglite' ? await mkdtemp(join(tmpdir(), 'deploybot-pglite-')) : undefined;
    const database = await createTestDatabase(driver, dir ? { onDisk: dir } : {});
    const clock = createTestClock();
    try {
      const first = await database.open();
      const deps = createRunDeps(first.db, clock);
      const started = await startRunUseCase(deps, startInput());
      if (!started.ok || !deploy || !watch) throw new Error('start failed');
      await executeCommand(deps, {
        runId: started.runId,
        command: { type: 'complete_step', userId: 'UA', stepId: deploy.id },
        idempotencyKey: 'k1',
      });
      await executeCommand(deps, {
        runId: started.runId,
        command: { type: 'start_wait', userId: 'UA', stepId: watch.id },
        idempotencyKey: 'k2',
      });
      await first.close();

      clock.advanceMinutes(10);
      const second = await database.open();
      try {
        const after = createRunDeps(second.db, clock);
        const loaded = await after.store.runs.loadRun(started.runId);
        expect(loaded?.state.steps[deploy.id]).toMatchObject({ status: 'done', by: 'UA' });
        expect(loaded?.state.status).toBe('waiting');
        const fired = await fireDueTimers(after);
        expect(fired).toHaveLength(1);
        expect(fired[0]?.effects).toContainEqual({
          type: 'notify',
          notice: { kind: 'wait_elapsed', stepId: watch.id, startedBy: 'UA' },
        });
        const retry = await executeCommand(after, {
          runId: started.runId,
          command: { type: 'complete_step', userId: 'UA', stepId: deploy.id },
          idempotencyKey: 'k1',
        });
        expect(retry.ok && retry.duplicate).toBe(true);
        const done = await executeCommand(after, {
          runId: started.runId,
          command: { type: 'complete_step', userId: 'UB', stepId: watch.id },
          idempotencyKey: 'k3',
        });
        expect(done.ok && done.state.steps[watch.id]?.status).toBe('done');
      } finally {
        await second.close();
      }
    } finally {
      await database.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
});
