// Rollback and escalation end to end: Start rollback → the reason modal → the rollback phase, and
// escalation DMs paced by the test clock (`elapse` moves it and runs one worker pass). One bot serves
// every test; each test has its own channel, and pages are told apart by the channel they name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import {
  APPROVERS,
  acknowledge,
  elapse,
  finishOpenSteps,
  lastPage,
  pagedUsers,
  startRollback,
  threadTexts,
} from './drive.js';
import { buttonsOf, E2E_DRIVER, type Harness, readExample, startHarness } from './harness.js';
import { pagerDrill } from './pager-drill.js';

const example = (name: string) => readExample(`${name}.md`);

// Sam is found by email (users.lookupByEmail), Mei through the directory; Olga's email is not in
// Slack and the vendor has a phone only: both are to be called.
const PAGER = pagerDrill([
  '- **Night operator**: Olga Night, +1 555 0160, olga.night@example.com',
  '- **SRE lead**: Sam Lead, +1 555 0150, sre.lead@example.com',
  '- **Vendor hotline**: +1 555 0199',
  '- **Platform lead**: Mei Tanaka (@mtanaka)',
]);

/** Each example runbook: who is paged, in order, who must be called, and its rollback steps. */
const EXAMPLE_ESCALATIONS = [
  {
    name: 'database-migration',
    // The runbook's escalation order: Ingrid, Rafael, Tomás, Mei.
    paged: ['U0INGRID', 'U0RAFAEL', 'U0TOMAS1', 'U0MEITAN'],
    phones: '☎️ Not reachable in Slack, call them: Database vendor support +1 555 0199',
    rollbackSteps: 5,
  },
  {
    name: 'feature-flag-rollout',
    // No escalation list: the order the on-call section lists them in; Lena through her email.
    paged: ['U0INGRID', 'U0RAFAEL', 'U0AIKOS1', 'U0LENAF1'],
    phones: null,
    rollbackSteps: 4,
  },
  {
    name: 'k8s-service-rollout',
    paged: ['U0INGRID', 'U0RAFAEL', 'U0MEITAN', 'U0TBECKR'],
    phones: null,
    rollbackSteps: 4,
  },
];

const PEOPLE = ['U0ALICE', 'U0BOB', 'U0MALLORY', 'U0SRELD1', 'U0ADMIN1', ...APPROVERS];

describe('rollback and escalation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      driver: E2E_DRIVER,
      runbooks: {
        'database-migration': example('database-migration'),
        'feature-flag-rollout': example('feature-flag-rollout'),
        'k8s-service-rollout': example('k8s-service-rollout'),
        pager: PAGER,
      },
    });
    h.slack.allowMentions(...PEOPLE);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function start(runbook: string, channel: string, flags = ''): Promise<string> {
    const { replies } = await h.command(
      `start ${runbook} env=${channel.toLowerCase()} ${flags}`.trim(),
      'U0ALICE',
      channel,
    );
    expect(replies[0]?.body.text).toMatch(/^Started run/);
    return String(replies[0]?.body.text);
  }

  const pageText = (user: string, channel: string) =>
    JSON.stringify(lastPage(h, user, channel)?.blocks ?? []);
  const notices = (channel: string, prefix: string) =>
    threadTexts(h, channel).filter((t) => t.startsWith(prefix));

  it.each(EXAMPLE_ESCALATIONS.map((e, i) => ({ ...e, channel: `C0RBEX${i}` })))(
    '$name: start → rollback → contacts paged in order, one per timeout → acknowledged → rolled back',
    async ({ name, paged, phones, rollbackSteps, channel }) => {
      await start(name, channel);
      await startRollback(h, 'U0BOB', 'error rate above baseline', channel);

      // The thread says who started it and why; the rollback steps are now the current ones.
      expect(threadTexts(h, channel)).toContain(
        '🔴 <@U0BOB> started the rollback: error rate above baseline. The rollback steps are now the current steps.',
      );
      expect(h.parent(channel)?.text).toMatch(/: ROLLING BACK · Rollback phase 1 of \d+ · .+$/);
      expect(buttonsOf(h.parent(channel)).map((b) => b.text)).toEqual(['Abort']);
      expect(notices(channel, '☎️')).toEqual(phones ? [phones] : []);

      // The first contact gets a DM naming the run, who started the rollback and why, with Acknowledge.
      const [first] = paged;
      if (!first) throw new Error('no contacts');
      expect(pagedUsers(h, channel)).toEqual([first]);
      expect(h.slack.callsTo('conversations.open').map((c) => c.body.users)).toContain(first);
      const dm = pageText(first, channel);
      expect(dm).toContain(`in <#${channel}>`);
      expect(dm).toContain('Started by <@U0BOB>: error rate above baseline');
      expect(buttonsOf(lastPage(h, first, channel)).map((b) => [b.actionId, b.text])).toEqual([
        [ACTIONS.acknowledge, 'Acknowledge'],
      ]);

      // Each next contact only after the previous one's 5 minutes (the directory's timeout).
      for (let i = 1; i < paged.length; i++) {
        await elapse(h, 4);
        expect(pagedUsers(h, channel)).toEqual(paged.slice(0, i));
        await elapse(h, 1);
        expect(pagedUsers(h, channel)).toEqual(paged.slice(0, i + 1));
      }

      // The last one acknowledges from the DM: the thread hears it and paging stops (no round 2).
      const last = paged.at(-1) ?? '';
      const { replies } = await acknowledge(h, last, channel);
      expect(replies).toEqual([]);
      expect(notices(channel, '✅')).toEqual([`✅ <@${last}> acknowledged the page and is on it.`]);
      expect(JSON.stringify(h.parent(channel)?.blocks)).toContain(`✅ *Acknowledged* by <@${last}>`);
      await elapse(h, 30);
      expect(pagedUsers(h, channel)).toEqual(paged);

      // The rollback steps can be done; the run ends rolled back.
      expect(await finishOpenSteps(h, channel)).toBe(rollbackSteps);
      expect(h.parent(channel)?.text).toMatch(/: Rolled back$/);
      expect(threadTexts(h, channel)).toContain('↩️ Rollback finished.');
      expect(h.slack.violations).toEqual([]);
    },
  );

  it('nobody acknowledges: two rounds at the runbook’s 2-minute timeout, then the thread says so', async () => {
    const channel = 'C0RBNOBODY';
    await start('pager', channel);
    await startRollback(h, 'U0BOB', null, channel);
    expect(threadTexts(h, channel)).toContain(
      '🔴 <@U0BOB> started the rollback. The rollback steps are now the current steps.',
    );
    // Unreachable contacts are listed with their numbers, and skipped by the pager.
    expect(notices(channel, '☎️')).toEqual([
      '☎️ Not reachable in Slack, call them: Olga Night +1 555 0160; Vendor hotline +1 555 0199',
    ]);
    expect(h.slack.callsTo('users.lookupByEmail').map((c) => c.body.email)).toEqual(
      expect.arrayContaining(['sre.lead@example.com', 'olga.night@example.com']),
    );
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1']);
    expect(pageText('U0SRELD1', channel)).toContain('You are paged as *Sam Lead*.');
    await elapse(h, 1);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1']);
    await elapse(h, 1);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1', 'U0MEITAN']);
    await elapse(h, 2);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1', 'U0MEITAN', 'U0SRELD1']);
    expect(pageText('U0SRELD1', channel)).toContain('(round 2)');
    await elapse(h, 2);
    expect(pagedUsers(h, channel)).toEqual(['U0SRELD1', 'U0MEITAN', 'U0SRELD1', 'U0MEITAN']);
    expect(notices(channel, '⚠️')).toEqual([]);
    await elapse(h, 2);
    expect(notices(channel, '⚠️')).toEqual(['⚠️ Nobody acknowledged the page after 2 rounds of escalation.']);
    expect(JSON.stringify(h.parent(channel)?.blocks)).toContain('*Nobody acknowledged* after 2 rounds');
    // Said once, and nobody else is paged.
    await elapse(h, 60);
    expect(notices(channel, '⚠️')).toHaveLength(1);
    expect(pagedUsers(h, channel)).toHaveLength(4);
  });

  it('only a paged person can acknowledge, once; a second Start rollback is refused', async () => {
    const channel = 'C0RBACK';
    await start('k8s-service-rollout', channel);
    await startRollback(h, 'U0BOB', 'canary errors', channel);
    const ingridPage = lastPage(h, 'U0INGRID', channel);
    // Someone who was not paged clicks the button (a forwarded or forged click).
    const stranger = await acknowledge(h, 'U0MALLORY', channel, ingridPage);
    expect(stranger.replies.map((r) => r.body.text)).toEqual(['this page was not sent to you']);
    expect(notices(channel, '✅')).toEqual([]);
    await elapse(h, 5);
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID', 'U0RAFAEL']);
    // Ingrid's page timed out, but she was paged: her acknowledgement counts and stops the chain.
    const rafaelPage = structuredClone(lastPage(h, 'U0RAFAEL', channel));
    expect((await acknowledge(h, 'U0INGRID', channel)).replies).toEqual([]);
    expect(notices(channel, '✅')).toEqual(['✅ <@U0INGRID> acknowledged the page and is on it.']);
    // Every page of the run now says who acknowledged, without a button.
    for (const user of ['U0INGRID', 'U0RAFAEL']) {
      expect(buttonsOf(lastPage(h, user, channel))).toEqual([]);
      expect(pageText(user, channel)).toMatch(
        /✅ <@U0INGRID> acknowledged the rollback of .* at \d\d:\d\d UTC/,
      );
    }
    // A click on Rafael's page as it was (a client that had not refreshed yet) is told who was first.
    const second = await acknowledge(h, 'U0RAFAEL', channel, rafaelPage);
    expect(second.replies.map((r) => r.body.text)).toEqual([
      expect.stringMatching(/^already acknowledged by <@U0INGRID> at \d\d:\d\d UTC$/),
    ]);
    await elapse(h, 60);
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID', 'U0RAFAEL']);
    expect(notices(channel, '✅')).toHaveLength(1);

    // A second rollback (the modal submitted again by whoever opened it; a modal is bound to its
    // opener): refused privately, nothing paged or posted.
    const before = threadTexts(h, channel).length;
    const ephemerals = h.slack.ephemerals('U0BOB').length;
    const metadata = String(h.slack.modals().at(-1)?.view.private_metadata ?? '');
    await h.submitView('run.rollback.modal', metadata, { reason: { value: 'again' } }, 'U0BOB');
    expect(
      h.slack
        .ephemerals('U0BOB')
        .slice(ephemerals)
        .map((e) => e.text),
    ).toEqual([expect.stringMatching(/^the rollback was already started by <@U0BOB> at \d\d:\d\d UTC$/)]);
    expect(threadTexts(h, channel)).toHaveLength(before);
    expect(pagedUsers(h, channel)).toHaveLength(2);
  });

  it('a rehearsal sends every page to the rehearser, never to the contacts', async () => {
    const channel = 'C0RBREHEARSE';
    expect(await start('k8s-service-rollout', channel, '--rehearsal')).toMatch(
      /\(rehearsal: every page goes to you\)/,
    );
    await startRollback(h, 'U0BOB', 'drill', channel);
    expect(pagedUsers(h, channel)).toEqual(['U0ALICE']);
    expect(pageText('U0ALICE', channel)).toContain('Rehearsal:* this page would go to Ingrid Solberg');
    await elapse(h, 5);
    expect(pagedUsers(h, channel)).toEqual(['U0ALICE', 'U0ALICE']);
    expect(pageText('U0ALICE', channel)).toContain('this page would go to Rafael Mendes');
    for (const contact of ['U0INGRID', 'U0RAFAEL', 'U0MEITAN', 'U0TBECKR'])
      expect(lastPage(h, contact, channel)).toBeUndefined();
    expect((await acknowledge(h, 'U0ALICE', channel)).replies).toEqual([]);
    expect(notices(channel, '✅')).toEqual(['✅ <@U0ALICE> acknowledged the page and is on it.']);
    await elapse(h, 30);
    expect(pagedUsers(h, channel)).toEqual(['U0ALICE', 'U0ALICE']);
  });

  it('a page that fell due while the bot was down is sent once, after the restart', async () => {
    const channel = 'C0RBDOWN';
    await start('k8s-service-rollout', channel);
    await startRollback(h, 'U0BOB', 'canary errors', channel);
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID']);
    h.clock.advanceMinutes(7);
    await h.restart();
    await h.bot.tick();
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID', 'U0RAFAEL']);
    await h.restart();
    await elapse(h, 4);
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID', 'U0RAFAEL']);
    await elapse(h, 1);
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID', 'U0RAFAEL', 'U0MEITAN']);
    expect((await acknowledge(h, 'U0MEITAN', channel)).replies).toEqual([]);
  });

  // Each item of a run's Slack work is marked done as soon as it reached Slack.
  it('Slack refuses a page once: it is sent on the first pass after its back-off, nothing posted twice', async () => {
    const channel = 'C0RBRETRY';
    // A new process: it has no DM channel cached, so the page starts with conversations.open.
    await h.restart();
    await start('k8s-service-rollout', channel);
    h.slack.failNext('conversations.open', { error: 'internal_error' });
    await startRollback(h, 'U0BOB', 'canary errors', channel);
    await h.bot.tick();
    // The failed work rests for its back-off (a quarter of a second at first), then goes out once.
    expect(pagedUsers(h, channel)).toEqual([]);
    h.clock.advanceBy(1000);
    await h.bot.tick();
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID']);
    expect(notices(channel, '🔴')).toHaveLength(1);
    expect(threadTexts(h, channel).filter((t) => t.includes(' · 🔴 Rollback: '))).toHaveLength(1);
  });

  it('the page links to the run’s thread', async () => {
    const channel = 'C0RBLINK';
    await start('k8s-service-rollout', channel);
    await startRollback(h, 'U0BOB', 'canary errors', channel);
    const parent = h.parent(channel);
    expect(pagedUsers(h, channel)).toEqual(['U0INGRID']);
    const link = `/archives/${channel}/p${parent?.ts.replace('.', '')}`;
    expect(pageText('U0INGRID', channel)).toContain(link);
  });
});
