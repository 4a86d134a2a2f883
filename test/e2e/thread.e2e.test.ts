import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DRIVERS } from '../support/database.js';
import { buttonsOf, CHANNEL, type Harness, startHarness } from './harness.js';

describe.each(DRIVERS)('the /deploy thread (%s)', (driver) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ driver });
  });
  afterEach(async () => {
    await h.close();
  });

  it('/deploy start posts the parent message and the first phase with Done buttons', async () => {
    const { res, replies } = await h.command('start k8s-service-rollout version=1.4.2');
    expect(res.status).toBe(200);
    expect(replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^Started run `[0-9a-f]{8}` of `k8s-service-rollout`/),
    ]);
    const parent = h.parent();
    expect(parent?.text).toContain('Kubernetes service rollout');
    const thread = h.thread();
    expect(thread).toHaveLength(1);
    const done = buttonsOf(thread[0]).filter((b) => b.text.endsWith('Done'));
    expect(done.length).toBeGreaterThan(0);
    expect(buttonsOf(parent).map((b) => b.text)).toEqual(expect.arrayContaining(['Start rollback', 'Abort']));
  });

  it('a click marks the step done, shows who did it and updates the parent', async () => {
    await h.command('start k8s-service-rollout version=1.4.2');
    const phase = h.thread()[0];
    if (!phase) throw new Error('no phase message');
    const first = buttonsOf(phase).find((b) => b.text.endsWith('Done'));
    if (!first) throw new Error('no Done button');
    const { res, replies } = await h.click(first, 'U0BOB', { channel: CHANNEL, ts: phase.ts });
    expect(res?.status).toBe(200);
    expect(replies).toEqual([]);
    const updated = h.slack.message(CHANNEL, phase.ts);
    expect(JSON.stringify(updated?.blocks)).toContain('<@U0BOB>');
    expect(buttonsOf(updated).filter((b) => b.value === first.value && b.text.endsWith('Done'))).toEqual([]);
  });
});
