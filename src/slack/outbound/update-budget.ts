// The workspace's chat.update budget (Slack Tier 3, per method per workspace: we keep to 40 a
// minute). The tokens live in Postgres, so every replica draws on the same bucket; inside a process,
// waiting writes are served by priority (the message someone clicked, then parents, then the rest)
// and, within a priority, the run served longest ago goes first, so one busy run cannot starve others.
import type { Logger } from 'pino';
import { systemTimer, type Timer } from '../../shared/clock.js';

/**
 * Where the tokens are kept, shared by every replica (the database's budget repository): refill
 * bucket `key` by the time elapsed since its last refill (times in seconds, from the caller's timer) (`rate` a second, at most `burst`) and take a token if there is one.
 */
export interface BudgetStore {
  take(
    key: string,
    burst: number,
    rate: number,
    nowSeconds: number,
  ): Promise<{ granted: boolean; available: number }>;
}

/** Who waits for a token: 0 is served first. */
export const PRIORITY = { clicked: 0, parent: 1, other: 2 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

interface Waiter {
  priority: Priority;
  runId: string;
  seq: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const KEY = 'chat.update';

/**
 * Creates the budget: never more than `perMinute` updates in any minute, short bursts allowed. Time
 * (the refill and the waits for it) is read and waited on `timer`; every replica's timer is the
 * system's, so their clocks agree as far as NTP keeps them together.
 */
export function createUpdateBudget(input: {
  store: BudgetStore;
  perMinute: number;
  logger: Logger;
  timer?: Timer | undefined;
}) {
  const { store, logger } = input;
  const timer = input.timer ?? systemTimer;
  // Any sliding minute holds at most perMinute updates: the burst plus a minute of refill.
  const burst = Math.max(1, Math.min(5, Math.floor(input.perMinute / 8)));
  const rate = (input.perMinute - burst) / 60;
  const waiters: Waiter[] = [];
  const served = new Map<string, number>();
  let seq = 0;
  let servedCount = 0;
  let running = false;

  /** Refills by the time elapsed, takes a token when there is one, says what was there. */
  const grab = () => store.take(KEY, burst, rate, timer.now() / 1000);

  function next(): Waiter | undefined {
    let best: Waiter | undefined;
    for (const w of waiters) {
      if (!best || w.priority < best.priority) best = w;
      else if (w.priority === best.priority) {
        const a = served.get(w.runId) ?? -1;
        const b = served.get(best.runId) ?? -1;
        if (a < b || (a === b && w.seq < best.seq)) best = w;
      }
    }
    return best;
  }

  async function serve(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (waiters.length) {
        let got: { granted: boolean; available: number };
        try {
          got = await grab();
        } catch (error) {
          // The database is down: Slack writes wait for it rather than overspend the budget.
          logger.warn({ err: error }, 'could not read the Slack update budget; waiting');
          await timer.sleep(500);
          continue;
        }
        if (!got.granted) {
          await timer.sleep(Math.max(20, Math.ceil(((1 - got.available) / rate) * 1000)));
          continue;
        }
        const waiter = next();
        if (!waiter) break;
        waiters.splice(waiters.indexOf(waiter), 1);
        served.set(waiter.runId, ++servedCount);
        waiter.resolve();
      }
    } finally {
      running = false;
    }
  }

  return {
    /**
     * Resolves true when this write may call chat.update; false when `signal` aborted the wait first
     * (no token was taken for it).
     */
    take(priority: Priority, runId: string, signal?: AbortSignal): Promise<boolean> {
      if (signal?.aborted) return Promise.resolve(false);
      return new Promise<boolean>((resolve, reject) => {
        const waiter: Waiter = {
          priority,
          runId,
          seq: ++seq,
          resolve: () => {
            signal?.removeEventListener('abort', leave);
            resolve(true);
          },
          reject,
        };
        const leave = () => {
          const at = waiters.indexOf(waiter);
          if (at === -1) return; // already served
          waiters.splice(at, 1);
          resolve(false);
        };
        signal?.addEventListener('abort', leave, { once: true });
        waiters.push(waiter);
        void serve();
      });
    },
    /** Stops serving: writes still waiting are refused (their work stays in the outbox). */
    close(): void {
      for (const w of waiters.splice(0)) w.reject(new Error('the Slack update budget is closed'));
    },
    /** Writes waiting for a token now. */
    get waiting(): number {
      return waiters.length;
    },
  };
}

/** The budget's type. */
export type UpdateBudget = ReturnType<typeof createUpdateBudget>;
