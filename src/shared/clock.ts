// Time is injected: production uses the system clock, tests a clock they move by hand.

/** Something that tells the time. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests: starts at `start` and moves only when told. */
export function createTestClock(start: Date | string = '2026-01-05T14:00:00.000Z') {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advanceBy(ms: number) {
      current += ms;
    },
    advanceMinutes(minutes: number) {
      current += minutes * 60_000;
    },
    set(to: Date | string) {
      current = new Date(to).getTime();
    },
  };
}

/** The test clock's type. */
export type TestClock = ReturnType<typeof createTestClock>;

/**
 * A clock that runs `factor` times as fast as the system clock from `start` on: the playground's
 * speed-up, so that a 10-minute wait ends in 10 s at factor 60. Factor 1 is the system clock.
 */
export function createScaledClock(factor: number, start: number = Date.now()): Clock {
  if (factor === 1) return systemClock;
  return { now: () => new Date(start + (Date.now() - start) * factor) };
}

/**
 * Real time for the outbound path (Slack's rate limits and gaps are in real seconds, whatever the
 * bot's clock says): milliseconds now, and a sleep that a signal can end early (it then resolves).
 */
export interface Timer {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The system's timer. */
export const systemTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timeout = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** A timer for tests: time moves only with `advance`, which wakes the sleepers whose time came. */
export function createTestTimer(start = 1_000_000) {
  let current = start;
  const sleepers = new Set<{ until: number; wake: () => void }>();
  return {
    now: () => current,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise<void>((resolve) => {
        if (signal?.aborted || ms <= 0) return resolve();
        const sleeper = {
          until: current + ms,
          wake: () => {
            sleepers.delete(sleeper);
            signal?.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal?.addEventListener('abort', sleeper.wake, { once: true });
      });
    },
    /** Moves time forward and lets the woken sleepers run. */
    async advance(ms: number): Promise<void> {
      current += ms;
      for (const s of [...sleepers]) if (s.until <= current) s.wake();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    },
    /** How many sleep now. */
    get sleeping(): number {
      return sleepers.size;
    },
  };
}

/** The test timer's type. */
export type TestTimer = ReturnType<typeof createTestTimer>;
