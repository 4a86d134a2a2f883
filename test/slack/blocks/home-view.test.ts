import { describe, expect, it } from 'vitest';
import { buildHomeView, type RunSummary } from '../../../src/slack/blocks/index.js';
import { checkMessage, mrkdwnOf } from './support.js';

function summary(i: number, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: `run-${i}`,
    runbookName: 'payments-rollout',
    title: `Payments rollout ${i}`,
    status: 'running',
    done: 3,
    total: 10,
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
  it('lists active and recent runs with status, progress and a link to the thread', () => {
    const view = buildHomeView({
      userId: 'U1',
      active: [summary(1)],
      recent: [
        summary(2, {
          status: 'completed',
          done: 10,
          finishedAt: '2025-03-04T15:05:00.000Z',
          permalink: null,
        }),
      ],
    });
    validate(view);
    const text = mrkdwnOf({ text: '', blocks: view.blocks as never });
    expect(text).toContain('🟢 *<https://acme.slack.com/archives/C0DEPLOYS/p1700000001|Payments rollout 1>*');
    expect(text).toContain('Running · ▰▰▰▱▱▱▱▱▱▱ 3/10 steps · started 2025-03-04 14:00 UTC in <#C0DEPLOYS>');
    expect(text).toContain('✅ *Payments rollout 2*');
    expect(text).toContain('finished 2025-03-04 15:05 UTC');
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
