import { afterEach, describe, expect, it } from 'vitest';
import { eventBody } from '../support/slack-requests.js';
import { E2E_DRIVER, type Harness, startHarness } from './harness.js';

describe('App Home', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('opening the Home tab publishes the runs you started, active first', async () => {
    h = await startHarness({ driver: E2E_DRIVER });
    await h.command('start k8s-service-rollout', 'U0ALICE');
    await h.command('start database-migration', 'U0ALICE');
    const { replies } = await h.command('status', 'U0ALICE');
    const runId = /`([0-9a-f]{8})` database-migration/.exec(String(replies[0]?.body.text))?.[1];
    await h.command(`abort ${runId} wrong window`, 'U0ALICE');
    await h.bot.idle();
    // Nobody has opened the Home yet: the starts and the abort published none.
    expect(h.slack.homeViews('U0ALICE')).toEqual([]);
    const [res] = await h.send([eventBody({ type: 'app_home_opened', user: 'U0ALICE', tab: 'home' })]);
    expect(res?.status).toBe(200);
    const views = h.slack.homeViews('U0ALICE');
    expect(views).toHaveLength(1);
    const text = JSON.stringify(views.at(-1));
    expect(text).toMatch(/Active runs.*k8s-service-rollout.*Recent runs.*database-migration/s);
    expect(h.slack.homeViews('U0BOB')).toEqual([]);
  });
});

describe('App Home after a change of status', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('is published again to the starter who opened it when a run starts and ends, and counts as the thread does', async () => {
    h = await startHarness({ driver: E2E_DRIVER });
    await h.send([eventBody({ type: 'app_home_opened', user: 'U0ALICE', tab: 'home' })]);
    await h.command('start k8s-service-rollout', 'U0ALICE');
    await h.bot.idle();
    const started = h.slack.homeViews('U0ALICE');
    expect(started.length).toBeGreaterThan(0);
    expect(JSON.stringify(started.at(-1))).toMatch(
      /Active runs.*Running · started .*Recent runs.*No finished runs yet/s,
    );
    const { replies } = await h.command('status', 'U0ALICE');
    expect(String(replies[0]?.body.text)).toMatch(
      /: Running · Phase 1 of 4 · Pre-flight · 0 of 17 steps done, started by <@U0ALICE>/,
    );
    const runId = /`([0-9a-f]{8})` k8s-service-rollout/.exec(String(replies[0]?.body.text))?.[1];
    const before = h.slack.homeViews('U0ALICE').length;
    await h.command(`abort ${runId} wrong window`, 'U0ALICE');
    const views = h.slack.homeViews('U0ALICE');
    expect(views.length).toBe(before + 1);
    const text = JSON.stringify(views.at(-1));
    expect(text).toMatch(/No active runs.*Recent runs.*Aborted · 0 of 17 steps done · finished/s);
    expect(text).not.toContain('No finished runs yet');
  });
});
