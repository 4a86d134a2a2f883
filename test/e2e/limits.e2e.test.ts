// Limits that protect the workspace's shared update budget: active runs are capped per person and per
// channel (MAX_ACTIVE_RUNS_PER_USER, MAX_ACTIVE_RUNS_PER_CHANNEL), and an ended run frees its place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { E2E_DRIVER, type Harness, startHarness } from './harness.js';

async function start(h: Harness, env: string, user: string, channel: string): Promise<string> {
  const { replies } = await h.command(`start k8s-service-rollout env=${env}`, user, channel);
  return String(replies[0]?.body.text ?? '');
}

describe('caps on active runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      driver: E2E_DRIVER,
      config: { limits: { activeRunsPerUser: 2, activeRunsPerChannel: 3 } },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('a person may have 2 active runs here; the third start is refused and starts nothing', async () => {
    expect(await start(h, 'u1', 'U0ALICE', 'C0CAPA')).toMatch(/^Started run/);
    expect(await start(h, 'u2', 'U0ALICE', 'C0CAPB')).toMatch(/^Started run/);
    expect(await start(h, 'u3', 'U0ALICE', 'C0CAPC')).toMatch(
      /^You already have 2 active runs, the most one person may have at once \(2\)/,
    );
    expect(h.parent('C0CAPC')).toBeUndefined();
  });

  it('a channel may have 3; an ended run frees its place', async () => {
    expect(await start(h, 'c1', 'U0BOB', 'C0CAPA')).toMatch(/^Started run/);
    expect(await start(h, 'c2', 'U0CAROL', 'C0CAPA')).toMatch(/^Started run/);
    expect(await start(h, 'c3', 'U0DAVE', 'C0CAPA')).toMatch(/^This channel already has 3 active runs/);
    const status = await h.command('status', 'U0BOB', 'C0CAPA');
    const id = /`([0-9a-f]{8})` k8s-service-rollout in c1/.exec(String(status.replies[0]?.body.text))?.[1];
    await h.command(`abort ${id}`, 'U0BOB', 'C0CAPA');
    expect(await start(h, 'c3', 'U0DAVE', 'C0CAPA')).toMatch(/^Started run/);
  });

  it('the defaults are 5 per person and 10 per channel, and both can be set', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 'secret-123' };
    expect(loadConfig(env).limits).toEqual({ activeRunsPerUser: 5, activeRunsPerChannel: 10 });
    expect(
      loadConfig({ ...env, MAX_ACTIVE_RUNS_PER_USER: '1', MAX_ACTIVE_RUNS_PER_CHANNEL: '50' }).limits,
    ).toEqual({ activeRunsPerUser: 1, activeRunsPerChannel: 50 });
    expect(() => loadConfig({ ...env, MAX_ACTIVE_RUNS_PER_USER: '0' })).toThrow(
      /MAX_ACTIVE_RUNS_PER_USER must be at least 1/,
    );
  });
});
