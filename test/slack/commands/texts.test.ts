// `/deploy list` and `/deploy status`: human words for statuses, and one count of steps.
import { describe, expect, it } from 'vitest';
import { progressOf, stepTotalsOf } from '../../../src/runs/index.js';
import type { RunListing } from '../../../src/runs/loaded-run.js';
import { buildRunListText, buildStatusText } from '../../../src/slack/blocks/command-texts.js';
import { BASIC, Harness, rollbackSetup } from '../../runs/support.js';

function listing(overrides: Partial<RunListing> = {}): RunListing {
  return {
    id: '1a2b3c4d-0000-4000-8000-000000000000',
    runbookName: 'payments-rollout',
    environment: 'prod',
    channelId: 'C0DEPLOYS',
    starterId: 'U0ALICE',
    status: 'running',
    startedAt: '2025-03-04T14:00:00.000Z',
    finishedAt: null,
    parentTs: null,
    ...overrides,
  };
}

describe('/deploy list', () => {
  it('counts forward steps, rollback steps apart, and says the last status in words', () => {
    const run = new Harness(BASIC);
    const text = buildRunListText([
      {
        name: 'payments-rollout',
        title: 'Payments rollout',
        steps: stepTotalsOf(run.runbook),
        problem: null,
        last: listing({ status: 'rolled_back' }),
      },
    ]);
    expect(text).toContain('(5 steps + 2 rollback, last run 2025-03-04 14:00 UTC (Rolled back))');
    expect(text).not.toContain('rolled_back');
  });
});

describe('/deploy status', () => {
  it('shows the status in words, the phase and the steps done as every surface counts them', () => {
    const run = new Harness(BASIC);
    run.complete('Announce in #deploys');
    run.complete('Check the dashboards');
    const progress = new Map([
      [
        listing().id,
        { progress: progressOf(run.runbook, run.state), title: 'Payments rollout', phaseTitle: 'Deploy' },
      ],
    ]);
    expect(buildStatusText([listing({ status: 'waiting_approval' })], progress)).toContain(
      'in prod: Waiting for approval · Phase 2 of 3 · Deploy · 2 of 5 steps done, started by <@U0ALICE>',
    );
    run.ok({ type: 'start_rollback', userId: 'UROLL', ...rollbackSetup() });
    const back = new Map([
      [
        listing().id,
        { progress: progressOf(run.runbook, run.state), title: 'Payments rollout', phaseTitle: 'Rollback' },
      ],
    ]);
    expect(buildStatusText([listing({ status: 'rolling_back' })], back)).toContain(
      ': ROLLING BACK · Rollback phase 1 of 1 · Rollback · 2 of 5 steps done · rollback 0 of 2,',
    );
  });
});
