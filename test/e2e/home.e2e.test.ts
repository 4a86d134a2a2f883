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
    const [res] = await h.send([eventBody({ type: 'app_home_opened', user: 'U0ALICE', tab: 'home' })]);
    expect(res?.status).toBe(200);
    const views = h.slack.homeViews('U0ALICE');
    expect(views).toHaveLength(1);
    const text = JSON.stringify(views[0]);
    expect(text).toMatch(/Active runs.*k8s-service-rollout.*Recent runs.*database-migration/s);
    expect(h.slack.homeViews('U0BOB')).toEqual([]);
  });
});
