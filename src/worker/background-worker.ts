// The background loop of a bot process: fires due timers and hands the Slack work nobody is doing
// (after a crash, a Slack outage, or work another replica left) to the run queue. Safe in every replica.
import type { Logger } from 'pino';
import type { RunQueue } from '../slack/sync/run-queue.js';
import type { RunDeps } from '../usecases/deps.js';
import { fireDueTimers } from '../usecases/fire-due-timers.js';

/** What the loop needs. */
export interface WorkerDeps {
  runDeps: RunDeps;
  logger: Logger;
  queue: Pick<RunQueue, 'sync' | 'poll'>;
  pollMs: number;
  /** Expires queue offers nobody took in time (their next offer goes to the outbox). */
  expireOffers?: () => Promise<unknown>;
  /** Sends PagerDuty events that are due (first tries and retries). */
  flushPagerDuty?: (() => Promise<unknown>) | undefined;
}

/** Creates the loop; `tick()` runs one pass (tests call it directly with a moved clock). */
export function createBackgroundWorker(deps: WorkerDeps) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function tick(): Promise<void> {
    try {
      const fired = await fireDueTimers(deps.runDeps);
      await deps.expireOffers?.();
      await deps.flushPagerDuty?.();
      await Promise.all([...new Set(fired.map((f) => f.runId))].map((runId) => deps.queue.sync(runId)));
      await deps.queue.poll();
    } catch (err) {
      deps.logger.error({ err }, 'background pass failed; trying again');
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = null;
        schedule();
      });
    }, deps.pollMs);
  }

  return {
    tick,
    start(): void {
      stopped = false;
      schedule();
    },
    /** Stops polling and waits for the pass in progress. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The worker's type. */
export type BackgroundWorker = ReturnType<typeof createBackgroundWorker>;
