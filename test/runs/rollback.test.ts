// Starting a rollback: switching to the rollback steps, the first page, phone-only contacts,
// fail-then-rollback, and rollback phases in order.
import { describe, expect, it } from 'vitest';
import { at, BASIC, DBA, GATED, Harness, INGRID, ON_CALL, rollbackSetup, rollingBack } from './support.js';

describe('starting a rollback', () => {
  it('switches to the rollback steps, says so, lists phone-only contacts and pages the first reachable one', () => {
    const { run, started } = rollingBack();
    expect(started.effects).toEqual([
      { type: 'notify', notice: { kind: 'rollback_started', by: 'UROLL', reason: '5xx above 2%' } },
      { type: 'render_run' },
      { type: 'hand_off', event: 'rollback' },
      {
        type: 'notify',
        notice: { kind: 'phone_contacts', contacts: [{ label: 'DBA secondary', phone: '+55 11 5555 0190' }] },
      },
      { type: 'dm_contact', userId: 'UONCALL', contactIndex: 0, round: 0, rehearsal: false },
      {
        type: 'set_timer',
        key: 'escalation:run-1:0:0',
        dueAt: at(7),
        timer: { kind: 'escalation', round: 0, contactIndex: 0 },
      },
      { type: 'post_phase', phaseIndex: run.phase('Rollback') },
      { type: 'publish_home' },
    ]);
    expect(started.events).toEqual([
      { type: 'rollback_started', actor: 'UROLL', data: { reason: '5xx above 2%' } },
      {
        type: 'contact_paged',
        actor: null,
        data: { contactIndex: 0, round: 0, label: 'On-call', userId: 'UONCALL', rehearsal: false },
      },
      { type: 'phase_started', actor: null, data: { phaseIndex: run.phase('Rollback') } },
    ]);
    expect(run.state).toMatchObject({
      status: 'rolling_back',
      currentPhaseIndex: run.phase('Rollback'),
      rollback: { by: 'UROLL', at: at(2), reason: '5xx above 2%' },
      escalation: {
        status: 'paging',
        policy: { timeoutMinutes: 5, rounds: 1 },
        contacts: [ON_CALL, DBA, INGRID],
        pages: [{ contactIndex: 0, round: 0, userId: 'UONCALL', at: at(2) }],
        acknowledgedBy: null,
        acknowledgedAt: null,
      },
    });
  });

  it.each([
    ['complete_step', 'Deploy to canary'],
    ['skip_step', 'Deploy to canary'],
    ['fail_step', 'Deploy to canary'],
    ['start_wait', 'Deploy to canary'],
    ['undo_step', 'Announce in #deploys'],
  ] as const)('refuses %s on a forward step', (type, title) => {
    const { run } = rollingBack();
    expect(run.no({ type, userId: 'U1', stepId: run.step(title) })).toEqual({
      code: 'run.rolling_back',
      message: 'the run is rolling back: only rollback steps can be changed now',
    });
  });

  it('opens the rollback steps in any order', () => {
    const { run } = rollingBack();
    run.complete('Confirm the old version serves', 'U2');
    expect(run.status('Confirm the old version serves')).toBe('done');
    expect(run.state.status).toBe('rolling_back');
  });

  it('refuses a second start, naming who started it and when', () => {
    const { run } = rollingBack();
    run.clock.advanceMinutes(1);
    expect(run.no({ type: 'start_rollback', userId: 'UOTHER', ...rollbackSetup() })).toEqual({
      code: 'run.rollback_started',
      message: 'the rollback was already started by <@UROLL> at 14:02 UTC',
    });
  });

  it('can start while the run waits for approval', () => {
    const run = new Harness(GATED);
    run.complete('Announce in #deploys');
    expect(run.state.status).toBe('waiting_approval');
    const started = run.ok({ type: 'start_rollback', userId: 'U1', ...rollbackSetup() });
    expect(run.state.status).toBe('rolling_back');
    expect(started.effects).toContainEqual({ type: 'post_phase', phaseIndex: run.phase('Rollback') });
  });

  it('fail_step with a rollback fails the step and starts the rollback', () => {
    const run = new Harness(BASIC);
    const stepId = run.step('Check the dashboards');
    run.clock.advanceMinutes(3);
    const result = run.ok({
      type: 'fail_step',
      userId: 'U1',
      stepId,
      reason: 'dashboards are red',
      rollback: rollbackSetup(1, 'Check the dashboards failed'),
    });
    expect(result.events.map((e) => e.type)).toEqual([
      'step_failed',
      'rollback_started',
      'contact_paged',
      'phase_started',
    ]);
    expect(run.state.steps[stepId]).toMatchObject({
      status: 'failed',
      by: 'U1',
      output: 'dashboards are red',
    });
    expect(run.state.status).toBe('rolling_back');
    expect(run.state.rollback).toEqual({ by: 'U1', at: at(3), reason: 'Check the dashboards failed' });
    expect(result.effects).toContainEqual({
      type: 'dm_contact',
      userId: 'UONCALL',
      contactIndex: 0,
      round: 0,
      rehearsal: false,
    });
    expect(result.effects).toContainEqual({
      type: 'set_timer',
      key: 'escalation:run-1:0:0',
      dueAt: at(8),
      timer: { kind: 'escalation', round: 0, contactIndex: 0 },
    });
  });

  it('with only phone contacts: lists them and says at once that nobody can be paged', () => {
    const run = new Harness(BASIC);
    const phoneOnly = { label: 'Night desk', slackUserId: null, phone: '+1 555 0199' };
    const result = run.ok({
      type: 'start_rollback',
      userId: 'U1',
      reason: null,
      contacts: [DBA, phoneOnly],
      policy: { timeoutMinutes: 5, rounds: 3 },
    });
    expect(result.effects.filter((e) => e.type === 'notify')).toEqual([
      { type: 'notify', notice: { kind: 'rollback_started', by: 'U1', reason: null } },
      {
        type: 'notify',
        notice: {
          kind: 'phone_contacts',
          contacts: [
            { label: 'DBA secondary', phone: '+55 11 5555 0190' },
            { label: 'Night desk', phone: '+1 555 0199' },
          ],
        },
      },
      { type: 'notify', notice: { kind: 'escalation_exhausted', rounds: 3 } },
    ]);
    expect(result.effects.filter((e) => e.type === 'dm_contact' || e.type === 'set_timer')).toEqual([]);
    expect(run.state.escalation?.status).toBe('exhausted');
  });

  it('with only Slack contacts: no phone list', () => {
    const run = new Harness(BASIC);
    const result = run.ok({
      type: 'start_rollback',
      userId: 'U1',
      reason: null,
      contacts: [ON_CALL],
      policy: { timeoutMinutes: 5, rounds: 1 },
    });
    expect(result.effects.some((e) => e.type === 'notify' && e.notice.kind === 'phone_contacts')).toBe(false);
  });
});

describe('rollback phases and forward leftovers', () => {
  const TWO_PHASES = `# Schema change

## Deploy
- [ ] Apply the migration
- [ ] Watch the error rate for 15 minutes

## Rollback
### Revert the app
- [ ] Redeploy the previous version

### Revert the database
- [ ] Run the down migration
`;

  it('rollback phases follow each other in order', () => {
    const run = new Harness(TWO_PHASES);
    const started = run.ok({ type: 'start_rollback', userId: 'U1', ...rollbackSetup() });
    expect(started.effects).toContainEqual({ type: 'post_phase', phaseIndex: run.phase('Revert the app') });
    expect(
      run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Run the down migration') }),
    ).toEqual({
      code: 'run.phase_not_current',
      message: 'this step\'s phase has not started yet: finish "Revert the app" first',
    });
    const first = run.complete('Redeploy the previous version');
    expect(first.effects).toEqual([
      { type: 'render_run' },
      { type: 'post_phase', phaseIndex: run.phase('Revert the database') },
    ]);
    run.complete('Run the down migration');
    expect(run.state.status).toBe('rolled_back');
  });

  // A forward step's wait cannot be finished once the run rolls back ("the rollback steps become the
  // current steps"), so its reminder must not be posted: the rollback cancels it, or its firing is a no-op.
  it('a forward wait running when the rollback starts posts no reminder afterwards', () => {
    const run = new Harness(TWO_PHASES);
    run.complete('Apply the migration');
    const stepId = run.step('Watch the error rate for 15 minutes');
    run.ok({ type: 'start_wait', userId: 'UWATCHER', stepId });
    run.clock.advanceMinutes(2);
    run.ok({ type: 'start_rollback', userId: 'U1', ...rollbackSetup() });
    run.clock.advanceMinutes(13);
    const fired = run.ok({ type: 'timer_fired', timer: { kind: 'wait', stepId, endsAt: at(15) } });
    expect(fired.effects.filter((e) => e.type === 'notify')).toEqual([]);
    expect(fired.events).toEqual([]);
  });
});
