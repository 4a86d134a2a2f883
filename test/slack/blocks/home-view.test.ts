import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../src/runs/index.js';
import { buildHomeView, type RunSummary } from '../../../src/slack/blocks/index.js';
import { checkMessage, mrkdwnOf } from './support.js';

function progress(done: number, rollback: RunProgress['rollback'] | null = null): RunProgress {
  return {
    mode: rollback ? 'rollback' : 'forward',
    forward: { done, total: 10 },
    rollback: rollback ?? { done: 0, total: 2 },
    phase: null,
  };
}

function summary(i: number, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: `run-${i}`,
    runbookName: 'payments-rollout',
    title: `Payments rollout ${i}`,
    status: 'running',
    progress: progress(3),
    channelId: 'C0DEPLOYS',
    permalink: `https://acme.slack.com/archives/C0DEPLOYS/p${1700000000 + i}`,
    startedAt: '2025-03-04T14:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

function validate(view: ReturnType<typeof buildHomeView>): void {
  expect(view.type).toBe('home');
  expect(checkMessage({ text: 'home', blocks: view.blocks as never }, 100)).toEqual([]);
}

describe('buildHomeView', () => {
  it('lists active runs with their status, finished ones with their final count, each with a link', () => {
    const view = buildHomeView({
      userId: 'U1',
      active: [summary(1)],
      recent: [
        summary(2, {
          status: 'completed',
          progress: progress(10),
          finishedAt: '2025-03-04T15:05:00.000Z',
          permalink: null,
        }),
        summary(3, {
          status: 'rolled_back',
          progress: progress(8, { done: 2, total: 2 }),
          finishedAt: '2025-03-04T15:10:00.000Z',
        }),
      ],
    });
    validate(view);
    const text = mrkdwnOf({ text: '', blocks: view.blocks as never });
    expect(text).toContain('🟢 *<https://acme.slack.com/archives/C0DEPLOYS/p1700000001|Payments rollout 1>*');
    // Published at status changes only: an active run shows nothing that changes with a click.
    expect(text).toContain('Running · started 2025-03-04 14:00 UTC in <#C0DEPLOYS>');
    expect(text).not.toMatch(/3 of 10|3\/10/);
    expect(text).toContain('✅ *Payments rollout 2*');
    expect(text).toContain('Completed · 10 of 10 steps done · finished 2025-03-04 15:05 UTC');
    expect(text).toContain(
      'Rolled back · 8 of 10 steps done · rollback 2 of 2 · finished 2025-03-04 15:10 UTC',
    );
  });

  it('says when there is nothing to list', () => {
    const view = buildHomeView({ userId: 'U1', active: [], recent: [] });
    validate(view);
    const text = mrkdwnOf({ text: '', blocks: view.blocks as never });
    expect(text).toContain('No active runs.');
    expect(text).toContain('No finished runs yet.');
  });

  it('stays within 100 blocks and says how many runs it left out', () => {
    const active = Array.from({ length: 300 }, (_, i) => summary(i));
    const recent = Array.from({ length: 300 }, (_, i) => summary(i + 1000, { status: 'aborted' }));
    const view = buildHomeView({ userId: 'U1', active, recent });
    validate(view);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = mrkdwnOf({ text: '', blocks: view.blocks as never });
    expect(text).toContain('… and 254 more.');
    expect(text).toContain('… and 254 more.');
    const fewActive = buildHomeView({ userId: 'U1', active: active.slice(0, 3), recent });
    validate(fewActive);
    expect(fewActive.blocks.length).toBeLessThanOrEqual(100);
    expect(mrkdwnOf({ text: '', blocks: fewActive.blocks as never })).toContain('… and 211 more.');
  });

  it('escapes titles and links only to http(s) permalinks', () => {
    const view = buildHomeView({
      userId: 'U1',
      active: [
        summary(1, { title: '<!channel> & <@U123>', permalink: 'javascript:alert(1)', channelId: '<!here>' }),
      ],
      recent: [],
    });
    validate(view);
    const text = mrkdwnOf({ text: '', blocks: view.blocks as never });
    expect(text).toContain('*&lt;!channel&gt; &amp; &lt;@U123&gt;*');
    expect(text).toContain('in &lt;!here&gt;');
    expect(text).not.toContain('javascript');
  });
});
