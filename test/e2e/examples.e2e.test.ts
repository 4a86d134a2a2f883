import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVERS, driveToEnd } from './drive.js';
import { buttonsOf, E2E_DRIVER, type Harness, startHarness } from './harness.js';

const EXAMPLES = readdirSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'runbooks'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.replace(/\.md$/, ''));

describe('each example runbook, start to finish, as people would run it', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it.each(EXAMPLES)('%s', async (name) => {
    h = await startHarness({ driver: E2E_DRIVER });
    // Mentions of the people who took part are expected; anything else is a violation.
    h.slack.allowMentions('U0ALICE', 'U0BOB', ...APPROVERS);
    const { replies } = await h.command(`start ${name}`, 'U0ALICE');
    expect(replies[0]?.body.text).toMatch(/^Started run/);
    const clicks = await driveToEnd(h);
    expect(clicks).toBeGreaterThan(5);
    const parent = h.parent();
    expect(JSON.stringify(parent?.blocks)).toMatch(/completed/i);
    // Nothing left to click but the report; no stale buttons anywhere in the thread.
    for (const message of h.thread()) {
      expect(buttonsOf(message).filter((b) => b.text.endsWith('Done'))).toEqual([]);
    }
    expect(h.slack.violations).toEqual([]);
  });
});
