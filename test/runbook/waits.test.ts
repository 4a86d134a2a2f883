import { expect, it } from 'vitest';
import { readWait } from '../../src/runbook/waits.js';

const cases: [string, number | null][] = [
  ['Monitor error logs for 30 minutes', 30],
  ['Wait 90 s', 1.5],
  ['Soak 2h', 120],
  ['Watch the canary for 45m', 45],
  ['Hold for 1 hour', 60],
  ['Bake for 24h', 1440],
  ['Observe for 1 day', 1440],
  ['Keep an eye on it for a week', 10080],
  ['Wait 1h 30m', 90],
  ['Watch for 10-15 minutes', 15],
  ['Roll back if 5xx above 1% for 5 minutes', null],
  ['Watch for error rate > 2% for 10 minutes', null],
  ['Check T+1d', null],
  ['Monitor errors in the last 24 hours', null],
  ['Monitor job that runs every 6 hours', null],
  ['Wait until replication lag is 0', null],
  ['No memory leaks (monitor process memory)', null],
  ['Then a 30-minute soak', 30],
  ['Wait for the pods, about 5 min.', 5],
  ['Monitor 10M requests', null],
  ['createPendingOrder() creates record with 24h expiry', null],
];
it.each(cases)('%s', (text, minutes) => {
  expect(readWait(text).wait?.minutes ?? null).toBe(minutes);
});
