// Spec "Rules > Waits": a wait verb plus a duration in the step's own text.
import { describe, expect, it } from 'vitest';
import { at, diagnosticsOf, md, only, parse, summarize } from './helpers.js';

const inDeploy = (...lines: string[]) => md('# Release', '', '## Deploy', '', ...lines);
const waitOf = (line: string): number | null => only(parse(inDeploy(line)).steps).wait?.minutes ?? null;

describe('waits: wait verbs with a duration', () => {
  it.each([
    ['- [ ] Wait 90 s', 1.5],
    ['- [ ] Wait 90 seconds for DNS', 1.5],
    ['- [ ] Soak 2h', 120],
    ['- [ ] Watch the canary for 45m', 45],
    ['- [ ] Hold for 1 hour', 60],
    ['- [ ] Bake for 24h', 1440],
    ['- [ ] Observe for 1 day', 1440],
    ['- [ ] Keep an eye on the queue for a week', 10080],
    ['- [ ] Wait 1h 30m', 90],
    ['- [ ] Watch for 10-15 minutes', 15],
    ['- [ ] Wait 10–15 minutes', 15],
    ['1. Watch the canary dashboard for 10 minutes', 10],
    ['1. Monitor error logs for 30 minutes', 30],
    ['- [ ] Wait 5 min for pods to settle', 5],
    ['- [ ] Wait 2 hours', 120],
    ['- [ ] Wait 3 days', 4320],
  ])('%j -> %f minutes', (line, minutes) => {
    expect(waitOf(line)).toBe(minutes);
  });

  it.each([
    ['- [ ] Waits 5 minutes', 5],
    ['- [ ] Waiting 5 minutes for the cache', 5],
    ['- [ ] Monitors the queue for 20 minutes', 20],
    ['- [ ] Monitoring for 20 minutes', 20],
    ['- [ ] Watching the graphs for 15 minutes', 15],
    ['- [ ] Soaking in staging for 2 hours', 120],
    ['- [ ] Holds traffic for 10 minutes', 10],
    ['- [ ] Holding at 10% for 10 minutes', 10],
    ['- [ ] Observing for 1 hour', 60],
    ['- [ ] Observes for 1 hour', 60],
    ['- [ ] Bakes for 24 hours', 1440],
    ['- [ ] Baking in prod for 1 day', 1440],
    ['- [ ] Keeping an eye on p99 for 30 minutes', 30],
    ['- [ ] Keeps an eye on disk for 30 minutes', 30],
    ['- [ ] WAIT 10 MINUTES', 10],
  ])('verb forms and case: %j -> %f', (line, minutes) => {
    expect(waitOf(line)).toBe(minutes);
  });

  it('reports the wait in the summary with the step title', () => {
    const summary = summarize(
      inDeploy('- [ ] Deploy the canary', '- [ ] **Watch** the canary dashboard for 10 minutes'),
    );
    expect(summary.waits).toEqual([{ step: 'Watch the canary dashboard for 10 minutes', minutes: 10 }]);
  });

  it('keeps the phrase the duration was read from', () => {
    const step = only(parse(inDeploy('- [ ] Watch the canary for 10 minutes')).steps);
    expect(step.wait?.phrase).toContain('10 minutes');
  });
});

describe('waits: short words are not duration units', () => {
  it.each([
    ['- [ ] Watch and wait 5 minutes', 5],
    ['- [ ] Drain the node and wait 2 minutes', 2],
    ['- [ ] Monitor and alert on errors', null],
    ['- [ ] Watch the deployment as it rolls', null],
    ['- [ ] Monitor dashboards as traffic shifts and hold', null],
  ])('%j -> %s', (line, minutes) => {
    expect(waitOf(line)).toBe(minutes);
  });
});

describe('waits: read from the step own paragraphs', () => {
  it('reads a continuation line of the first paragraph', () => {
    const runbook = parse(inDeploy('1. [ ] Deploy the canary', '   and watch it for 15 minutes'));
    expect(only(runbook.steps).wait?.minutes).toBe(15);
  });

  it('reads a continuation paragraph', () => {
    const runbook = parse(
      inDeploy('1. [ ] Deploy the canary', '', '   Then monitor the dashboard for 20 minutes.'),
    );
    expect(only(runbook.steps).wait?.minutes).toBe(20);
    expect(
      summarize(inDeploy('1. [ ] Deploy the canary', '', '   Then monitor it for 20 minutes.')).waits,
    ).toEqual([{ step: 'Deploy the canary', minutes: 20 }]);
  });

  it('gives a wait in a nested step to that step only, not to its parent', () => {
    const runbook = parse(inDeploy('- [ ] Deploy', '  - [ ] Wait 10 minutes'));
    expect(runbook.steps.map((s) => s.wait?.minutes ?? null)).toEqual([null, 10]);
  });

  it('does not give the parent a wait that sits in a plain bullet under it', () => {
    const runbook = parse(inDeploy('- [ ] Deploy', '  - then wait 10 minutes'));
    expect(only(runbook.steps).wait).toBeNull();
  });

  it('reads waits in rollback steps too', () => {
    const summary = summarize(md('# R', '## Rollback', '1. Revert and watch for 5 minutes'));
    expect(summary.waits).toEqual([{ step: 'Revert and watch for 5 minutes', minutes: 5 }]);
  });
});

describe('waits: what is not a wait', () => {
  it.each([
    ['a duration with no wait verb', '- [ ] Deploy takes about 10 minutes'],
    ['a duration with no wait verb (2h)', '- [ ] Migration runs 2h'],
    ['a rollback condition', '- [ ] Roll back if 5xx above 1% for 5 minutes'],
    ['a go/no-go condition with watch', '- [ ] Watch for error rate > 2% for 10 minutes'],
    ['a go/no-go condition', '- [ ] No-go if p99 stays above 800 ms for 5 minutes'],
    ['a timestamp', '- [ ] Check T+1d'],
    ['a timestamp with a wait verb', '- [ ] Monitor billing at T+1d'],
    ['an age', '- [ ] Monitor errors in the last 24 hours'],
    ['a schedule', '- [ ] Monitor the job that runs every 6 hours'],
    ['a threshold in ms', '- [ ] Monitor that p95 stays below 300ms'],
    ['a count with M', '- [ ] Monitor 10M requests'],
    ['an expiry', '- [ ] createPendingOrder() creates record with 24h expiry'],
    ['a duration in inline code', '- [ ] Watch `kubectl rollout status --timeout 10m`'],
    ['a wait command in inline code', '- [ ] Run `wait 10m`'],
    ['a wait without a duration', '- [ ] Wait until replication lag is 0'],
    ['monitor with no duration', '- [ ] No memory leaks (monitor process memory)'],
  ])('%s: %j', (_name, line) => {
    expect(waitOf(line)).toBeNull();
  });

  it('ignores durations in fenced code of a step', () => {
    const runbook = parse(
      inDeploy('- [ ] Roll out', '  ```bash', '  # wait 10 minutes', '  sleep 600', '  ```'),
    );
    expect(only(runbook.steps).wait).toBeNull();
  });

  it('ignores durations in headings, for the steps under them too', () => {
    const summary = summarize(
      md(
        '# R',
        '## Step 3: Soak (≈ 2 min)',
        '- [ ] Check graphs',
        '## T-1 day: wait 24h',
        '- [ ] Notify support',
      ),
    );
    expect(summary.waits).toEqual([]);
  });

  it('ignores durations in plain bullets and prose', () => {
    const summary = summarize(
      inDeploy(
        'We usually wait 10 minutes here.',
        '',
        '- Wait 15 minutes',
        '- Monitor for 1 hour',
        '',
        '- [ ] Ship',
      ),
    );
    expect(summary.waits).toEqual([]);
  });

  it('ignores durations in blockquotes', () => {
    expect(summarize(inDeploy('- [ ] Ship', '', '> Wait 30 minutes before the next step.')).waits).toEqual(
      [],
    );
  });
});

describe('waits: a wait without a duration', () => {
  it('is no wait, and gives an info diagnostic on its line', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Ship', '- [ ] Wait until replication lag is 0'));
    expect(at(runbook.steps, 1).wait).toBeNull();
    const info = only(diagnosticsOf(runbook, 'runbook.wait_without_duration'));
    expect(info.severity).toBe('info');
    expect(info.line).toBe(4);
    expect(info.column).toBeGreaterThanOrEqual(1);
  });

  it('gives no such diagnostic when the wait has a duration', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Wait 5 minutes until replication lag is 0'));
    expect(only(runbook.steps).wait?.minutes).toBe(5);
    expect(diagnosticsOf(runbook, 'runbook.wait_without_duration')).toEqual([]);
  });
});
