// The end of a run: completion, rolled back, abort, finish, and that nothing happens afterwards.
// Also: applyCommand never changes the state it is given.
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/index.js';
import { applyCommand, type RunCommand, type RunState, startRun } from '../../src/runs/index.js';
import { at, BASIC, Harness, NO_ROLLBACK, rollbackSetup, STARTER, TestClock, WAIT } from './support.js';

const FORWARD = [
  'Announce in #deploys',
  'Check the dashboards',
  'Deploy to canary',
  'Deploy everywhere',
  'Smoke test',
];
const ROLLBACK = ['Revert the deploy', 'Confirm the old version serves'];

function completed() {
  const run = new Harness(BASIC);
  let last = run.started;
  for (const title of FORWARD) {
    run.clock.advanceMinutes(1);
    last = run.complete(title);
  }
  return { run, last };
}

function rolledBack() {
  const run = new Harness(BASIC);
  run.complete('Announce in #deploys');
  run.clock.advanceMinutes(1);
  run.ok({ type: 'start_rollback', userId: 'UROLL', ...rollbackSetup() });
  let last = run.started;
  for (const title of ROLLBACK) {
    run.clock.advanceMinutes(1);
    last = run.complete(title);
  }
  return { run, last };
}

function aborted() {
  const run = new Harness(BASIC);
  run.clock.advanceMinutes(4);
  const last = run.ok({ type: 'abort', userId: STARTER, reason: 'wrong version', isAdmin: false });
  return { run, last };
}

describe('completion', () => {
  it('the last forward step completes the run and marks the rollback steps not needed', () => {
    const { run, last } = completed();
    expect(run.state.status).toBe('completed');
    expect(run.state.finishedAt).toBe(at(5));
    for (const title of FORWARD) expect(run.status(title)).toBe('done');
    for (const title of ROLLBACK) expect(run.status(title)).toBe('not_needed');
    expect(last.effects).toEqual([
      { type: 'render_run' },
      { type: 'notify', notice: { kind: 'run_finished', status: 'completed' } },
      { type: 'publish_home' },
    ]);
    expect(last.events).toEqual([
      { type: 'step_completed', actor: 'UDEPLOYER', data: { stepId: run.step('Smoke test') } },
      { type: 'run_finished', actor: null, data: { automatic: true } },
    ]);
  });

  it('skipped steps count as finished', () => {
    const run = new Harness(BASIC);
    for (const title of FORWARD) run.ok({ type: 'skip_step', userId: 'U1', stepId: run.step(title) });
    expect(run.state.status).toBe('completed');
  });

  it('finishing every rollback step ends the run as rolled back and stops the paging', () => {
    const { run, last } = rolledBack();
    expect(run.state.status).toBe('rolled_back');
    expect(run.state.finishedAt).toBe(at(3));
    expect(run.status('Deploy to canary')).toBe('pending');
    expect(run.state.escalation?.status).toBe('cancelled');
    expect(last.effects).toEqual([
      { type: 'render_run' },
      { type: 'cancel_timer', key: 'escalation:run-1:0:0' },
      { type: 'close_pages' },
      { type: 'notify', notice: { kind: 'run_finished', status: 'rolled_back' } },
      { type: 'publish_home' },
      { type: 'hand_off', event: 'ended' },
    ]);
  });

  it('finish ends a rollback that has no rollback steps', () => {
    const run = new Harness(NO_ROLLBACK);
    run.ok({ type: 'start_rollback', userId: 'U1', ...rollbackSetup() });
    expect(run.state.status).toBe('rolling_back');
    run.clock.advanceMinutes(2);
    const finished = run.ok({ type: 'finish', userId: 'U1' });
    expect(finished.events).toEqual([{ type: 'run_finished', actor: 'U1', data: {} }]);
    expect(run.state.status).toBe('rolled_back');
    expect(run.state.finishedAt).toBe(at(2));
    expect(finished.effects).toContainEqual({ type: 'cancel_timer', key: 'escalation:run-1:0:0' });
  });

  it.each([
    [BASIC, 'running', 'run.steps_open', '5 steps are still open, first: "Announce in #deploys"'],
    [NO_ROLLBACK, 'running', 'run.steps_open', '1 step is still open, first: "Publish the docs"'],
  ])('finish is refused while steps are open', (markdown, status, code, message) => {
    const run = new Harness(markdown);
    expect(run.state.status).toBe(status);
    expect(run.no({ type: 'finish', userId: STARTER })).toEqual({ code, message });
  });

  it('finish counts only the rollback steps while rolling back', () => {
    const run = new Harness(BASIC);
    run.ok({ type: 'start_rollback', userId: 'U1', ...rollbackSetup() });
    run.complete('Revert the deploy');
    expect(run.no({ type: 'finish', userId: STARTER })).toEqual({
      code: 'run.steps_open',
      message: '1 step is still open, first: "Confirm the old version serves"',
    });
  });
});

describe('abort', () => {
  it.each([
    ['the starter', STARTER, false],
    ['an admin', 'UADMIN', true],
  ])('by %s stops the run', (_label, userId, isAdmin) => {
    const run = new Harness(BASIC);
    run.clock.advanceMinutes(4);
    const result = run.ok({ type: 'abort', userId, reason: 'wrong version', isAdmin });
    expect(run.state.status).toBe('aborted');
    expect(run.state.finishedAt).toBe(at(4));
    expect(run.state.abort).toEqual({ by: userId, at: at(4), reason: 'wrong version' });
    expect(result.events).toEqual([
      { type: 'run_aborted', actor: userId, data: { reason: 'wrong version' } },
    ]);
    expect(result.effects).toEqual([
      { type: 'notify', notice: { kind: 'run_finished', status: 'aborted' } },
      { type: 'render_run' },
      { type: 'publish_home' },
    ]);
    expect(run.status('Revert the deploy')).toBe('pending');
  });

  it('by anyone else is refused', () => {
    const run = new Harness(BASIC);
    expect(run.no({ type: 'abort', userId: 'UOTHER', reason: null, isAdmin: false })).toEqual({
      code: 'run.not_allowed',
      message: 'only the person who started this run, or an admin, may abort it',
    });
    expect(run.state.status).toBe('running');
  });

  it('cancels a running wait timer', () => {
    const run = new Harness(WAIT);
    run.complete('Deploy to canary');
    const stepId = run.step('Watch the canary for 10 minutes');
    run.ok({ type: 'start_wait', userId: 'U1', stepId });
    run.clock.advanceMinutes(3);
    const result = run.ok({ type: 'abort', userId: STARTER, reason: null, isAdmin: false });
    expect(result.effects).toContainEqual({ type: 'cancel_timer', key: `wait:run-1:${stepId}:${at(0)}` });
  });

  it('cancels the escalation timer and stops paging', () => {
    const run = new Harness(BASIC);
    run.clock.advanceMinutes(1);
    run.ok({ type: 'start_rollback', userId: 'U1', ...rollbackSetup() });
    run.clock.advanceMinutes(5);
    run.ok({ type: 'timer_fired', timer: { kind: 'escalation', round: 0, contactIndex: 0 } });
    const result = run.ok({ type: 'abort', userId: 'UADMIN', reason: 'paging by phone', isAdmin: true });
    expect(result.effects).toContainEqual({ type: 'cancel_timer', key: 'escalation:run-1:0:2' });
    expect(run.state.escalation?.status).toBe('cancelled');
  });
});

describe('a run that has ended', () => {
  const commands = (run: Harness): RunCommand[] => [
    { type: 'complete_step', userId: 'U1', stepId: run.step('Deploy to canary') },
    { type: 'skip_step', userId: 'U1', stepId: run.step('Deploy to canary') },
    { type: 'fail_step', userId: 'U1', stepId: run.step('Deploy to canary') },
    { type: 'undo_step', userId: 'U1', stepId: run.step('Announce in #deploys') },
    { type: 'start_wait', userId: 'U1', stepId: run.step('Deploy to canary') },
    { type: 'approve', userId: 'U1', approvalId: 'ap_x', eligibleUserIds: null, allowSelfApproval: false },
    { type: 'start_rollback', userId: 'U1', ...rollbackSetup() },
    { type: 'acknowledge', userId: 'UONCALL' },
    { type: 'abort', userId: STARTER, reason: null, isAdmin: true },
    { type: 'finish', userId: STARTER },
  ];

  it.each([
    ['completed', completed, 'run.finished', 'this run completed at 14:05 UTC'],
    ['rolled back', rolledBack, 'run.finished', 'this run was rolled back (finished at 14:03 UTC)'],
    ['aborted', aborted, 'run.aborted', `this run was aborted by <@${STARTER}> at 14:04 UTC`],
  ])('refuses every command once %s', (_label, make, code, message) => {
    const { run } = make();
    run.clock.advanceMinutes(10);
    for (const command of commands(run)) expect(run.no(command)).toEqual({ code, message });
  });

  it.each([
    ['completed', completed],
    ['rolled back', rolledBack],
    ['aborted', aborted],
  ])('takes a late timer once %s as a no-op', (_label, make) => {
    const { run } = make();
    const before = run.state;
    for (const timer of [
      { kind: 'wait', stepId: run.step('Deploy to canary'), endsAt: at(10) },
      { kind: 'escalation', round: 0, contactIndex: 0 },
    ] as const) {
      const late = run.ok({ type: 'timer_fired', timer });
      expect(late.events).toEqual([]);
      expect(late.effects).toEqual([]);
      expect(late.state).toEqual(before);
    }
  });
});

describe('purity', () => {
  const runbook = parseRunbook(BASIC, { fileName: 'runbook.md' });
  const id = (title: string) => runbook.steps.find((s) => s.title === title)?.id ?? '';
  const rows: [string, RunCommand, boolean][] = [
    ['complete_step', { type: 'complete_step', userId: 'U1', stepId: id('Announce in #deploys') }, true],
    ['skip_step', { type: 'skip_step', userId: 'U1', stepId: id('Announce in #deploys') }, true],
    [
      'fail_step + rollback',
      { type: 'fail_step', userId: 'U1', stepId: id('Announce in #deploys'), rollback: rollbackSetup() },
      true,
    ],
    ['start_rollback', { type: 'start_rollback', userId: 'U1', ...rollbackSetup() }, true],
    ['abort', { type: 'abort', userId: STARTER, reason: null, isAdmin: false }, true],
    ['a refused command', { type: 'complete_step', userId: 'U1', stepId: id('Smoke test') }, false],
  ];

  it.each(rows)('%s leaves the given state as it was', (_label, command, applied) => {
    const clock = new TestClock();
    const input = { runId: 'r', starterId: STARTER, environment: 'prod', rehearsal: false, params: {} };
    const { state } = startRun(runbook, input, clock.now());
    const snapshot: RunState = structuredClone(state);
    clock.advanceMinutes(1);
    const result = applyCommand(runbook, state, command, clock.now());
    expect(result.ok).toBe(applied);
    expect(state).toEqual(snapshot);
    if (result.ok) expect(result.state).not.toBe(state);
  });

  it("startRun does not keep the caller's params object", () => {
    const runbook = parseRunbook(BASIC, { fileName: 'runbook.md' });
    const params = { VERSION: '1.4.2' };
    const { state } = startRun(
      runbook,
      { runId: 'r', starterId: STARTER, environment: 'prod', rehearsal: false, params },
      new TestClock().now(),
    );
    params.VERSION = '9.9.9';
    expect(state.params).toEqual({ VERSION: '1.4.2' });
  });
});
