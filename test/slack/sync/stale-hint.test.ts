// A sync handed an older run than the Slack work it claims: another replica's command committed
// since, and its kick found this worker holding the run's work. The work must be rendered from the
// run as committed, or it is marked done with Slack showing the state before it. Real database,
// fake Slack, the process's own sync (createSync) over the store.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config.js';
import { createStore } from '../../../src/db/repositories.js';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { parseRunbook } from '../../../src/runbook/index.js';
import type { LoadedRun } from '../../../src/runs/loaded-run.js';
import { createTestClock } from '../../../src/shared/clock.js';
import { createTransport } from '../../../src/slack/outbound/transport.js';
import { createSync } from '../../../src/slack/sync/create-sync.js';
import { executeCommand } from '../../../src/usecases/execute-command.js';
import { DRIVERS } from '../../support/database.js';
import { startTestRun, useSyncBed } from '../../support/sync-bed.js';

const TIMING = {
  postIntervalMs: 1,
  updateIntervalMs: 1,
  maxAttempts: 2,
  maxRetryAfterMs: 500,
  updatesPerMinute: 600,
};
const silent = pino({ level: 'silent' });
const RUNBOOK = parseRunbook('# T\n## A\n- [ ] one\n- [ ] two\n- [ ] three\n');

describe.each(DRIVERS)('a sync handed an older run than the work it claims (%s)', (driver) => {
  const bed = useSyncBed(driver);

  it('renders the run as committed, not the older one it was handed', async () => {
    const { handle, slack } = bed;
    const clock = createTestClock();
    const store = createStore(handle.db);
    const deps = { store, clock };
    const config = {
      slack: {
        botToken: 'xoxb-test',
        signingSecret: 's',
        appToken: null,
        apiUrl: slack.url,
        botUserId: null,
      },
    } as Config;
    const transport = createTransport({ config, logger: silent, budgetStore: store.budget, timing: TIMING });
    const sync = createSync({
      store,
      transport,
      catalog: { load: async () => ({ ok: false }) as never },
      logger: silent,
      clock,
      metrics: createMetrics(),
    });
    const runId = await startTestRun(deps, RUNBOOK);
    await sync.queue.sync(runId);
    await sync.queue.idle();
    const [one, two] = RUNBOOK.steps;
    if (!one || !two) throw new Error('no steps');
    const complete = async (stepId: string): Promise<LoadedRun> => {
      const done = await executeCommand(deps, {
        runId,
        command: { type: 'complete_step', userId: 'U2', stepId },
        idempotencyKey: null,
      });
      if (!done.ok) throw new Error('refused');
      return done.run;
    };
    // This worker was handed the run after "one"; "two" was then done elsewhere (its kick found
    // this worker's claim, so nobody else syncs it).
    const older = await complete(one.id);
    await complete(two.id);
    await sync.queue.sync(runId, { loaded: older });
    await sync.queue.idle();

    const expected = await sync.expectedMessages();
    expect(expected.length).toBeGreaterThanOrEqual(2);
    for (const message of expected) {
      expect(slack.message(message.channel, message.ts)?.text, message.content.text).toBe(
        message.content.text,
      );
    }
    expect(expected.map((m) => m.content.text)).toContain('T · A: 2/3 steps done');
  });
});
