// Owners end to end: the runbook names them (front matter, heading, item); the phase message that
// is posted when the phase becomes current shows and mentions them (their one ping); the thread
// reassigns a phase with a user select; the report keeps who owned what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { blockActionsBody } from '../support/slack-requests.js';
import { APPROVERS, finishOpenSteps, threadTexts } from './drive.js';
import { buttonsOf, CHANNEL, E2E_DRIVER, type Harness, startHarness } from './harness.js';

const OWNED = `---
title: Owned rollout
environment: staging
owners:
  Deploy: SRE
  verify: Mei Tanaka
---

# Owned rollout

## Prepare (owner: @rmendes)

- [ ] Announce the deploy
- [ ] Migrate the database. Owner: Ingrid Solberg

## Deploy

- [ ] Ship it

## Verify

- [ ] Check the dashboards

## Rollback

1. Revert

## Contacts

- **On-call**: Ingrid Solberg (@ingrid), +1 555 0101
`;

type Block = {
  block_id?: string;
  text?: { text?: string };
  accessory?: { type?: string; action_id?: string };
};

describe('owners', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { owned: OWNED } });
    h.slack.allowMentions('U0ALICE', 'U0BOB', ...APPROVERS);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Messages the bot posted (each post pings whoever it mentions; edits ping nobody) that mention `user`. */
  const pings = (user: string) =>
    h.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.status === 200 && JSON.stringify([c.body.text, c.body.blocks]).includes(`<@${user}>`));
  const ownerBlock = (title: string) => {
    const message = h
      .thread()
      .find((m) => m.text.includes(` · ${title}`) || m.text.includes(` · ✅ ${title}`));
    const block = (message?.blocks as Block[] | undefined)?.find((b) => b.block_id?.startsWith('owner|'));
    return { message, block };
  };

  it('shows and mentions owners once, reassigns from the thread, and the report keeps them', async () => {
    const { replies } = await h.command('start owned', 'U0ALICE');
    expect(replies[0]?.body.text).toMatch(/^Started run/);

    // The first phase's message names its owner and the step's owner, with a select to reassign.
    const prepare = ownerBlock('Prepare');
    expect(prepare.block?.text?.text).toBe(
      '👤 *Owner:* <@U0RAFAEL>\n• “Migrate the database. Owner: Ingrid Solberg”: <@U0INGRID>',
    );
    expect(prepare.block?.accessory).toMatchObject({
      type: 'users_select',
      action_id: ACTIONS.reassignOwner,
    });
    expect(pings('U0RAFAEL')).toHaveLength(1);
    expect(pings('U0INGRID')).toHaveLength(1);

    // Bob hands Prepare to Tom: the thread tells Tom (his one ping), the message shows who did it.
    const { message, block } = prepare;
    if (!message || !block?.block_id) throw new Error('no owner select');
    const body = blockActionsBody({
      userId: 'U0BOB',
      channelId: message.channel,
      messageTs: message.ts,
      responseUrl: h.slack.responseUrl(),
      actions: [
        {
          action_id: ACTIONS.reassignOwner,
          block_id: block.block_id,
          type: 'users_select',
          selected_user: 'U0TBECKR',
        },
      ],
    });
    await h.send([body, body]);
    expect(threadTexts(h).filter((t) => t.startsWith('👤'))).toEqual([
      '👤 <@U0TBECKR> now owns *Prepare (owner: @rmendes)* (reassigned by <@U0BOB>).',
    ]);
    expect(ownerBlock('Prepare').block?.text?.text).toMatch(
      /^👤 \*Owner:\* <@U0TBECKR> \(reassigned by <@U0BOB> at \d\d:\d\d UTC\)\n/,
    );
    expect(pings('U0TBECKR')).toHaveLength(1);

    // Deploy belongs to a role the directory maps to several people: shown, nobody pinged.
    // Verify's owner (front matter) is mentioned when Verify becomes current, once.
    expect(pings('U0MEITAN')).toHaveLength(0);
    await finishOpenSteps(h, CHANNEL, 'U0BOB');
    expect(ownerBlock('Deploy').block?.text?.text).toBe('👤 *Owner:* SRE');
    expect(pings('U0MEITAN')).toHaveLength(1);
    expect(h.parent()?.text).toMatch(/Completed/i);
    await h.restart();
    for (const user of ['U0RAFAEL', 'U0INGRID', 'U0TBECKR', 'U0MEITAN']) expect(pings(user)).toHaveLength(1);
    // A finished run's select is gone.
    expect(ownerBlock('Verify').block?.accessory).toBeUndefined();

    // The report keeps who owned what.
    const parent = h.parent();
    const report = buttonsOf(parent).find((b) => b.actionId === ACTIONS.report);
    if (!parent || !report) throw new Error('no Report button');
    // Without files:write the report is posted as messages, which this test reads.
    h.slack.failFor('files.getUploadURLExternal', { error: 'missing_scope' }, 60_000);
    await h.click(report, 'U0ALICE', { channel: parent.channel, ts: parent.ts });
    const text = JSON.stringify(
      h
        .thread()
        .filter((m) => m.text.startsWith('📄'))
        .map((m) => m.blocks),
    );
    expect(text).toContain('- **Owners:**');
    expect(text).toMatch(/\*\*Prepare \(owner: @rmendes\)\*\*: @U0TBECKR, reassigned by @U0BOB at /);
    expect(text).toContain('“Migrate the database. Owner: Ingrid Solberg”: Ingrid Solberg (@U0INGRID)');
    expect(text).toContain('**Deploy**: SRE');
    expect(text).toContain('**Verify**: Mei Tanaka (@U0MEITAN)');
    expect(h.slack.violations).toEqual([]);
  }, 120_000);
});
