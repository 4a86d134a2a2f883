// Chaos from outside: five deploys at once, each button clicked the moment it shows, every click sent
// twice (a double click) and to both replicas, while Slack's answer to each post comes 300 ms after
// people see the message. Every run completes, every message ends equal to the render of the committed
// state, and the bot deletes none of its own messages. Two replicas share one database: Postgres only
// (PGlite allows one process per data folder).
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/server.js';
import { ACTIONS } from '../../src/slack/ids.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { blockActionsBody, postToApp } from '../support/slack-requests.js';
import { buttonsOf, E2E_DRIVER, type FoundButton, type Harness, SECRET, startHarness } from './harness.js';

const RUNBOOK = `# Chaos

## Prepare

- [ ] Freeze merges
- [ ] Tag the release

## Sign-off

Approved By (QA): ________

## Ship

1. Deploy
2. Verify
3. Unfreeze merges

## Rollback

1. Revert
`;

const DEPLOYS = 5;
const STEPS = 5;
const CHANNELS = Array.from({ length: DEPLOYS }, (_, i) => `C0CHAOS${i}`);
const STARTER = 'U0ALICE';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(E2E_DRIVER === 'postgres')(
  'chaos: concurrent deploys, double clicks on two replicas, slow answers',
  () => {
    let h: Harness | undefined;
    let second: Bot | undefined;
    afterEach(async () => {
      await second?.stop();
      await h?.close();
    });

    it('completes every run, converges every message, and deletes none of its own', async () => {
      const harness = await startHarness({ driver: 'postgres', runbooks: { chaos: RUNBOOK }, directory: '' });
      h = harness;
      const other = await startBot(harness.config, pino({ level: 'silent' }), {
        clock: harness.clock,
        timing: harness.timing,
        pollMs: 250,
      });
      second = other;
      const urls = [
        `http://127.0.0.1:${harness.bot.port}/slack/events`,
        `http://127.0.0.1:${other.port}/slack/events`,
      ];
      // People see every post at once; the bot hears Slack's answer 300 ms later.
      harness.slack.failFor('chat.postMessage', { answerAfterMs: 300 }, 10 * 60_000);

      await Promise.all(
        CHANNELS.map((channel, i) => harness.command(`start chaos env=chaos${i}`, STARTER, channel)),
      );

      const clicked = new Set<string>();
      const messagesOf = (channel: string): FakeMessage[] => {
        const parent = harness.slack.messages(channel).find((m) => !m.thread_ts);
        return parent ? [parent, ...harness.slack.thread(channel, parent.ts)] : [];
      };
      const nextButton = (channel: string): { button: FoundButton; message: FakeMessage } | null => {
        for (const message of messagesOf(channel))
          for (const button of buttonsOf(message)) {
            if (button.actionId !== ACTIONS.stepDone && button.actionId !== ACTIONS.approve) continue;
            if (clicked.has(`${message.ts}|${button.value}`)) continue;
            return { button, message };
          }
        return null;
      };
      const click = (
        channel: string,
        message: FakeMessage,
        button: FoundButton,
        url: string,
        userId: string,
      ) =>
        postToApp(
          url,
          blockActionsBody({
            userId,
            channelId: channel,
            messageTs: message.ts,
            ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
            message,
            responseUrl: harness.slack.responseUrl(undefined, { channel, ts: message.ts, user: userId }),
            actions: [{ action_id: button.actionId, value: button.value, block_id: button.blockId }],
          }),
          { secret: SECRET },
        );

      // Each deploy clicks whatever shows, as fast as it shows, twice, on both replicas.
      const drive = async (channel: string) => {
        const deadline = Date.now() + 90_000;
        let idleSince = Date.now();
        while (Date.now() < deadline) {
          const next = nextButton(channel);
          if (!next) {
            if (Date.now() - idleSince > 3_000) return;
            await sleep(10);
            continue;
          }
          idleSince = Date.now();
          const { button, message } = next;
          clicked.add(`${message.ts}|${button.value}`);
          const userId = button.actionId === ACTIONS.approve ? 'U0QA0001' : 'U0BOB';
          const answers = await Promise.all(urls.map((url) => click(channel, message, button, url, userId)));
          expect(answers.map((a) => a.status)).toEqual([200, 200]);
        }
      };
      await Promise.all(CHANNELS.map(drive));
      await Promise.all([harness.bot.idle(), other.idle()]);
      await sleep(1_500);
      await Promise.all([harness.bot.idle(), other.idle()]);

      for (const channel of CHANNELS) {
        const parent = harness.slack.messages(channel).find((m) => !m.thread_ts);
        expect(parent?.text, channel).toMatch(/Completed/);
      }
      const { shown, wanted, count } = await harness.expectCurrent();
      expect(count).toBeGreaterThanOrEqual(DEPLOYS * 3);
      expect(shown).toEqual(wanted);
      expect(harness.slack.callsTo('chat.delete')).toEqual([]);
      // Every step and the approval were clicked, twice each, on two replicas (the approval also
      // from its copy on the parent).
      const values = new Set([...clicked].map((key) => key.slice(key.indexOf('|') + 1)));
      expect(values.size).toBe(DEPLOYS * (STEPS + 1));
    }, 180_000);
  },
);
