// Commands per second on real Postgres, closed loop, with 1, 4 and 16 concurrent runs, next to a
// bare one-row UPDATE transaction measured in the same run on the same connection pool.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/commands.bench.js
//
// It creates a scratch database, runs, drops it. Goal: a command costs ≤ ~3 bare transactions.
import { sql } from 'drizzle-orm';
import { type DatabaseHandle, openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { parseRunbook } from '../src/runbook/index.js';
import { systemClock } from '../src/shared/clock.js';
import { createRunDeps } from '../src/usecases/deps.js';
import { executeCommand } from '../src/usecases/execute-command.js';
import { startRunUseCase } from '../src/usecases/start-run.js';
import { scratchDatabase } from './support/bot-process.js';

const URL_ =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
// BENCH_RUNS=16 measures one row (e.g. to profile it with --cpu-prof); BENCH_ONLY=commands (or
// bare) measures only that side.
const CONCURRENCY = (process.env.BENCH_RUNS ?? '1,4,16').split(',').map(Number);
const ONLY_COMMANDS = process.env.BENCH_ONLY === 'commands';
const ONLY_BARE = process.env.BENCH_ONLY === 'bare';
const NOT_MEASURED = { perSecond: Number.NaN, p50: Number.NaN, p99: Number.NaN, cpuUs: Number.NaN };
// About the size of a real runbook (the dev set has 15 to 107 steps).
const STEPS = 60;

const runbook = parseRunbook(
  [
    '# Bench',
    '## Work',
    ...Array.from({ length: STEPS }, (_, i) => `- [ ] step ${i + 1}`),
    '## Rollback',
    '1. undo',
  ].join('\n'),
);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function closedLoop(workers: number, op: (worker: number) => Promise<void>) {
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < end) {
        const t = performance.now();
        await op(w);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const used = process.cpuUsage(cpu);
  return {
    /** This process's CPU per operation (user + system), in µs. */
    cpuUs: (used.user + used.system) / latencies.length,
    perSecond: latencies.length / SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function bareUpdates(handle: DatabaseHandle, workers: number) {
  await handle.db.execute(sql`create table if not exists bench_counter (id int primary key, n int not null)`);
  await handle.db.execute(
    sql`insert into bench_counter select g, 0 from generate_series(0, 63) g on conflict do nothing`,
  );
  return closedLoop(workers, async (w) => {
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`update bench_counter set n = n + 1 where id = ${w}`);
    });
  });
}

async function commands(handle: DatabaseHandle, workers: number) {
  const deps = createRunDeps(handle.db, systemClock);
  const cursors: { runId: string; next: number }[] = [];
  let env = 0;
  const fresh = async () => {
    const started = await startRunUseCase(deps, {
      runbookName: 'bench',
      runbook,
      contentHash: 'bench',
      gitCommit: null,
      channelId: 'CBENCH',
      starterId: 'UBENCH',
      environment: `env-${workers}-${env++}`,
      rehearsal: false,
      params: {},
    });
    if (!started.ok) throw new Error(`environment held by run ${started.holder.runId}`);
    return { runId: started.runId, next: 0 };
  };
  for (let w = 0; w < workers; w++) cursors.push(await fresh());
  const forward = runbook.steps.filter((s) => !s.rollback);
  return closedLoop(workers, async (w) => {
    let cursor = cursors[w];
    if (!cursor || cursor.next >= forward.length) {
      cursor = await fresh();
      cursors[w] = cursor;
    }
    const step = forward[cursor.next++];
    if (!step) return;
    const result = await executeCommand(deps, {
      runId: cursor.runId,
      command: { type: 'complete_step', userId: `U${w}`, stepId: step.id },
      idempotencyKey: `${cursor.runId}:${step.id}`,
    });
    if (!result.ok) throw new Error(result.refusal.message);
  });
}

async function main(): Promise<void> {
  const database = await scratchDatabase(URL_);
  const handle = await openDatabase({ url: database.url ?? URL_, maxConnections: 20 });
  try {
    await migrateDatabase(handle);
    console.log(`commands per second on real Postgres, closed loop, ${SECONDS} s per row (goal: ratio ≤ ~3)`);
    console.log(
      'runs  bare tx/s  bare p50 ms  commands/s  cmd p50 ms  cmd p99 ms  ratio (bare tx per command)  commands/s as % of bare  CPU µs per bare tx / command',
    );
    for (const workers of CONCURRENCY) {
      const bare = ONLY_COMMANDS ? NOT_MEASURED : await bareUpdates(handle, workers);
      const ours = ONLY_BARE ? NOT_MEASURED : await commands(handle, workers);
      console.log(
        [
          String(workers).padStart(4),
          bare.perSecond.toFixed(0).padStart(10),
          bare.p50.toFixed(2).padStart(12),
          ours.perSecond.toFixed(0).padStart(11),
          ours.p50.toFixed(2).padStart(11),
          ours.p99.toFixed(2).padStart(11),
          (bare.perSecond / ours.perSecond).toFixed(2).padStart(9),
          `${((100 * ours.perSecond) / bare.perSecond).toFixed(0)}%`.padStart(25),
          `${bare.cpuUs.toFixed(0)} / ${ours.cpuUs.toFixed(0)}`.padStart(30),
        ].join(' '),
      );
    }
  } finally {
    await handle.close();
    await database.drop();
  }
}

await main();
