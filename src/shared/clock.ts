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
