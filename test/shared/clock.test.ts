// The test clock serves the domain's Clock and the outbound path's Timer from one time line.
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../src/shared/clock.js';

describe('the test clock', () => {
  it('tells one time as a Date and as milliseconds', () => {
    const clock = createTestClock('2026-01-05T14:00:00.000Z');
    clock.advanceBy(1500);
    expect(clock.now().toISOString()).toBe('2026-01-05T14:00:01.500Z');
    expect(clock.timer.now()).toBe(clock.now().getTime());
  });

  it('wakes a sleeper when the clock passes its time, not before', async () => {
    const clock = createTestClock();
    let woke = false;
    void clock.timer.sleep(100).then(() => {
      woke = true;
    });
    expect(clock.sleeping).toBe(1);
    expect(clock.nextWakeAt).toBe(clock.timer.now() + 100);
    await clock.advance(99);
    expect(woke).toBe(false);
    clock.advanceMinutes(1);
    await clock.advance(0);
    expect(woke).toBe(true);
    expect(clock.sleeping).toBe(0);
    expect(clock.nextWakeAt).toBeNull();
  });

  it('ends a sleep at once when its signal aborts', async () => {
    const clock = createTestClock();
    const wake = new AbortController();
    const sleeping = clock.timer.sleep(60_000, wake.signal);
    wake.abort();
    await sleeping;
    expect(clock.sleeping).toBe(0);
    await clock.timer.sleep(10, wake.signal);
  });
});
