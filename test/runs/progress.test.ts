// The one definition of a run's progress, and who the App Home is published to.
import { describe, expect, it } from 'vitest';
import { homeAudienceOf, progressOf, stepTotalsOf } from '../../src/runs/index.js';
import { BASIC, GATED, Harness, rollbackSetup, STARTER } from './support.js';

const NESTED = `# Nested

## Prepare
- [ ] Build
  - [ ] Build the image
  - [ ] Push it

## Deploy
- [ ] Deploy

## Rollback
- [ ] Revert
`;

describe('progressOf', () => {
  it('counts every forward step, nested ones included, and rollback steps apart', () => {
    const run = new Harness(NESTED);
    expect(stepTotalsOf(run.runbook)).toEqual({ forward: 4, rollback: 1 });
    run.complete('Build the image');
    run.ok({ type: 'skip_step', userId: 'U1', stepId: run.step('Push it') });
    expect(progressOf(run.runbook, run.state)).toEqual({
      mode: 'forward',
      forward: { done: 2, total: 4 },
      rollback: { done: 0, total: 1 },
      phase: { index: run.phase('Prepare'), number: 1, count: 2, rollback: false },
    });
  });

  it('numbers phases among those with steps, and switches to the rollback phases on a rollback', () => {
    const run = new Harness(BASIC);
    run.complete('Announce in #deploys');
    run.complete('Check the dashboards');
    expect(progressOf(run.runbook, run.state).phase).toEqual({
      index: run.phase('Deploy'),
      number: 2,
      count: 3,
      rollback: false,
    });
    run.ok({ type: 'start_rollback', userId: 'UROLL', ...rollbackSetup() });
    run.complete('Revert the deploy');
    expect(progressOf(run.runbook, run.state)).toEqual({
      mode: 'rollback',
      forward: { done: 2, total: 5 },
      rollback: { done: 1, total: 2 },
      phase: { index: run.phase('Rollback'), number: 1, count: 1, rollback: true },
    });
  });

  it('has no current phase once the run ended, and keeps the final counts', () => {
    const run = new Harness(BASIC);
    run.ok({ type: 'abort', userId: run.state.starterId, reason: null, isAdmin: false });
    expect(progressOf(run.runbook, run.state)).toMatchObject({
      phase: null,
      forward: { done: 0, total: 5 },
    });
  });
});

describe('the App Home', () => {
  it('is published when the status changes, not on a click that leaves it', () => {
    const run = new Harness(BASIC);
    expect(run.started.effects).toContainEqual({ type: 'publish_home' });
    expect(run.complete('Announce in #deploys').effects).not.toContainEqual({ type: 'publish_home' });
    const ended = run.ok({ type: 'abort', userId: run.state.starterId, reason: null, isAdmin: false });
    expect(ended.effects).toContainEqual({ type: 'publish_home' });
  });

  it('goes to the starter, the owners Slack knows and the approvers, once each', () => {
    const run = new Harness(GATED, {
      owners: {
        prepare: { label: 'Dana', userId: 'UDANA', by: null, at: null },
        deploy: { label: 'DBA team', userId: null, by: null, at: null },
        other: { label: 'Starter', userId: STARTER, by: null, at: null },
      },
    });
    run.sign('SRE', 'USRE1');
    run.sign('SRE', 'USRE2');
    expect(homeAudienceOf(run.state)).toEqual([STARTER, 'UDANA', 'USRE1', 'USRE2']);
  });
});
