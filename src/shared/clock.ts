// Time is injected: production uses the system clock, tests a clock they move by hand.

/** Something that tells the time. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

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

/**
 * The test clock, for the domain's clock and the outbound path's timer alike: it starts at `start`
 * and moves only when told. `timer` reads the same time in milliseconds, and its sleepers wake when
 * the clock is moved past their time (their code then runs on the next microtasks).
 */
export function createTestClock(start: Date | string = '2026-01-05T14:00:00.000Z') {
  let current = new Date(start).getTime();
  const sleepers = new Set<{ until: number; wake: () => void }>();
  const moveTo = (to: number) => {
    current = to;
    for (const s of [...sleepers]) if (s.until <= current) s.wake();
  };
  const timer: Timer = {
    now: () => current,
    sleep(ms, signal) {
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
  };
  return {
    now: () => new Date(current),
    timer,
    advanceBy(ms: number) {
      moveTo(current + ms);
    },
    advanceMinutes(minutes: number) {
      moveTo(current + minutes * 60_000);
    },
    set(to: Date | string) {
      moveTo(new Date(to).getTime());
    },
    /** Moves time forward and lets the woken sleepers run (up to their next await of I/O). */
    async advance(ms: number): Promise<void> {
      moveTo(current + ms);
      for (let i = 0; i < 20; i++) await Promise.resolve();
    },
    /** How many sleep now. */
    get sleeping(): number {
      return sleepers.size;
    },
    /** When the next sleeper wakes (in the timer's milliseconds), or null when nobody sleeps. */
    get nextWakeAt(): number | null {
      let next: number | null = null;
      for (const s of sleepers) if (next === null || s.until < next) next = s.until;
      return next;
    },
  };
}

/** The test clock's type. */
export type TestClock = ReturnType<typeof createTestClock>;
