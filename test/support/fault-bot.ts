// The bot process for the fault tests: spawned on a database the test owns (a PGlite folder, or a
// fresh database on real Postgres when TEST_DATABASE_URL is set), so it survives kills and restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseTarget } from '../../src/db/client.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { createFakeSlack, type FakeSlack } from './fake-slack.js';
import { sleep, writeStormRunbook } from './fault-storm.js';
import { type SpawnedBot, spawnBot } from './spawned-bot.js';

export class FaultBot {
  bot: SpawnedBot | null = null;

  private constructor(
    private readonly slack: FakeSlack,
    readonly secret: string,
    readonly dir: string,
    readonly target: DatabaseTarget,
    private readonly pg: TestDatabase | null,
  ) {}

  /** A runbook folder with storm.md (`steps` steps) and a database (or `database`); not started yet. */
  static async create(
    slack: FakeSlack,
    secret: string,
    steps: number,
    database?: DatabaseTarget,
  ): Promise<FaultBot> {
    const dir = mkdtempSync(join(tmpdir(), 'deploybot-faults-'));
    writeStormRunbook(dir, steps);
    if (database) return new FaultBot(slack, secret, dir, database, null);
    const pg = process.env.TEST_DATABASE_URL ? await createTestDatabase('postgres') : null;
    return new FaultBot(slack, secret, dir, pg?.target ?? { dataDir: join(dir, 'data') }, pg);
  }

  /** Where Slack posts (the port changes with every start). */
  readonly url = () => `http://127.0.0.1:${this.bot?.port}/slack/events`;
  readonly healthz = () => `http://127.0.0.1:${this.bot?.port}/healthz`;

  /** Starts the process; resolves at the moment /healthz first answers 200 (performance.now()). */
  async start(extraEnv: Record<string, string> = {}): Promise<number> {
    const target = this.target;
    this.bot = await spawnBot({
      SLACK_BOT_TOKEN: 'xoxb-faults',
      SLACK_SIGNING_SECRET: this.secret,
      SLACK_API_URL: this.slack.url,
      RUNBOOKS_DIR: this.dir,
      ...('url' in target ? { DATABASE_URL: target.url } : { DATA_DIR: target.dataDir }),
      ...extraEnv,
    });
    for (;;) {
      const ok = await fetch(this.healthz()).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now();
      await sleep(20);
    }
  }

  /** SIGKILL, and waits for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.bot?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    await this.bot?.stop(); // removes its temporary folder; the database is ours
  }

  /** SIGTERM (the ordinary stop). */
  async stop(): Promise<void> {
    await this.bot?.stop();
  }

  output(): string {
    return this.bot?.output() ?? '';
  }

  async dispose(): Promise<void> {
    await this.bot?.stop();
    await this.pg?.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** What a fault test drives: the fake Slack and the bot process (not started). */
export interface FaultBed {
  slack: FakeSlack;
  fb: FaultBot;
}

/**
 * The set-up of a fault test's describe block: a fake Slack and a FaultBot whose runbook has `steps`
 * steps, made before its tests (on `database()`, read then, or a database of its own) and taken down
 * after them. Its fields are set once the block's `beforeAll` hooks have run.
 */
export function useFaultBed(secret: string, steps: number, database?: () => DatabaseTarget): FaultBed {
  const bed = {} as Partial<FaultBed>;
  beforeAll(async () => {
    const slack = await createFakeSlack();
    bed.slack = slack;
    bed.fb = await FaultBot.create(slack, secret, steps, database?.());
  }, 60_000);
  afterAll(async () => {
    await bed.fb?.dispose();
    await bed.slack?.close();
  });
  return bed as FaultBed;
}
