// Approval gates end to end: signed clicks into the real receiver, the fake Slack's messages out.
// One bot serves every test; each test runs in its own channel and environment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/index.js';
import { ACTIONS, encodeValue } from '../../src/slack/ids.js';
import { APPROVERS, finishOpenSteps, runIdOf, threadTexts } from './drive.js';
import {
  buttonsOf,
  E2E_DRIVER,
  type FoundButton,
  type Harness,
  readExample,
  startHarness,
} from './harness.js';

const example = (name: string) => readExample(`${name}.md`);

// "Change manager" is not in the directory: anyone but the starter may sign, and two must.
const CHANGE_GATE = `---
title: Change with an unmapped gate
environment: staging
approvals:
  Change manager: 2
---

# Change with an unmapped gate

## Prepare

- [ ] Build the release

## Change approval

Approved By (Change manager): ________

## Ship

- [ ] Ship the release
- [ ] Tell the team

## Rollback

1. Revert the release

## Contacts

- **On-call**: Ingrid Solberg (@ingrid), +1 555 0101
`;

const RUNBOOKS = {
  'database-migration': example('database-migration'),
  'feature-flag-rollout': example('feature-flag-rollout'),
  'change-gate': CHANGE_GATE,
};

describe('approval gates', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: RUNBOOKS });
    h.slack.allowMentions('U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE', ...APPROVERS);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Starts a run in its own channel and environment; returns the channel. */
  async function start(runbook: string, channel: string, starter = 'U0ALICE'): Promise<string> {
    const { replies } = await h.command(`start ${runbook} env=${channel.toLowerCase()}`, starter, channel);
    expect(replies[0]?.body.text).toMatch(/^Started run/);
    return channel;
  }

  /** The Approve button of a role, in the parent (`where: 'parent'`) or in the thread. */
  function approveButton(
    channel: string,
    role: string,
    where: 'parent' | 'thread' = 'parent',
  ): { button: FoundButton; at: { channel: string; ts: string } } {
    const messages = where === 'parent' ? [h.parent(channel)] : h.thread(channel);
    for (const message of messages) {
      const button = buttonsOf(message).find(
        (b) => b.actionId === ACTIONS.approve && b.text === `Approve (${role})`,
      );
      if (message && button) return { button, at: { channel, ts: message.ts } };
    }
    throw new Error(`no Approve (${role}) button in the ${where} of ${channel}`);
  }

  /** Clicks Approve for a role as `user`; returns the private answer, or null when the click counted. */
  async function approve(channel: string, role: string, user: string, where: 'parent' | 'thread' = 'parent') {
    const { button, at } = approveButton(channel, role, where);
    const { replies } = await h.click(button, user, at);
    expect(replies.length).toBeLessThanOrEqual(1);
    return replies[0] ? String(replies[0].body.text) : null;
  }

  const phaseTitles = (channel: string) =>
    h.thread(channel).flatMap((m) => {
      const header = (m.blocks[0] ?? {}) as { type?: string; text?: { text?: string } };
      // Headings carry a status emoji ("✅ Pre-checks"): the title is what follows it.
      return header.type === 'header' ? [(header.text?.text ?? '').replace(/^[^\p{L}\d]+/u, '')] : [];
    });
  const parentText = (channel: string) => h.parent(channel)?.text ?? '';

  it('holds the next phase back until every slot is signed, SRE by a quorum of two', async () => {
    const channel = await start('database-migration', 'C0GATEALL');
    expect(await finishOpenSteps(h, channel)).toBe(6);
    // The gate now holds the run: no next phase, the parent asks for approval, the thread says who.
    expect(parentText(channel)).toMatch(/: Waiting for approval · Phase 2 of 3 · Migrate production$/);
    expect(threadTexts(h, channel)).toContain('🔒 Waiting for approval: Release captain, DBA, SRE.');
    expect(phaseTitles(channel)).toEqual(['Pre-checks']);
    expect(
      buttonsOf(h.parent(channel))
        .filter((b) => b.actionId === ACTIONS.approve)
        .map((b) => b.text),
    ).toEqual(['Approve (Release captain)', 'Approve (DBA)', 'Approve (SRE)']);

    // A click on a step behind the gate (a forged or stale button) is refused and changes nothing.
    const runbook = parseRunbook(RUNBOOKS['database-migration'], { fileName: 'database-migration' });
    const migrate = runbook.phases.findIndex((p) => p.title === 'Migrate production');
    const behind = runbook.steps.find((s) => s.phaseIndex === migrate);
    if (!behind) throw new Error('no step in Migrate production');
    const parent = h.parent(channel);
    if (!parent) throw new Error('no parent');
    const forged: FoundButton = {
      actionId: ACTIONS.stepDone,
      value: encodeValue({ runId: runIdOf(h, channel), stepId: behind.id }),
      text: 'Done',
      blockId: 'forged',
    };
    const refused = await h.click(forged, 'U0BOB', { channel, ts: parent.ts });
    expect(refused.replies.map((r) => r.body.text)).toEqual([
      'this step waits for an approval gate: it opens once every slot is signed',
    ]);

    // The slots are signed from the thread's gate, one by one; SRE needs two people.
    expect(await approve(channel, 'Release captain', 'U0MEITAN', 'thread')).toBeNull();
    expect(await approve(channel, 'DBA', 'U0RAFAEL', 'thread')).toBeNull();
    expect(await approve(channel, 'SRE', 'U0INGRID', 'thread')).toBeNull();
    expect(phaseTitles(channel)).toEqual(['Pre-checks']);
    expect(parentText(channel)).toMatch(/Waiting for approval/);
    expect(JSON.stringify(h.parent(channel)?.blocks)).toContain('*SRE*: 1 of 2 signed');
    expect(buttonsOf(h.parent(channel)).map((b) => b.text)).toEqual(
      expect.arrayContaining(['Approve (SRE)']),
    );
    expect(buttonsOf(h.parent(channel)).map((b) => b.text)).not.toContain('Approve (DBA)');

    expect(await approve(channel, 'SRE', 'U0TOMAS1', 'thread')).toBeNull();
    expect(phaseTitles(channel)).toEqual(['Pre-checks', 'Migrate production']);
    expect(parentText(channel)).toMatch(/: Running · Phase 2 of 3 · Migrate production$/);
    expect(buttonsOf(h.parent(channel)).filter((b) => b.actionId === ACTIONS.approve)).toEqual([]);
    // The gate in the thread shows who signed, and has no buttons left.
    const gate = JSON.stringify(h.thread(channel)[0]?.blocks);
    expect(gate).toContain('Approval gate signed');
    for (const who of ['U0MEITAN', 'U0RAFAEL', 'U0INGRID', 'U0TOMAS1']) expect(gate).toContain(`<@${who}>`);
    expect(buttonsOf(h.thread(channel)[0]).filter((b) => b.actionId === ACTIONS.approve)).toEqual([]);
    // The step that was refused opens now.
    const again = await h.click(forged, 'U0BOB', { channel, ts: parent.ts });
    expect(again.replies).toEqual([]);
    expect(h.slack.violations).toEqual([]);
  });

  it('refuses the starter (who holds the role), outsiders, a second slot and a second signature', async () => {
    // Mei is a Release captain, and started the run: four eyes say someone else must sign.
    const channel = await start('database-migration', 'C0GATEFOUR', 'U0MEITAN');
    await finishOpenSteps(h, channel);
    expect(await approve(channel, 'Release captain', 'U0MEITAN')).toBe(
      'you started this run; someone else must approve',
    );
    expect(await approve(channel, 'Release captain', 'U0BOB')).toBe(
      'only people in the Release captain role may approve this slot',
    );
    expect(await approve(channel, 'DBA', 'U0INGRID')).toBeNull();
    // Ingrid is in SRE too, but one person signs one slot of a gate.
    expect(await approve(channel, 'SRE', 'U0INGRID')).toBe(
      'you already signed DBA at this gate; another person must sign SRE',
    );
    expect(await approve(channel, 'SRE', 'U0TOMAS1')).toBeNull();
    expect(await approve(channel, 'SRE', 'U0TOMAS1')).toMatch(/^you already approved SRE at \d\d:\d\d UTC$/);
    // The directory names sre.lead@example.com: found with users.lookupByEmail.
    expect(await approve(channel, 'SRE', 'U0SRELD1')).toBeNull();
    expect(h.slack.callsTo('users.lookupByEmail').map((c) => c.body.email)).toContain('sre.lead@example.com');
    expect(phaseTitles(channel)).toEqual(['Pre-checks']);
    // A stale Approve button, clicked after the slot is full, says who signed it.
    const stale = approveButton(channel, 'Release captain');
    expect((await h.click(stale.button, 'U0TBECKR', stale.at)).replies).toEqual([]);
    const late = await h.click(stale.button, 'U0MEITAN', stale.at);
    expect(late.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^Release captain is already approved by <@U0TBECKR> at \d\d:\d\d UTC$/),
    ]);
    expect(phaseTitles(channel)).toEqual(['Pre-checks', 'Migrate production']);
  });

  it('lets anyone but the starter sign a role the directory does not map, two people for a quorum of 2', async () => {
    const channel = await start('change-gate', 'C0GATEOPEN');
    expect(await finishOpenSteps(h, channel)).toBe(1);
    expect(threadTexts(h, channel)).toContain('🔒 Waiting for approval: Change manager.');
    expect(await approve(channel, 'Change manager', 'U0ALICE')).toBe(
      'you started this run; someone else must approve',
    );
    expect(await approve(channel, 'Change manager', 'U0BOB')).toBeNull();
    expect(await approve(channel, 'Change manager', 'U0BOB')).toMatch(/^you already approved Change manager/);
    expect(JSON.stringify(h.parent(channel)?.blocks)).toContain('*Change manager*: 1 of 2 signed');
    expect(phaseTitles(channel)).toEqual(['Prepare']);

    // Two people click the last signature at once: one counts, the other is told who signed.
    const { button, at } = approveButton(channel, 'Change manager');
    const clicks = [h.clickBody(button, 'U0CAROL', at), h.clickBody(button, 'U0DAVE', at)];
    await h.send(clicks.map((c) => c.body));
    const answers = clicks.flatMap((c) => c.replies().map((r) => String(r.body.text)));
    expect(answers).toEqual([
      expect.stringMatching(
        /^Change manager is already approved by <@U0BOB> at \d\d:\d\d UTC, <@U0(CAROL|DAVE)> at \d\d:\d\d UTC$/,
      ),
    ]);
    expect(phaseTitles(channel)).toEqual(['Prepare', 'Ship']);
    expect(await finishOpenSteps(h, channel)).toBe(2);
    expect(parentText(channel)).toMatch(/: Completed$/);
    expect(threadTexts(h, channel)).toContain('✅ Run completed.');
    expect(h.slack.violations).toEqual([]);
  });

  it('resolves a role given by email (Product owner) with users.lookupByEmail', async () => {
    const channel = await start('feature-flag-rollout', 'C0GATEMAIL');
    // Pre-flight and three ramps, their holds marked done early: then the gate before 100%.
    expect(await finishOpenSteps(h, channel)).toBe(10);
    expect(parentText(channel)).toMatch(/Waiting for approval/);
    expect(await approve(channel, 'Product owner', 'U0AIKOS1')).toBe(
      'only people in the Product owner role may approve this slot',
    );
    expect(await approve(channel, 'Product owner', 'U0LENAF1')).toBeNull();
    expect(phaseTitles(channel)).toContain('Ramp to 100%');
    expect(await finishOpenSteps(h, channel)).toBe(4);
    expect(parentText(channel)).toMatch(/Completed/);
  });
});
