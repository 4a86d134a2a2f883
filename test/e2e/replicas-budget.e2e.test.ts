// Two bot processes on one Postgres database share one workspace's chat.update budget: with a
// budget of 30 a minute (bursts of 3), clicks sent to both at once get no more updates out of the
// two together than one process would. Postgres only (PGlite allows one process per data folder).
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/server.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { postToApp } from '../support/slack-requests.js';
import { buttonsOf, E2E_DRIVER, type Harness, SECRET, startHarness } from './harness.js';

const PER_MINUTE = 30;
// The budget's burst for 30 a minute (update-budget.ts): 3, then the rest of the minute's 30.
const BURST = 3;
const WINDOW_MS = 4000;

describe.runIf(E2E_DRIVER === 'postgres')('two replicas and the update budget', () => {
  let h: Harness | undefined;
  let second: Bot | undefined;
  afterEach(async () => {
    await second?.stop();
    await h?.close();
  });

  it('two replicas on one database together stay within one workspace budget', async () => {
    const harness = await startHarness({ driver: 'postgres', timing: { updatesPerMinute: PER_MINUTE } });
    h = harness;
    second = await startBot(harness.config, pino({ level: 'silent' }), {
      clock: harness.clock,
      timing: harness.timing,
      pollMs: 60_000,
      stopTimeoutMs: 500,
    });
    const channels = ['C0BUDGET1', 'C0BUDGET2', 'C0BUDGET3'];
    for (const [i, channel] of channels.entries())
      await harness.command(`start k8s-service-rollout env=budget${i}`, 'U0ALICE', channel);
    // Every click's own response_url fails: each clicked message must go out by chat.update.
    harness.slack.failFor('response_url', { status: 500 }, 60_000);
    const clicks = channels.flatMap((channel) =>
      harness.thread(channel).flatMap((m) =>
        buttonsOf(m)
          .filter((b) => b.actionId === ACTIONS.stepDone)
          .map((b) => harness.clickBody(b, 'U0BOB', { channel, ts: m.ts }).body),
      ),
    );
    expect(clicks.length).toBeGreaterThanOrEqual(9);
    const from = Date.now();
    const urls = [harness.bot.port, second.port].map((p) => `http://127.0.0.1:${p}/slack/events`);
    const answers = await Promise.all(
      clicks.map((body, i) => postToApp(urls[i % 2] ?? '', body, { secret: SECRET })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const updates = harness.slack
      .callsTo('chat.update')
      .filter((c) => c.at >= from && c.at < from + WINDOW_MS);
    // One bucket for both: the burst plus what refills in the window (one process alone would get as many).
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThanOrEqual(
      BURST + Math.ceil(((PER_MINUTE - BURST) * WINDOW_MS) / 60_000) + 1,
    );
  });
});
