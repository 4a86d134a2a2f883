// Waits: the timer, its reminder, and marking a wait done early only with confirmation.
import { describe, expect, it } from 'vitest';
import type { RunCommand } from '../../src/runs/index.js';
import { at, Harness, WAIT } from './support.js';

const WATCH = 'Watch the canary for 10 minutes';

/** WAIT with the canary deployed at 14:00; the watch step is current. */
function atWatch() {
  const run = new Harness(WAIT);
  run.complete('Deploy to canary');
  const stepId = run.step(WATCH);
  const startWait: RunCommand = { type: 'start_wait', userId: 'UWATCHER', stepId };
  const timerKey = (startedAt: string) => `wait:run-1:${stepId}:${startedAt}`;
  return { run, stepId, startWait, timerKey };
}

/** atWatch with the timer started at 14:01 (it ends at 14:11). */
function watching() {
  const ctx = atWatch();
  ctx.run.clock.advanceMinutes(1);
  const started = ctx.run.ok(ctx.startWait);
  return { ...ctx, started };
}

describe('starting a wait', () => {
  it('sets a timer due at the end of the wait and shows the run as waiting', () => {
    const { run, stepId, started, timerKey } = watching();
    expect(started.effects).toEqual([
      {
        type: 'set_timer',
        key: timerKey(at(1)),
        dueAt: at(11),
        timer: { kind: 'wait', stepId, endsAt: at(11) },
      },
      { type: 'render_run' },
      { type: 'publish_home' },
    ]);
    expect(started.events).toEqual([
      { type: 'wait_started', actor: 'UWATCHER', data: { stepId, minutes: 10, endsAt: at(11) } },
    ]);
    expect(run.state.status).toBe('waiting');
    expect(run.state.steps[stepId]).toMatchObject({
      status: 'pending',
      waitStartedAt: at(1),
      waitEndsAt: at(11),
      waitStartedBy: 'UWATCHER',
    });
  });

  it.each([
    ['Watch the canary for 10 minutes', '2025-03-04T14:10:00.000Z'],
    ['Wait 90 s', '2025-03-04T14:01:30.000Z'],
    ['Soak 2h', '2025-03-04T16:00:00.000Z'],
  ])('"%s" is due at %s', (title, dueAt) => {
    const run = new Harness(`# Waits\n\n## Deploy\n- [ ] ${title}\n`);
    const result = run.ok({ type: 'start_wait', userId: 'U1', stepId: run.step(title) });
    expect(result.effects[0]).toMatchObject({ type: 'set_timer', dueAt });
  });

  it('refuses a second start while the timer runs', () => {
    const { run, startWait } = watching();
    run.clock.advanceMinutes(2);
    expect(run.no({ ...startWait, userId: 'UOTHER' })).toEqual({
      code: 'run.wait_running',
      message: 'the timer is already running (started by <@UWATCHER>), it ends at 14:11 UTC',
    });
  });

  it('refuses to start a wait on a step without one', () => {
    const run = new Harness(WAIT);
    expect(run.no({ type: 'start_wait', userId: 'U1', stepId: run.step('Deploy to canary') })).toEqual({
      code: 'run.no_wait',
      message: 'this step has no wait',
    });
  });
});

describe('marking a wait done', () => {
  it.each([
    ['never started, no confirmation', null, undefined, 'run.wait_not_started'],
    ['never started, confirmed', null, true, null],
    ['started, 5 minutes in, no confirmation', 5, undefined, 'run.wait_not_elapsed'],
    ['started, 5 minutes in, confirmation false', 5, false, 'run.wait_not_elapsed'],
    ['started, 5 minutes in, confirmed', 5, true, null],
    ['started, at the end, no confirmation', 10, undefined, null],
    ['started, after the end, no confirmation', 30, undefined, null],
  ] as const)('%s', (_label, minutesIn, confirmEarly, code) => {
    const { run, stepId, startWait } = atWatch();
    if (minutesIn !== null) {
      run.ok(startWait);
      run.clock.advanceMinutes(minutesIn);
    }
    const command: RunCommand = {
      type: 'complete_step',
      userId: 'U1',
      stepId,
      ...(confirmEarly === undefined ? {} : { confirmEarly }),
    };
    if (code === null) {
      run.ok(command);
      expect(run.state.steps[stepId]).toMatchObject({ status: 'done', by: 'U1' });
      expect(run.state.status).toBe('running');
    } else {
      expect(run.no(command).code).toBe(code);
      expect(run.state.steps[stepId]?.status).toBe('pending');
    }
  });

  it('says what to do when the timer was never started', () => {
    const { run, stepId } = atWatch();
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId })).toEqual({
      code: 'run.wait_not_started',
      message: 'this step asks for a 10-minute wait: start the timer, or confirm to mark it done now',
    });
  });

  it('says when the wait ends', () => {
    const { run, stepId } = watching();
    run.clock.advanceMinutes(3);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId })).toEqual({
      code: 'run.wait_not_elapsed',
      message: 'the 10-minute wait ends at 14:11 UTC: confirm to mark it done early',
    });
  });

  it('confirmed early: done, marked early, and the timer is cancelled', () => {
    const { run, stepId, timerKey } = watching();
    run.clock.advanceMinutes(4);
    const result = run.ok({ type: 'complete_step', userId: 'U1', stepId, confirmEarly: true });
    expect(result.effects).toEqual([
      { type: 'cancel_timer', key: timerKey(at(1)) },
      { type: 'render_run' },
      { type: 'publish_home' },
    ]);
    expect(result.events).toEqual([{ type: 'step_completed', actor: 'U1', data: { stepId, early: true } }]);
    expect(run.state.steps[stepId]).toMatchObject({ status: 'done', by: 'U1', at: at(5) });
    expect(run.state.status).toBe('running');
  });

  it('done early keeps when the wait started and would have ended, so the step can say so', () => {
    const { run, stepId } = watching();
    run.clock.advanceMinutes(4);
    run.ok({ type: 'complete_step', userId: 'U1', stepId, confirmEarly: true });
    expect(run.state.steps[stepId]).toMatchObject({
      status: 'done',
      at: at(5),
      waitStartedAt: at(1),
      waitEndsAt: at(11),
      waitStartedBy: 'UWATCHER',
    });
    // Its timer is gone: the end of the run has none left to cancel, and keeps the record.
    run.complete('Deploy everywhere');
    expect(run.state.status).toBe('completed');
    expect(run.state.steps[stepId]).toMatchObject({ waitStartedAt: at(1), waitEndsAt: at(11) });
  });

  it('undoing a step done early drops the wait it cut short: its timer must be started again', () => {
    const { run, stepId, startWait } = watching();
    run.clock.advanceMinutes(4);
    run.ok({ type: 'complete_step', userId: 'U1', stepId, confirmEarly: true });
    const undone = run.ok({ type: 'undo_step', userId: 'U1', stepId });
    expect(undone.effects).not.toContainEqual(expect.objectContaining({ type: 'cancel_timer' }));
    expect(run.state.steps[stepId]).toMatchObject({
      status: 'pending',
      waitStartedAt: null,
      waitEndsAt: null,
    });
    expect(run.state.status).toBe('running');
    expect(run.ok(startWait).effects).toContainEqual(expect.objectContaining({ type: 'set_timer' }));
  });

  it('after the end: done with no timer to cancel and not marked early', () => {
    const { run, stepId } = watching();
    run.clock.advanceMinutes(12);
    const result = run.ok({ type: 'complete_step', userId: 'U1', stepId });
    expect(result.effects).toEqual([{ type: 'render_run' }, { type: 'publish_home' }]);
    expect(result.events).toEqual([{ type: 'step_completed', actor: 'U1', data: { stepId } }]);
  });

  it('skipping a running wait cancels its timer', () => {
    const { run, stepId, timerKey } = watching();
    const result = run.ok({ type: 'skip_step', userId: 'U1', stepId });
    expect(result.effects).toEqual([
      { type: 'cancel_timer', key: timerKey(at(1)) },
      { type: 'render_run' },
      { type: 'publish_home' },
    ]);
    expect(run.state.status).toBe('running');
  });
});

describe('the wait timer firing', () => {
  it('posts once that the wait is over, mentioning who started it; a second firing does nothing', () => {
    const { run, stepId, started } = watching();
    const fired = started.effects[0];
    if (fired?.type !== 'set_timer') throw new Error('expected a set_timer effect');
    run.clock.advanceMinutes(10);
    const first = run.ok({ type: 'timer_fired', timer: fired.timer });
    expect(first.effects).toEqual([
      { type: 'notify', notice: { kind: 'wait_elapsed', stepId, startedBy: 'UWATCHER' } },
      { type: 'render_run' },
      { type: 'publish_home' },
    ]);
    expect(first.events).toEqual([
      { type: 'wait_elapsed', actor: null, data: { stepId, startedBy: 'UWATCHER' } },
    ]);
    expect(run.state.status).toBe('running');

    run.clock.advanceSeconds(30);
    const second = run.ok({ type: 'timer_fired', timer: fired.timer });
    expect(second.effects).toEqual([]);
    expect(second.events).toEqual([]);
  });

  it('does nothing for a wait that was restarted (an older timer)', () => {
    const { run, stepId } = watching();
    run.clock.advanceMinutes(12);
    run.ok({ type: 'start_wait', userId: 'U2', stepId });
    const stale = run.ok({ type: 'timer_fired', timer: { kind: 'wait', stepId, endsAt: at(11) } });
    expect(stale.effects).toEqual([]);
    expect(stale.events).toEqual([]);
    expect(run.state.steps[stepId]?.waitEndsAt).toBe(at(23));
  });

  it('does nothing once the step is done', () => {
    const { run, stepId } = watching();
    run.ok({ type: 'complete_step', userId: 'U1', stepId, confirmEarly: true });
    run.clock.advanceMinutes(10);
    const late = run.ok({ type: 'timer_fired', timer: { kind: 'wait', stepId, endsAt: at(11) } });
    expect(late.effects).toEqual([]);
    expect(late.events).toEqual([]);
  });
});

describe('undo after a wait was cancelled', () => {
  // completing or skipping a running wait cancels its timer; undoing the step must not leave the run
  // believing a timer is still running (status 'waiting', "the timer is already running", no reminder).
  it.each([
    ['complete_step', { confirmEarly: true }],
    ['skip_step', {}],
  ] as const)(
    'after %s and undo, the timer can be started again and the run is not waiting',
    (type, extra) => {
      const { run, stepId, startWait, timerKey } = watching();
      run.clock.advanceMinutes(2);
      run.ok({ type, userId: 'U1', stepId, ...extra } as RunCommand);
      run.clock.advanceMinutes(1);
      run.ok({ type: 'undo_step', userId: 'U1', stepId });
      expect.soft(run.state.status).toBe('running');
      run.clock.advanceMinutes(1);
      const restarted = run.ok(startWait);
      expect(restarted.effects[0]).toEqual({
        type: 'set_timer',
        key: timerKey(at(5)),
        dueAt: at(15),
        timer: { kind: 'wait', stepId, endsAt: at(15) },
      });
    },
  );
});
