// Driving code that waits on a test clock's timer while it also does real I/O (HTTP to the fake
// Slack, the database): the loop turns for the I/O, and time jumps only to the next sleeper's
// wake-up, never past it. Virtual gaps are then never shorter than the code asked for; they can be
// longer when I/O took more turns than we waited (tests assert lower bounds, or sequence the I/O).
import { setImmediate as turn } from 'node:timers/promises';
import type { TestClock } from '../../src/shared/clock.js';

/** Turns of the event loop between two jumps of time (I/O in flight gets them first). */
const QUIET_TURNS = 20;

/** Waits (by turns of the loop, never by time) until `condition` holds; throws after `turns`. */
export async function until(condition: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await turn();
  }
  throw new Error('the condition did not come true');
}

/** Turns the loop until `condition` holds, moving `clock` to each next wake-up after some turns. */
export async function runUntil(clock: TestClock, condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); ) {
    await turn();
    const next = clock.nextWakeAt;
    if (next === null || ++turns < QUIET_TURNS) continue;
    turns = 0;
    await clock.advance(next - clock.timer.now());
  }
}

/** Settles `work`, moving `clock` to each next wake-up after some turns of the loop. */
export async function runOn<T>(clock: TestClock, work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => undefined);
  await runUntil(clock, () => settled);
  return done;
}
