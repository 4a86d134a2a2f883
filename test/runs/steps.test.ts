// Start, phase order and the step commands: done, skip, fail, undo.
import { describe, expect, it } from 'vitest';
import { at, BASIC, GATED, Harness, STARTER, T0, TestClock } from './support.js';

describe('start', () => {
  it('creates a running run with every step pending, posts the first phase and renders', () => {
    const run = new Harness(BASIC, { params: { VERSION: '1.4.2' } });
    const { state, events, effects } = run.started;
    expect(state).toMatchObject({
      id: 'run-1',
      status: 'running',
      starterId: STARTER,
      environment: 'prod',
      rehearsal: false,
      params: { VERSION: '1.4.2' },
      startedAt: T0,
      finishedAt: null,
      approvals: {},
      required: {},
      currentPhaseIndex: 0,
      rollback: null,
      escalation: null,
      abort: null,
    });
    expect(Object.keys(state.steps)).toEqual(run.runbook.steps.map((s) => s.id));
    expect(Object.keys(state.steps)).toHaveLength(7);
    for (const step of Object.values(state.steps)) {
      expect(step).toEqual({
        status: 'pending',
        by: null,
        at: null,
        output: null,
        exitCode: null,
        waitStartedAt: null,
        waitEndsAt: null,
        waitStartedBy: null,
        waitNotifiedAt: null,
      });
    }
    expect(effects).toEqual([
      { type: 'render_run' },
      { type: 'post_phase', phaseIndex: 0 },
      { type: 'publish_home' },
    ]);
    expect(events).toEqual([
      {
        type: 'run_started',
        actor: STARTER,
        data: { environment: 'prod', rehearsal: false, params: { VERSION: '1.4.2' } },
      },
      { type: 'phase_started', actor: null, data: { phaseIndex: 0 } },
    ]);
  });

  it('keeps the quorum it is given, per approval id', () => {
    const run = new Harness(GATED, { required: { ap_x: 3 } });
    expect(run.state.required).toEqual({ ap_x: 3 });
  });
});

describe('phase order', () => {
  it.each([
    ['Deploy to canary', 'Prepare'],
    ['Deploy everywhere', 'Prepare'],
    ['Smoke test', 'Prepare'],
  ])('refuses "%s" while "%s" is current', (title, current) => {
    const run = new Harness(BASIC);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step(title) })).toEqual({
      code: 'run.phase_not_current',
      message: `this step's phase has not started yet: finish "${current}" first`,
    });
  });

  it.each(['skip_step', 'fail_step', 'start_wait'] as const)(
    'refuses %s on a step of a later phase',
    (type) => {
      const run = new Harness(BASIC);
      expect(run.no({ type, userId: 'U1', stepId: run.step('Smoke test') }).code).toBe(
        'run.phase_not_current',
      );
    },
  );

  it('takes the steps of the current phase in any order, and posts the next phase when it is finished', () => {
    const run = new Harness(BASIC);
    run.clock.advanceMinutes(1);
    const first = run.complete('Check the dashboards', 'U2');
    expect(first.effects).toEqual([{ type: 'render_run' }]);
    expect(first.events).toEqual([
      { type: 'step_completed', actor: 'U2', data: { stepId: run.step('Check the dashboards') } },
    ]);
    expect(run.state.currentPhaseIndex).toBe(0);
    run.clock.advanceMinutes(1);
    const second = run.complete('Announce in #deploys', 'U1');
    expect(second.effects).toEqual([
      { type: 'render_run' },
      { type: 'post_phase', phaseIndex: run.phase('Deploy') },
    ]);
    expect(second.events.map((e) => e.type)).toEqual(['step_completed', 'phase_started']);
    expect(run.state.currentPhaseIndex).toBe(1);
    expect(run.state.status).toBe('running');
    expect(run.state.steps[run.step('Announce in #deploys')]).toMatchObject({
      status: 'done',
      by: 'U1',
      at: at(2),
    });
  });

  it('a skipped step finishes a phase like a done one', () => {
    const run = new Harness(BASIC);
    run.complete('Announce in #deploys');
    const skipped = run.ok({ type: 'skip_step', userId: 'U3', stepId: run.step('Check the dashboards') });
    expect(skipped.effects).toContainEqual({ type: 'post_phase', phaseIndex: 1 });
    expect(run.state.currentPhaseIndex).toBe(1);
  });

  it('a failed step holds its phase open', () => {
    const run = new Harness(BASIC);
    run.complete('Announce in #deploys');
    const failed = run.ok({
      type: 'fail_step',
      userId: 'U3',
      stepId: run.step('Check the dashboards'),
      reason: 'red',
    });
    expect(failed.effects).toEqual([{ type: 'render_run' }]);
    expect(run.state.currentPhaseIndex).toBe(0);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Deploy to canary') }).code).toBe(
      'run.phase_not_current',
    );
  });

  it('refuses a step that is not in the runbook', () => {
    const run = new Harness(BASIC);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: 'st_nope' })).toEqual({
      code: 'run.step_unknown',
      message: 'this step is not part of the runbook version this run uses',
    });
  });

  it('keeps rollback steps closed until a rollback starts', () => {
    const run = new Harness(BASIC);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Revert the deploy') })).toEqual({
      code: 'run.rollback_not_started',
      message: 'rollback steps open only when a rollback starts',
    });
  });
});

describe('a step already taken', () => {
  it.each([
    ['complete_step', 'done', 'run.step_already_done'],
    ['skip_step', 'done', 'run.step_already_done'],
    ['fail_step', 'done', 'run.step_already_done'],
    ['complete_step', 'skipped', 'run.step_already_skipped'],
    ['skip_step', 'skipped', 'run.step_already_skipped'],
    ['fail_step', 'failed', 'run.step_already_failed'],
  ] as const)('%s on a %s step is refused with who and when', (type, first, code) => {
    const clock = new TestClock('2025-03-04T14:00:00.000Z');
    const run = new Harness(BASIC, {}, clock);
    const stepId = run.step('Announce in #deploys');
    clock.advanceMinutes(2);
    const firstType = first === 'done' ? 'complete_step' : first === 'skipped' ? 'skip_step' : 'fail_step';
    run.ok({ type: firstType, userId: 'UFIRST', stepId });
    clock.advanceSeconds(1);
    expect(run.no({ type, userId: 'USECOND', stepId })).toEqual({
      code,
      message: `already ${first} by <@UFIRST> at 14:02 UTC`,
    });
    expect(run.state.steps[stepId]).toMatchObject({ status: first, by: 'UFIRST', at: at(2) });
  });

  it('a double click on Done changes the run once', () => {
    const run = new Harness(BASIC);
    const stepId = run.step('Announce in #deploys');
    run.ok({ type: 'complete_step', userId: 'UA', stepId });
    const refusal = run.no({ type: 'complete_step', userId: 'UA', stepId });
    expect(refusal.message).toBe('already done by <@UA> at 14:00 UTC');
  });
});

describe('skip, fail and undo', () => {
  it('skip records who and when', () => {
    const run = new Harness(BASIC);
    run.clock.advanceMinutes(3);
    const result = run.ok({ type: 'skip_step', userId: 'U9', stepId: run.step('Check the dashboards') });
    expect(result.events).toEqual([
      { type: 'step_skipped', actor: 'U9', data: { stepId: run.step('Check the dashboards') } },
    ]);
    expect(run.state.steps[run.step('Check the dashboards')]).toMatchObject({
      status: 'skipped',
      by: 'U9',
      at: at(3),
    });
  });

  it('fail keeps the reason, undo puts the step back to pending and it can then be done', () => {
    const run = new Harness(BASIC);
    const stepId = run.step('Check the dashboards');
    run.clock.advanceMinutes(1);
    const failed = run.ok({ type: 'fail_step', userId: 'U1', stepId, reason: 'dashboards are red' });
    expect(failed.events).toEqual([
      { type: 'step_failed', actor: 'U1', data: { stepId, reason: 'dashboards are red' } },
    ]);
    expect(run.state.steps[stepId]).toMatchObject({
      status: 'failed',
      by: 'U1',
      at: at(1),
      output: 'dashboards are red',
    });
    expect(run.state.rollback).toBeNull();
    expect(run.state.status).toBe('running');

    run.clock.advanceMinutes(1);
    const undone = run.ok({ type: 'undo_step', userId: 'U2', stepId });
    expect(undone.events).toEqual([
      { type: 'step_undone', actor: 'U2', data: { stepId, previous: 'failed' } },
    ]);
    expect(undone.effects).toEqual([{ type: 'render_run' }]);
    expect(run.state.steps[stepId]).toMatchObject({
      status: 'pending',
      by: 'U2',
      at: at(2),
      output: null,
      exitCode: null,
    });

    run.complete('Check the dashboards', 'U3');
    expect(run.status('Check the dashboards')).toBe('done');
  });

  it.each([
    ['complete_step', 'done'],
    ['skip_step', 'skipped'],
  ] as const)('undo of a %s step reopens it', (type, previous) => {
    const run = new Harness(BASIC);
    const stepId = run.step('Announce in #deploys');
    run.ok({ type, userId: 'U1', stepId });
    const undone = run.ok({ type: 'undo_step', userId: 'U1', stepId });
    expect(undone.events[0]).toEqual({ type: 'step_undone', actor: 'U1', data: { stepId, previous } });
    expect(run.status('Announce in #deploys')).toBe('pending');
  });

  it('undo of a step in the previous phase makes that phase current again', () => {
    const run = new Harness(BASIC);
    run.complete('Announce in #deploys');
    run.complete('Check the dashboards');
    expect(run.state.currentPhaseIndex).toBe(1);
    const undone = run.ok({ type: 'undo_step', userId: 'U1', stepId: run.step('Check the dashboards') });
    expect(run.state.currentPhaseIndex).toBe(0);
    expect(undone.effects).toEqual([{ type: 'render_run' }, { type: 'post_phase', phaseIndex: 0 }]);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Deploy to canary') }).code).toBe(
      'run.phase_not_current',
    );
  });

  it('undo of a pending step is refused', () => {
    const run = new Harness(BASIC);
    expect(run.no({ type: 'undo_step', userId: 'U1', stepId: run.step('Announce in #deploys') })).toEqual({
      code: 'run.step_not_done',
      message: 'this step is not done, so there is nothing to undo',
    });
  });

  it('"I ran it" keeps the pasted output and exit code', () => {
    const run = new Harness(BASIC);
    const stepId = run.step('Announce in #deploys');
    const result = run.complete('Announce in #deploys', 'U1', { output: 'posted', exitCode: 0 });
    expect(result.events).toEqual([
      { type: 'step_completed', actor: 'U1', data: { stepId, output: 'posted', exitCode: 0 } },
    ]);
    expect(run.state.steps[stepId]).toMatchObject({ output: 'posted', exitCode: 0 });
  });
});
