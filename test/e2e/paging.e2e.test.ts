// Paging that reaches someone, in the thread: the live view of the escalation (who is paged now,
// who is next and when), **Page next now** for the rollback's driver, and an acknowledgement from
// anywhere stopping the chain and editing every DM of the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { elapse, lastPage, pagedUsers, startRollback, threadTexts } from './drive.js';
import { buttonsOf, E2E_DRIVER, type Harness, startHarness } from './harness.js';
import { pagerDrill } from './pager-drill.js';

const PAGER = pagerDrill();

describe('paging in the thread', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { pager: PAGER } });
    h.slack.allowMentions('U0ALICE', 'U0BOB', 'U0MALLORY', 'U0SRELD1', 'U0MEITAN');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The rollback phase message and its live escalation text. */
  const live = (channel: string) => {
    const message = h.thread(channel).find((m) => m.text.includes('🔴 Rollback'));
    const blocks = (message?.blocks ?? []) as { block_id?: string; text?: { text?: string } }[];
    const text = blocks.find((b) => b.block_id?.startsWith('escalation:s'))?.text?.text ?? '';
    return { message, text, buttons: buttonsOf(message).filter((b) => b.blockId.startsWith('escalation:')) };
  };
  const click = (message: FakeMessage | undefined, action: string, user: string) => {
    const button = buttonsOf(message).find((b) => b.actionId === action);
    if (!message || !button) throw new Error(`no ${action} button`);
    return h.click(button, user, { channel: message.channel, ts: message.ts });
  };

  it('shows who is paged and who is next; Page next now skips the wait; one acknowledgement stops it all', async () => {
    const channel = 'C0PAGING';
    await h.command('start pager', 'U0ALICE', channel);
    await startRollback(h, 'U0BOB', 'canary errors', channel);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1']);
    let view = live(channel);
    expect(view.text).toMatch(
      /^📟 \*Paging now:\* Sam Lead \(<@U0SRELD1>\) since (\d\d:\d\d) UTC, round 1 of 2\n⏭ \*Next:\* Mei Tanaka at \d\d:\d\d UTC, unless someone acknowledges first$/,
    );
    expect(view.buttons.map((b) => b.text)).toEqual(['Page next now', 'Acknowledge']);

    // Only the rollback's driver (or the starter) may skip ahead.
    const refused = await click(view.message, ACTIONS.pageNext, 'U0MALLORY');
    expect(refused.replies.map((r) => r.body.text)).toEqual([
      "only <@U0BOB>, who started the rollback, or the run's starter may page the next contact now",
    ]);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1']);
    expect((await click(view.message, ACTIONS.pageNext, 'U0BOB')).replies).toEqual([]);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1', 'U0MEITAN']);
    view = live(channel);
    expect(view.text).toMatch(
      /^📟 \*Paging now:\* Mei Tanaka \(<@U0MEITAN>\) since .*round 1 of 2\n⏭ \*Next:\* Sam Lead at .* \(round 2\)/,
    );
    // Sam's old timeout does not page anyone; Mei's full timeout still applies.
    await elapse(h, 1);
    expect(pagedUsers(h, channel)).toHaveLength(2);
    await elapse(h, 1);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1', 'U0MEITAN', 'U0SRELD1']);
    expect(live(channel).text).toMatch(
      /^📟 \*Paging now:\* Sam Lead .* round 2 of 2\n⏭ \*Next:\* Mei Tanaka/,
    );

    // Mei acknowledges from the thread (she was paged): the chain stops and every DM says so.
    expect((await click(live(channel).message, ACTIONS.acknowledge, 'U0MEITAN')).replies).toEqual([]);
    expect(threadTexts(h, channel)).toContain('✅ <@U0MEITAN> acknowledged the page and is on it.');
    view = live(channel);
    expect(view.text).toMatch(/^✅ \*Acknowledged\* by <@U0MEITAN> at \d\d:\d\d UTC: paging stopped\.$/);
    expect(view.buttons).toEqual([]);
    const dms = [...h.slack.dms('U0SRELD1'), ...h.slack.dms('U0MEITAN')];
    expect(dms).toHaveLength(3);
    for (const dm of dms) {
      expect(buttonsOf(dm)).toEqual([]);
      expect(JSON.stringify(dm.blocks)).toMatch(
        /✅ <@U0MEITAN> acknowledged the rollback of \*Pager drill\* \(staging\) in <#C0PAGING> at \d\d:\d\d UTC/,
      );
    }
    expect(h.slack.callsTo('chat.update').filter((c) => String(c.body.channel).startsWith('D'))).toHaveLength(
      3,
    );
    await elapse(h, 30);
    expect(pagedUsers(h, channel)).toHaveLength(3);
    expect(lastPage(h, 'U0SRELD1', channel)).toBeDefined();
    expect(h.slack.violations).toEqual([]);
  }, 120_000);

  it('a run aborted while paging stops the chain and its DMs say paging stopped', async () => {
    const channel = 'C0PAGEABORT';
    await h.command('start pager env=drill', 'U0ALICE', channel);
    await startRollback(h, 'U0BOB', null, channel);
    const before = pagedUsers(h, channel).length;
    const { replies } = await h.command(`abort ${await runIdIn(channel)} wrong window`, 'U0ALICE', channel);
    expect(replies[0]?.body.text).toMatch(/aborted/);
    const page = lastPage(h, 'U0SRELD1', channel);
    expect(buttonsOf(page)).toEqual([]);
    expect(JSON.stringify(page?.blocks)).toMatch(
      /📟 Paging for the rollback of \*Pager drill\* .* stopped: the run ended at \d\d:\d\d UTC\./,
    );
    expect(live(channel).text).toBe('📟 Paging stopped: the run ended.');
    await elapse(h, 30);
    expect(pagedUsers(h, channel)).toHaveLength(before);
  }, 120_000);

  async function runIdIn(channel: string): Promise<string> {
    const value = buttonsOf(h.parent(channel))[0]?.value ?? '';
    return (value.split('|')[0] ?? '').slice(0, 8);
  }
});
