// The playground's clock: the bot's time runs `speed` times as fast as real time, and the page may
// change the speed while a run plays. Each change re-anchors the clock where it stands, so time never
// jumps back or forth: only its pace changes.
import type { Clock } from '../shared/clock.js';

/** The speeds the page offers (a `--speed` given on the command line is offered too). */
export const PAGE_SPEEDS = [1, 10, 60, 600] as const;

/** The speeds the page offers: the usual four, and the one it started with. */
export function speedsOffered(current: number): number[] {
  return [...new Set([...PAGE_SPEEDS, current])].sort((a, b) => a - b);
}

/** Where the clock stood at its last change: the page computes the bot's now from it. */
export interface ClockAnchor {
  /** Real time of the last change, ms. */
  real: number;
  /** The bot's time then, ms. */
  bot: number;
  speed: number;
}

/** A clock whose pace can change; `now()` is the bot's time. */
export function createPlaygroundClock(speed: number, start: number = Date.now()) {
  let anchor: ClockAnchor = { real: start, bot: start, speed };
  const at = (real: number) => anchor.bot + (real - anchor.real) * anchor.speed;
  const clock: Clock & {
    anchor(): ClockAnchor;
    setSpeed(speed: number): void;
  } = {
    now: () => new Date(at(Date.now())),
    anchor: () => ({ ...anchor }),
    setSpeed(next: number) {
      const real = Date.now();
      anchor = { real, bot: at(real), speed: next };
    },
  };
  return clock;
}

/** The playground clock's type. */
export type PlaygroundClock = ReturnType<typeof createPlaygroundClock>;
