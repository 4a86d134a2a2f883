// Writes to one message: versioned, serialised, response_url first, chat.update under a budget that
// every replica shares through Postgres. Real database, fake Slack over HTTP; the gaps and the
// budget's refill run on a test clock, moved by the tests.
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBudgetRepository } from '../../../src/db/budget.repository.js';
import type { DatabaseHandle } from '../../../src/db/client.js';
import {
  createSlackMessagesRepository,
  type StoredMessage,
} from '../../../src/db/slack-messages.repository.js';
import { parseRunbook } from '../../../src/runbook/index.js';
import { createTestClock, type TestClock } from '../../../src/shared/clock.js';
import { createSlackWriter } from '../../../src/slack/outbound/slack-writer.js';
import { createUpdateBudget, PRIORITY } from '../../../src/slack/outbound/update-budget.js';
import { createMessageWrites, hashOf } from '../../../src/slack/sync/message-writes.js';
import { createRunDeps } from '../../../src/usecases/deps.js';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../../support/database.js';
import { createFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { startTestRun } from '../../support/sync-bed.js';
import { runOn, runUntil, until } from '../../support/virtual-time.js';

const TIMING = {
  postIntervalMs: 1,
  updateIntervalMs: 1,
  maxAttempts: 2,
  maxRetryAfterMs: 500,
  updatesPerMinute: 600,
};
const silent = pino({ level: 'silent' });

describe.each(DRIVERS)('message writes (%s)', (driver) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let slack: FakeSlack;
  let message: StoredMessage;
  let time: TestClock;

  function setup(perMinute = TIMING.updatesPerMinute) {
    const client = new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    const writer = createSlackWriter(client, silent, TIMING, time.timer);
    const budget = createUpdateBudget({
      store: createBudgetRepository({ db: handle.db }),
      perMinute,
      logger: silent,
      timer: time.timer,
    });
    const messages = createSlackMessagesRepository({ db: handle.db });
    const overtaken: string[] = [];
    const writes = createMessageWrites({
      writer,
      budget,
      messages,
      logger: silent,
      clock: time,
      timer: time.timer,
      gapMs: 1,
    });
    writes.onOvertaken((runId) => overtaken.push(runId));
    return { writes, messages, overtaken, budget };
  }

  beforeEach(async () => {
    time = createTestClock();
    database = await createTestDatabase(driver);
    handle = await database.open();
    slack = await createFakeSlack();
    const deps = createRunDeps(handle.db, createTestClock());
    const runId = await startTestRun(deps, parseRunbook('# T\n## A\n- [ ] one\n'));
    const posted = await new WebClient('xoxb-test', { slackApiUrl: slack.url }).chat.postMessage({
      channel: 'C1',
      text: 'v1',
    });
    message = {
      runId,
      kind: 'phase',
      phaseIndex: 0,
      part: 0,
      channelId: 'C1',
      ts: posted.ts ?? '',
      renderedVersion: 1,
      renderHash: hashOf({ text: 'v1' }),
      updatedAt: new Date().toISOString(),
    };
    await createSlackMessagesRepository({ db: handle.db }).save(message);
  });
  afterEach(async () => {
    await handle.close();
    await database.dispose();
    await slack.close();
  });

  it('uses the click’s response_url first, and chat.update when it is used up', async () => {
    const { writes } = setup();
    const url = slack.responseUrl('click', { channel: 'C1', ts: message.ts });
    expect(
      await writes.write(message, { text: 'v2' }, 2, { priority: PRIORITY.clicked, responseUrl: url }),
    ).toBe('response_url');
    expect(slack.message('C1', message.ts)?.text).toBe('v2');
    expect(slack.callsTo('chat.update')).toHaveLength(0);
    for (let v = 3; v <= 6; v++)
      await writes.write(message, { text: `v${v}` }, v, { priority: PRIORITY.clicked, responseUrl: url });
    // Slack allows five uses: the sixth falls back to chat.update.
    expect(
      await writes.write(message, { text: 'v7' }, 7, { priority: PRIORITY.clicked, responseUrl: url }),
    ).toBe('chat.update');
    expect(slack.responseWrites('click')).toHaveLength(5);
    expect(slack.message('C1', message.ts)?.text).toBe('v7');
  });

  it('falls back to chat.update when response_url answers an error', async () => {
    const { writes } = setup();
    slack.failNext('response_url', { status: 404 });
    const url = slack.responseUrl('click', { channel: 'C1', ts: message.ts });
    expect(
      await writes.write(message, { text: 'v2' }, 2, { priority: PRIORITY.clicked, responseUrl: url }),
    ).toBe('chat.update');
    expect(slack.message('C1', message.ts)?.text).toBe('v2');
  });

  it('never lets an older render overwrite a newer one, whichever path is slower', async () => {
    const { writes } = setup();
    slack.delay('response_url', 150);
    const url = slack.responseUrl('click', { channel: 'C1', ts: message.ts });
    const newer = writes.write(message, { text: 'v5' }, 5, { priority: PRIORITY.clicked, responseUrl: url });
    const older = writes.write(message, { text: 'v4' }, 4, { priority: PRIORITY.other });
    const same = writes.write(message, { text: 'v5' }, 5, { priority: PRIORITY.parent });
    expect(await older).toBe('unchanged');
    await Promise.all([newer, same]);
    // A second process renders an old state later: the database claim keeps it out.
    const other = setup();
    expect(await other.writes.write(message, { text: 'v3' }, 3, { priority: PRIORITY.other })).toBe(
      'unchanged',
    );
    expect(slack.message('C1', message.ts)?.text).toBe('v5');
    const shown = (await other.messages.forRun(message.runId))[0];
    expect(shown?.renderedVersion).toBe(5);
  });

  it('coalesces writes waiting for the budget: the latest wins, unchanged content is not sent', async () => {
    const { writes } = setup(60);
    const all = [2, 3, 4, 5, 6].map((v) =>
      writes.write(message, { text: `v${v}` }, v, { priority: PRIORITY.parent }),
    );
    await runOn(time, Promise.all(all));
    const sent = slack.callsTo('chat.update').map((c) => c.body.text);
    expect(sent.at(-1)).toBe('v6');
    expect(sent.length).toBeLessThanOrEqual(2);
    expect(await writes.write(message, { text: 'v6' }, 6, { priority: PRIORITY.parent })).toBe('unchanged');
  });

  it('sends a click that joins a write waiting for the budget through its response_url at once', async () => {
    // 8 a minute: a burst of 1, then a token every ~8.6 s.
    const { writes, budget } = setup(8);
    expect(await writes.write(message, { text: 'v2' }, 2, { priority: PRIORITY.other })).toBe('chat.update');
    const waiting = writes.write(message, { text: 'v3' }, 3, { priority: PRIORITY.other });
    // Past its 1 ms gap, the write waits for a token, and the budget for its refill.
    await runUntil(time, () => budget.waiting === 1);
    await until(() => time.sleeping === 1);
    const started = time.timer.now();
    const url = slack.responseUrl('click', { channel: 'C1', ts: message.ts });
    const clicked = writes.write(message, { text: 'v4' }, 4, {
      priority: PRIORITY.clicked,
      responseUrl: url,
    });
    // No time passes: the click does not wait for the refill.
    expect(await clicked).toBe('response_url');
    expect(await waiting).toBe('response_url');
    expect(time.timer.now()).toBe(started);
    expect(slack.message('C1', message.ts)?.text).toBe('v4');
    // The wait for a token was left, not served later: no chat.update beyond the first.
    expect(budget.waiting).toBe(0);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });

  it('answers a write waiting for the budget when the budget closes, instead of leaving it unanswered', async () => {
    const { writes, budget } = setup(8);
    await writes.write(message, { text: 'v2' }, 2, { priority: PRIORITY.other });
    const waiting = writes.write(message, { text: 'v3' }, 3, { priority: PRIORITY.other });
    await runUntil(time, () => budget.waiting === 1);
    budget.close();
    await expect(waiting).rejects.toThrow(/budget is closed/);
    expect(slack.message('C1', message.ts)?.text).toBe('v2');
  });

  it('moves a waiting write up when a write of higher priority joins it', async () => {
    const { writes, budget } = setup(8);
    await writes.write(message, { text: 'v2' }, 2, { priority: PRIORITY.other });
    const other = writes.write(message, { text: 'v3' }, 3, { priority: PRIORITY.other });
    // Another message's parent write queues at priority parent, ahead of ours.
    const parentFirst = budget.take(PRIORITY.parent, 'another-run');
    await runUntil(time, () => budget.waiting === 2);
    const clicked = writes.write(message, { text: 'v4' }, 4, { priority: PRIORITY.clicked });
    // Ours now waits at the clicked priority: it gets the next token, before the parent write.
    let parentServed = false;
    void parentFirst.then(
      () => {
        parentServed = true;
      },
      () => undefined,
    );
    // The next token comes with the refill, ~8.6 s of the test clock later.
    const before = time.timer.now();
    expect(await runOn(time, clicked)).toBe('chat.update');
    expect(time.timer.now() - before).toBeGreaterThan(8000);
    expect(await other).toBe('chat.update');
    expect(parentServed).toBe(false);
    expect(slack.message('C1', message.ts)?.text).toBe('v4');
    budget.close();
    await parentFirst.catch(() => undefined);
  });

  it('two replicas draw on one workspace budget', async () => {
    // 30 a minute: a burst of 3, then 27 a minute; in 2 s the two together get about 4, not 8, and
    // in a minute about 30, not 60.
    const a = setup(30).budget;
    const b = setup(30).budget;
    const grantedAt: number[] = [];
    const started = time.timer.now();
    const takes = Array.from({ length: 80 }, (_, i) =>
      (i % 2 ? a : b).take(PRIORITY.other, `run${i % 5}`).then(
        () => grantedAt.push(time.timer.now() - started),
        () => undefined,
      ),
    );
    await runUntil(time, () => time.timer.now() - started >= 60_000);
    a.close();
    b.close();
    await Promise.all(takes);
    const within = (ms: number) => grantedAt.filter((t) => t < ms).length;
    expect(within(2000)).toBeGreaterThanOrEqual(3);
    expect(within(2000)).toBeLessThanOrEqual(5);
    expect(within(60_000)).toBeGreaterThanOrEqual(27);
    expect(within(60_000)).toBeLessThanOrEqual(31);
  });
});
