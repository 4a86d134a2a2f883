// Benches run the bot as users do: its own process (`node dist/src/main.js`), configured through
// the environment, against the fake Slack of the bench process.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import postgres from 'postgres';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts `node <script>` with `env` on a free PORT and waits until `healthPath` answers 200. */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  healthPath = '/healthz',
): Promise<{ child: ChildProcess; port: number; url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  // BENCH_NODE_ARGS passes flags to the bot's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}${healthPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, port, url: `http://127.0.0.1:${port}/slack/events`, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${script} did not start`);
}

/**
 * A scratch database on the Postgres server at `server` (BENCH_DATABASE_URL by default; none without
 * one) for one bench, dropped by `drop`: a bench on the server's own database would meet the runs
 * of earlier benches — their environments still locked, their pending Slack work taken up by the
 * bot's catch-up while it is measured.
 */
export async function scratchDatabase(
  server = process.env.BENCH_DATABASE_URL,
): Promise<{ url: string | null; drop: () => Promise<void> }> {
  if (!server) return { url: null, drop: async () => {} };
  const name = `deploybot_bench_${process.pid}_${Date.now().toString(36)}`;
  // A connection for each: the server may have restarted in between (the outage bench restarts it).
  const admin = () => postgres(server, { max: 1, onnotice: () => {} });
  const creator = admin();
  await creator.unsafe(`create database ${name}`);
  await creator.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = admin();
      await dropper.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await dropper.end();
    },
  };
}

/** The bot's environment for a bench: fake Slack, its own data folder or database. */
export function botEnv(input: {
  apiUrl: string;
  secret: string;
  dataDir: string;
  runbooksDir: string;
  databaseUrl?: string | null;
}) {
  return {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: input.secret,
    SLACK_API_URL: input.apiUrl,
    DATA_DIR: input.dataDir,
    RUNBOOKS_DIR: input.runbooksDir,
    LOG_LEVEL: 'warn',
    // A bench starts many runs as one person in one channel: past the caps that protect a workspace.
    MAX_ACTIVE_RUNS_PER_USER: '100',
    MAX_ACTIVE_RUNS_PER_CHANNEL: '200',
    ...(input.databaseUrl ? { DATABASE_URL: input.databaseUrl } : {}),
  };
}
