// Escalation: paging in order with a timeout, repeat rounds, giving up, stale timers,
// acknowledgement, and rehearsal (every page goes to the rehearser).
import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../../src/runs/index.js';
import { at, BASIC, escalationTimer, Harness, rollingBack, STARTER } from './support.js';

describe('escalation', () => {
  // Rollback at 14:02, 5-minute timeout, contacts On-call, DBA (phone only), Ingrid, two rounds.
  it.each([
    [0, 0, 7, { round: 0, contactIndex: 2, userId: 'UINGRID' }],
    [0, 2, 12, { round: 1, contactIndex: 0, userId: 'UONCALL' }],
    [1, 0, 17, { round: 1, contactIndex: 2, userId: 'UINGRID' }],
  ] as const)(
    'timer of round %i contact %i at minute %i pages the next one',
    (round, contactIndex, minute, next) => {
      const { run } = rollingBack(2);
      const chain: [number, number][] = [
        [0, 0],
        [0, 2],
        [1, 0],
      ];
      for (const [r, c] of chain) {
        run.clock.advanceMinutes(5);
        const result = run.ok(escalationTimer(r, c));
        if (r !== round || c !== contactIndex) continue;
        expect(run.clock.iso()).toBe(at(minute));
        expect(result.effects).toEqual([
          {
            type: 'dm_contact',
            userId: next.userId,
            contactIndex: next.contactIndex,
            round: next.round,
            rehearsal: false,
          },
          {
            type: 'set_timer',
            key: `escalation:run-1:${next.round}:${next.contactIndex}`,
            dueAt: at(minute + 5),
            timer: { kind: 'escalation', round: next.round, contactIndex: next.contactIndex },
          },
          { type: 'render_run' },
        ]);
        expect(result.events).toEqual([
          { type: 'page_timed_out', actor: null, data: { round, contactIndex } },
          {
            type: 'contact_paged',
            actor: null,
            data: {
              contactIndex: next.contactIndex,
              round: next.round,
              label: next.userId === 'UONCALL' ? 'On-call' : 'Ingrid Solberg',
              userId: next.userId,
              rehearsal: false,
            },
          },
        ]);
        expect(run.state.escalation?.pages.at(-1)).toEqual({ ...next, at: at(minute) });
        return;
      }
    },
  );

  it.each([
    [1, [[0, 0] as const, [0, 2] as const]],
    [2, [[0, 0] as const, [0, 2] as const, [1, 0] as const, [1, 2] as const]],
  ])('with %i round(s), after the last page the thread says nobody acknowledged', (rounds, chain) => {
    const { run } = rollingBack(rounds);
    let last = run.started;
    for (const [r, c] of chain) {
      run.clock.advanceMinutes(5);
      last = run.ok(escalationTimer(r, c));
    }
    expect(last.effects).toEqual([
      { type: 'notify', notice: { kind: 'escalation_exhausted', rounds } },
      { type: 'render_run' },
      { type: 'hand_off', event: 'exhausted' },
    ]);
    expect(last.events.at(-1)).toEqual({
      type: 'escalation_exhausted',
      actor: null,
      data: { rounds, pages: chain.length },
    });
    expect(run.state.escalation?.status).toBe('exhausted');
    expect(run.state.status).toBe('rolling_back');
  });

  it.each([
    ['an earlier page', 0, 0],
    ['a page never sent', 0, 1],
    ['a later round', 1, 2],
  ])('a timer for %s does nothing', (_label, round, contactIndex) => {
    const { run } = rollingBack(2);
    run.clock.advanceMinutes(5);
    run.ok(escalationTimer(0, 0));
    const before = run.state;
    run.clock.advanceMinutes(1);
    const stale = run.ok(escalationTimer(round, contactIndex));
    expect(stale.effects).toEqual([]);
    expect(stale.events).toEqual([]);
    expect(stale.state).toEqual(before);
  });
});

describe('acknowledgement', () => {
  /** Rollback paged On-call at 14:02 and Ingrid at 14:07. */
  function pagedTwice() {
    const ctx = rollingBack(2);
    ctx.run.clock.advanceMinutes(5);
    ctx.run.ok(escalationTimer(0, 0));
    ctx.run.clock.advanceMinutes(1);
    return ctx;
  }

  it.each(['UINGRID', 'UONCALL'])('%s (paged) stops the paging and it is posted in the thread', (userId) => {
    const { run } = pagedTwice();
    const ack = run.ok({ type: 'acknowledge', userId });
    expect(ack.effects).toEqual([
      { type: 'cancel_timer', key: 'escalation:run-1:0:2' },
      { type: 'notify', notice: { kind: 'escalation_acknowledged', by: userId } },
      { type: 'render_run' },
      { type: 'close_pages' },
      { type: 'hand_off', event: 'acknowledged' },
    ]);
    expect(ack.events).toEqual([{ type: 'escalation_acknowledged', actor: userId, data: {} }]);
    expect(run.state.escalation).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: userId,
      acknowledgedAt: at(8),
    });
    expect(run.state.status).toBe('rolling_back');

    run.clock.advanceMinutes(4);
    const late = run.ok(escalationTimer(0, 2));
    expect(late.effects).toEqual([]);
    expect(run.state.escalation?.pages).toHaveLength(2);
  });

  it('a second acknowledgement is refused with who was first', () => {
    const { run } = pagedTwice();
    run.ok({ type: 'acknowledge', userId: 'UINGRID' });
    run.clock.advanceMinutes(1);
    expect(run.no({ type: 'acknowledge', userId: 'UONCALL' })).toEqual({
      code: 'run.already_acknowledged',
      message: 'already acknowledged by <@UINGRID> at 14:08 UTC',
    });
  });

  it('someone who was never paged cannot acknowledge', () => {
    const { run } = rollingBack();
    expect(run.no({ type: 'acknowledge', userId: 'UINGRID' })).toEqual({
      code: 'run.not_paged',
      message: 'this page was not sent to you',
    });
  });

  it('there is nothing to acknowledge before a rollback', () => {
    const run = new Harness(BASIC);
    expect(run.no({ type: 'acknowledge', userId: 'UONCALL' })).toEqual({
      code: 'run.no_escalation',
      message: 'no escalation is running for this run',
    });
  });

  it('a late acknowledgement after the paging gave up is still recorded, with no timer to cancel', () => {
    const { run } = rollingBack(1);
    run.clock.advanceMinutes(5);
    run.ok(escalationTimer(0, 0));
    run.clock.advanceMinutes(5);
    run.ok(escalationTimer(0, 2));
    run.clock.advanceMinutes(3);
    const ack = run.ok({ type: 'acknowledge', userId: 'UONCALL' });
    expect(ack.effects).toEqual([
      { type: 'notify', notice: { kind: 'escalation_acknowledged', by: 'UONCALL' } },
      { type: 'render_run' },
      { type: 'close_pages' },
      { type: 'hand_off', event: 'acknowledged' },
    ]);
    expect(run.state.escalation).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'UONCALL',
      acknowledgedAt: at(15),
    });
  });
});

describe('rehearsal', () => {
  it('sends every page to the person rehearsing, who alone can acknowledge', () => {
    const { run, started } = rollingBack(2, true);
    const dms = [started.effects.find((e) => e.type === 'dm_contact')];
    for (const [r, c] of [
      [0, 0],
      [0, 2],
      [1, 0],
    ] as const) {
      run.clock.advanceMinutes(5);
      dms.push(run.ok(escalationTimer(r, c)).effects.find((e) => e.type === 'dm_contact'));
    }
    expect(dms).toEqual([
      { type: 'dm_contact', userId: STARTER, contactIndex: 0, round: 0, rehearsal: true },
      { type: 'dm_contact', userId: STARTER, contactIndex: 2, round: 0, rehearsal: true },
      { type: 'dm_contact', userId: STARTER, contactIndex: 0, round: 1, rehearsal: true },
      { type: 'dm_contact', userId: STARTER, contactIndex: 2, round: 1, rehearsal: true },
    ]);
    expect(run.state.escalation?.pages.map((p) => p.userId)).toEqual([STARTER, STARTER, STARTER, STARTER]);
    const real: RunCommand = { type: 'acknowledge', userId: 'UONCALL' };
    expect(run.no(real).code).toBe('run.not_paged');
    run.ok({ type: 'acknowledge', userId: STARTER });
    expect(run.state.escalation?.acknowledgedBy).toBe(STARTER);
  });

  it('pages the rehearser even when someone else starts the rollback', () => {
    const { started } = rollingBack(1, true);
    expect(started.effects).toContainEqual({
      type: 'dm_contact',
      userId: STARTER,
      contactIndex: 0,
      round: 0,
      rehearsal: true,
    });
    expect(started.effects.filter((e) => e.type === 'dm_contact')).toHaveLength(1);
  });
});

describe('Page next now', () => {
  it('the rollback’s driver pages the next contact at once; the old timer is cancelled, a new one set', () => {
    const { run } = rollingBack(2);
    run.clock.advanceMinutes(1);
    const skipped = run.ok({ type: 'page_next', userId: 'UROLL' });
    expect(skipped.effects).toEqual([
      { type: 'cancel_timer', key: 'escalation:run-1:0:0' },
      { type: 'dm_contact', userId: 'UINGRID', contactIndex: 2, round: 0, rehearsal: false },
      {
        type: 'set_timer',
        key: 'escalation:run-1:0:2',
        dueAt: at(8),
        timer: { kind: 'escalation', round: 0, contactIndex: 2 },
      },
      { type: 'render_run' },
    ]);
    expect(skipped.events[0]).toEqual({
      type: 'page_skipped',
      actor: 'UROLL',
      data: { round: 0, contactIndex: 0 },
    });
    // The skipped page's timer firing later changes nothing.
    run.clock.advanceMinutes(5);
    expect(run.ok(escalationTimer(0, 0)).effects).toEqual([]);
  });

  it('only the rollback’s driver or the run’s starter; not once paging stopped', () => {
    const { run } = rollingBack(1);
    expect(run.no({ type: 'page_next', userId: 'USOMEONE' }).code).toBe('run.not_driver');
    run.ok({ type: 'page_next', userId: STARTER });
    run.ok({ type: 'acknowledge', userId: 'UINGRID' });
    expect(run.no({ type: 'page_next', userId: 'UROLL' }).code).toBe('run.not_paging');
  });
});
