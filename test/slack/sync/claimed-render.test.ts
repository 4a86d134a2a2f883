// A process killed between claiming a render and writing it: the claim must not count as shown,
// or the restart's catch-up skips the message and it stays stale. Real database, fake Slack.
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createBudgetRepository } from '../../../src/db/budget.repository.js';
import { createSlackMessagesRepository } from '../../../src/db/slack-messages.repository.js';
import { parseRunbook } from '../../../src/runbook/index.js';
import { createTestClock } from '../../../src/shared/clock.js';
import { createSlackWriter } from '../../../src/slack/outbound/slack-writer.js';
import { createUpdateBudget, PRIORITY } from '../../../src/slack/outbound/update-budget.js';
import { createMessageWrites, hashOf } from '../../../src/slack/sync/message-writes.js';
import { createRunDeps } from '../../../src/usecases/deps.js';
import { DRIVERS } from '../../support/database.js';
import { startTestRun, useSyncBed } from '../../support/sync-bed.js';

const TIMING = { postIntervalMs: 1, updateIntervalMs: 1, maxAttempts: 2, maxRetryAfterMs: 500 };
const silent = pino({ level: 'silent' });

describe.each(DRIVERS)('a render claimed by a process that died (%s)', (driver) => {
  const bed = useSyncBed(driver);

  it('is written by the next process that renders the same state', async () => {
    const { handle, slack } = bed;
    const runId = await startTestRun(
      createRunDeps(handle.db, createTestClock()),
      parseRunbook('# T\n## A\n- [ ] one\n'),
    );
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1' });
    const messages = createSlackMessagesRepository({ db: handle.db });
    const key = { runId: runId, kind: 'phase', phaseIndex: 0, part: 0 };
    const at = new Date().toISOString();
    await messages.save({
      ...key,
      channelId: 'C1',
      ts: posted.ts ?? '',
      renderedVersion: 1,
      renderHash: hashOf({ text: 'v1' }),
      updatedAt: at,
    });
    // The dead process claimed v2 and was killed before Slack got it.
    expect(await messages.claimRender(key, 2, hashOf({ text: 'v2' }), at)).toBe('send');
    const restarted = createMessageWrites({
      writer: createSlackWriter(client, silent, { ...TIMING, updatesPerMinute: 600 }),
      budget: createUpdateBudget({
        store: createBudgetRepository({ db: handle.db }),
        perMinute: 600,
        logger: silent,
      }),
      messages,
      logger: silent,
      clock: createTestClock(),
      gapMs: 1,
    });
    const [stored] = await messages.forRun(runId);
    if (!stored) throw new Error('message not stored');
    expect(await restarted.write(stored, { text: 'v2' }, 2, { priority: PRIORITY.parent })).toBe(
      'chat.update',
    );
    expect(slack.message('C1', stored.ts)?.text).toBe('v2');
    // Once written, it counts as shown: the same render is not sent again.
    const [after] = await messages.forRun(runId);
    expect(after?.renderHash).toBe(hashOf({ text: 'v2' }));
  });
});
