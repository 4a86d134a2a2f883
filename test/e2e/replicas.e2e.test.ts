// Two bot processes on one Postgres database (PGlite allows one process per data folder, so this
// runs on Postgres only): both serve Slack and both run the background worker on the same clock;
// every due timer must take effect once, whichever process gets to it.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/server.js';
import { ACTIONS, VIEWS } from '../../src/slack/ids.js';
import { postToApp, viewSubmissionBody } from '../support/slack-requests.js';
import { lastPage, pagedUsers, threadTexts } from './drive.js';
import {
  buttonsOf,
  CHANNEL,
  E2E_DRIVER,
  type Harness,
  readExample,
  SECRET,
  startHarness,
} from './harness.js';

const SOAK = `---
title: Soak test
environment: staging
---

# Soak test

## Deploy

- [ ] Soak for 10 minutes

## Rollback

1. Revert the build

## Contacts

- **On-call**: Ingrid Solberg (@ingrid), +1 555 0101
`;

// The harness's writer timing: Slack posts are not paced in tests.
const TIMING = {
  postIntervalMs: 2,
  updateIntervalMs: 2,
  maxAttempts: 6,
  maxRetryAfterMs: 1500,
  updatesPerMinute: 60_000,
};

describe.runIf(E2E_DRIVER === 'postgres')('two bot processes on one database', () => {
  let h: Harness | undefined;
  let second: Bot | undefined;
  afterEach(async () => {
    await second?.stop();
    await h?.close();
  });

  it('each page, reminder and notice is sent exactly once', async () => {
    const harness = await startHarness({
      driver: 'postgres',
      runbooks: {
        'k8s-service-rollout': readExample('k8s-service-rollout.md'),
        soak: SOAK,
      },
    });
    h = harness;
    const other = await startBot(harness.config, pino({ level: 'silent' }), {
      clock: harness.clock,
      timing: TIMING,
      pollMs: 60_000,
    });
    second = other;
    // Both processes run their worker at once, twice each, as replicas polling together would.
    const tickBoth = () => Promise.all([harness.bot.tick(), other.tick(), harness.bot.tick(), other.tick()]);
    const elapseBoth = async (minutes: number) => {
      harness.clock.advanceMinutes(minutes);
      await tickBoth();
    };

    await harness.command('start k8s-service-rollout', 'U0ALICE');
    await harness.command('start soak', 'U0ALICE', 'C0SOAK');
    const phase = harness.thread('C0SOAK')[0];
    const timer = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepStartWait);
    if (!phase || !timer) throw new Error('no timer button');
    expect((await harness.click(timer, 'U0BOB', { channel: 'C0SOAK', ts: phase.ts })).replies).toEqual([]);

    // Start rollback opens the modal on one process; its submission reaches the other.
    const parent = harness.parent();
    const rollback = buttonsOf(parent).find((b) => b.actionId === ACTIONS.startRollback);
    if (!parent || !rollback) throw new Error('no Start rollback button');
    await harness.click(rollback, 'U0BOB', { channel: CHANNEL, ts: parent.ts });
    const modal = harness.slack.modals().at(-1);
    const submitted = await postToApp(
      `http://127.0.0.1:${other.port}/slack/events`,
      viewSubmissionBody({
        userId: 'U0BOB',
        callbackId: VIEWS.rollbackReason,
        privateMetadata: String(modal?.view.private_metadata ?? ''),
        values: { reason: { value: 'canary errors' } },
      }),
      { secret: SECRET },
    );
    expect(submitted.status).toBe(200);
    await Promise.all([other.idle(), harness.bot.idle()]);
    await tickBoth();
    expect(pagedUsers(harness)).toEqual(['U0INGRID']);

    const order = ['U0INGRID', 'U0RAFAEL', 'U0MEITAN', 'U0TBECKR', 'U0INGRID'];
    for (let i = 1; i < order.length; i++) {
      await elapseBoth(4);
      expect(pagedUsers(harness)).toEqual(order.slice(0, i));
      await elapseBoth(1);
      expect(pagedUsers(harness)).toEqual(order.slice(0, i + 1));
    }
    expect(JSON.stringify(lastPage(harness, 'U0INGRID')?.blocks)).toContain('(round 2)');

    // Rafael's page, as it was before anyone acknowledged (a stale card on his screen).
    const rafaelPage = lastPage(harness, 'U0RAFAEL');
    const rafaelAck = buttonsOf(rafaelPage).find((b) => b.actionId === ACTIONS.acknowledge);
    if (!rafaelPage || !rafaelAck) throw new Error('no Acknowledge button for Rafael');
    // Ingrid acknowledges through the second process; both go on polling: nothing more is sent.
    const page = lastPage(harness, 'U0INGRID');
    const ack = buttonsOf(page).find((b) => b.actionId === ACTIONS.acknowledge);
    if (!page || !ack) throw new Error('no Acknowledge button');
    const click = harness.clickBody(ack, 'U0INGRID', { channel: page.channel, ts: page.ts });
    const res = await postToApp(`http://127.0.0.1:${other.port}/slack/events`, click.body, {
      secret: SECRET,
    });
    expect(res.status).toBe(200);
    await other.idle();
    expect(click.replies()).toEqual([]);
    await elapseBoth(30);
    // Every page of the run was edited: no Acknowledge left, and it says who acknowledged.
    expect(buttonsOf(lastPage(harness, 'U0RAFAEL'))).toEqual([]);
    expect(JSON.stringify(lastPage(harness, 'U0RAFAEL')?.blocks)).toContain('<@U0INGRID> acknowledged');
    // A click on the stale card is told who was first.
    const stale = await harness.click(rafaelAck, 'U0RAFAEL', {
      channel: rafaelPage.channel,
      ts: rafaelPage.ts,
    });
    expect(stale.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^already acknowledged by <@U0INGRID>/),
    ]);

    expect(pagedUsers(harness)).toEqual(order);
    const dms = harness.slack
      .callsTo('chat.postMessage')
      .filter((c) => String(c.body.channel).startsWith('D'))
      .map((c) => c.body.channel);
    expect(dms).toEqual(order.map((u) => harness.slack.dmChannel(u)));
    const count = (channel: string, prefix: string) =>
      threadTexts(harness, channel).filter((t) => t.startsWith(prefix)).length;
    expect(count(CHANNEL, '🔴')).toBe(1);
    expect(count(CHANNEL, '✅')).toBe(1);
    expect(count('C0SOAK', '⏰')).toBe(1);
    expect(threadTexts(harness, 'C0SOAK')).toContain(
      '⏰ <@U0BOB> the 10-minute wait of “Soak for 10 minutes” is over.',
    );
  });
});
