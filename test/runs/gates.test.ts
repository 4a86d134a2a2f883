// Approval gates: position, who may sign (roles, four eyes), quorum.
import { describe, expect, it } from 'vitest';
import { at, FINAL_GATE, GATED, Harness, rollbackSetup, STARTER } from './support.js';

/** GATED with Prepare done: the sign-off gate (SRE ×2, Release captain) now blocks Deploy. */
function atSignOff() {
  const run = new Harness(GATED);
  run.clock.advanceMinutes(1);
  const last = run.complete('Announce in #deploys');
  return { run, last };
}

describe('a gate between phases', () => {
  it('holds back the next phase: waiting_approval, a gate_waiting notice, no post', () => {
    const { run, last } = atSignOff();
    expect(run.state.status).toBe('waiting_approval');
    expect(run.state.currentPhaseIndex).toBe(run.phase('Prepare'));
    expect(last.effects).toEqual([
      { type: 'render_run' },
      {
        type: 'notify',
        notice: { kind: 'gate_waiting', approvalIds: [run.approval('SRE'), run.approval('Release captain')] },
      },
      { type: 'publish_home' },
    ]);
  });

  it.each(['complete_step', 'skip_step', 'fail_step', 'start_wait'] as const)(
    'refuses %s on a step behind the gate',
    (type) => {
      const { run } = atSignOff();
      expect(run.no({ type, userId: 'U1', stepId: run.step('Deploy to canary') })).toEqual({
        code: 'run.gate_locked',
        message: 'this step waits for an approval gate: it opens once every slot is signed',
      });
    },
  );

  it('opens only when every slot has all its signatures, then posts the next phase', () => {
    const { run } = atSignOff();
    run.clock.advanceMinutes(1);
    const first = run.sign('SRE', 'USRE1');
    expect(first.events).toEqual([
      {
        type: 'approved',
        actor: 'USRE1',
        data: { approvalId: run.approval('SRE'), role: 'SRE', signatures: 1, required: 2 },
      },
    ]);
    expect(first.effects).toEqual([{ type: 'render_run' }]);
    expect(run.state.status).toBe('waiting_approval');

    run.clock.advanceMinutes(1);
    const captain = run.sign('Release captain', 'UCAPTAIN');
    expect(captain.effects).toEqual([{ type: 'render_run' }]);
    expect(run.state.status).toBe('waiting_approval');
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Deploy to canary') }).code).toBe(
      'run.gate_locked',
    );

    run.clock.advanceMinutes(1);
    const second = run.sign('SRE', 'USRE2');
    expect(second.effects).toEqual([
      { type: 'render_run' },
      { type: 'post_phase', phaseIndex: run.phase('Deploy') },
      { type: 'publish_home' },
    ]);
    expect(second.events.map((e) => e.type)).toEqual(['approved', 'phase_started']);
    expect(run.state.status).toBe('running');
    expect(run.state.currentPhaseIndex).toBe(run.phase('Deploy'));
    expect(run.state.approvals).toEqual({
      [run.approval('SRE')]: [
        { userId: 'USRE1', at: at(2) },
        { userId: 'USRE2', at: at(4) },
      ],
      [run.approval('Release captain')]: [{ userId: 'UCAPTAIN', at: at(3) }],
    });
    run.complete('Deploy to canary');
    expect(run.status('Deploy to canary')).toBe('done');
  });

  it('may be signed before it is reached', () => {
    const run = new Harness(GATED);
    run.sign('SRE', 'USRE1');
    run.sign('SRE', 'USRE2');
    run.sign('Release captain', 'UCAPTAIN');
    const last = run.complete('Announce in #deploys');
    // A new phase with the same status: the Home is not published again.
    expect(last.effects).toEqual([
      { type: 'render_run' },
      { type: 'post_phase', phaseIndex: run.phase('Deploy') },
    ]);
    expect(run.state.status).toBe('running');
  });
});

describe('a gate at its place inside the document', () => {
  it('a blank after the last step of Deploy holds back Verify', () => {
    const { run } = atSignOff();
    run.sign('SRE', 'USRE1');
    run.sign('SRE', 'USRE2');
    run.sign('Release captain', 'UCAPTAIN');
    run.complete('Deploy to canary');
    const last = run.complete('Deploy everywhere');
    expect(run.state.status).toBe('waiting_approval');
    expect(last.effects).toEqual([
      { type: 'render_run' },
      { type: 'notify', notice: { kind: 'gate_waiting', approvalIds: [run.approval('QA')] } },
      { type: 'publish_home' },
    ]);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Smoke test') }).code).toBe(
      'run.gate_locked',
    );
    const qa = run.sign('QA', 'UQA');
    expect(qa.effects).toEqual([
      { type: 'render_run' },
      { type: 'post_phase', phaseIndex: run.phase('Verify') },
      { type: 'publish_home' },
    ]);
    expect(run.state.status).toBe('running');
  });

  it('a gate after the last step keeps the run open until it is signed', () => {
    const run = new Harness(FINAL_GATE);
    const last = run.complete('Apply the change');
    expect(run.state.status).toBe('waiting_approval');
    expect(last.effects).toEqual([
      { type: 'render_run' },
      { type: 'notify', notice: { kind: 'gate_waiting', approvalIds: [run.approval('SRE')] } },
      { type: 'publish_home' },
    ]);
    expect(run.no({ type: 'finish', userId: STARTER })).toEqual({
      code: 'run.gate_locked',
      message: 'an approval gate is not signed yet',
    });
    run.clock.advanceMinutes(5);
    const signed = run.sign('SRE', 'USRE');
    expect(run.state.status).toBe('completed');
    expect(run.state.finishedAt).toBe(at(5));
    expect(run.status('Revert the change')).toBe('not_needed');
    expect(signed.effects).toContainEqual({
      type: 'notify',
      notice: { kind: 'run_finished', status: 'completed' },
    });
  });
});

describe('who may sign', () => {
  it.each([
    ['an unmapped role: anyone else', 'UOTHER', null, false, null],
    ['an unmapped role: not the starter', STARTER, null, false, 'run.four_eyes'],
    ['an unmapped role: the starter when self-approval is allowed', STARTER, null, true, null],
    ['a mapped role: a member', 'UCAPTAIN', ['UCAPTAIN', 'UBACKUP'], false, null],
    ['a mapped role: not a non-member', 'UOTHER', ['UCAPTAIN', 'UBACKUP'], false, 'run.not_approver'],
    [
      'a mapped role: not the starter, even as a member',
      STARTER,
      [STARTER, 'UCAPTAIN'],
      false,
      'run.four_eyes',
    ],
    ['a mapped role: the starter as a member when allowed', STARTER, [STARTER, 'UCAPTAIN'], true, null],
    [
      'a mapped role: not the starter outside the role, even when allowed',
      STARTER,
      ['UCAPTAIN'],
      true,
      'run.not_approver',
    ],
    ['a role mapped to nobody: nobody', 'UOTHER', [], false, 'run.not_approver'],
  ] as const)('%s', (_label, userId, eligibleUserIds, allowSelfApproval, code) => {
    const { run } = atSignOff();
    const command = {
      type: 'approve',
      userId,
      approvalId: run.approval('Release captain'),
      eligibleUserIds,
      allowSelfApproval,
    } as const;
    if (code === null) {
      run.ok(command);
      expect(run.state.approvals[run.approval('Release captain')]).toEqual([{ userId, at: at(1) }]);
    } else {
      expect(run.no(command).code).toBe(code);
      expect(run.state.approvals).toEqual({});
    }
  });

  it.each([
    [STARTER, null, 'run.four_eyes', 'you started this run; someone else must approve'],
    [
      'UOTHER',
      ['UCAPTAIN'],
      'run.not_approver',
      'only people in the Release captain role may approve this slot',
    ],
  ] as const)('tells %s why', (userId, eligibleUserIds, code, message) => {
    const { run } = atSignOff();
    const approvalId = run.approval('Release captain');
    expect(
      run.no({ type: 'approve', userId, approvalId, eligibleUserIds, allowSelfApproval: false }),
    ).toEqual({
      code,
      message,
    });
  });

  it('one person cannot sign two slots of the same gate', () => {
    const { run } = atSignOff();
    run.sign('SRE', 'UBOTH');
    expect(
      run.no({
        type: 'approve',
        userId: 'UBOTH',
        approvalId: run.approval('Release captain'),
        eligibleUserIds: null,
        allowSelfApproval: false,
      }),
    ).toEqual({
      code: 'run.four_eyes',
      message: 'you already signed SRE at this gate; another person must sign Release captain',
    });
  });

  it('one person may sign slots of different gates', () => {
    const { run } = atSignOff();
    run.sign('Release captain', 'UBOTH');
    run.sign('QA', 'UBOTH');
    expect(run.state.approvals[run.approval('QA')]).toEqual([{ userId: 'UBOTH', at: at(1) }]);
  });

  it('refuses an approval that is not in the runbook', () => {
    const { run } = atSignOff();
    expect(
      run.no({
        type: 'approve',
        userId: 'U1',
        approvalId: 'ap_nope',
        eligibleUserIds: null,
        allowSelfApproval: false,
      }),
    ).toEqual({
      code: 'run.approval_unknown',
      message: 'this approval is not part of the runbook version this run uses',
    });
  });

  it('closes approvals once the run rolls back', () => {
    const { run } = atSignOff();
    run.ok({ type: 'start_rollback', userId: 'U1', ...rollbackSetup() });
    expect(
      run.no({
        type: 'approve',
        userId: 'U1',
        approvalId: run.approval('SRE'),
        eligibleUserIds: null,
        allowSelfApproval: false,
      }),
    ).toEqual({ code: 'run.rolling_back', message: 'the run is rolling back: approvals are closed' });
  });
});

describe('quorum', () => {
  it('needs two different people for a role that asks for 2', () => {
    const { run } = atSignOff();
    run.sign('Release captain', 'UCAPTAIN');
    run.clock.advanceMinutes(1);
    run.sign('SRE', 'USRE1');
    run.clock.advanceMinutes(1);
    expect(
      run.no({
        type: 'approve',
        userId: 'USRE1',
        approvalId: run.approval('SRE'),
        eligibleUserIds: null,
        allowSelfApproval: false,
      }),
    ).toEqual({ code: 'run.already_approved', message: 'you already approved SRE at 14:02 UTC' });
    expect(run.state.status).toBe('waiting_approval');
    run.sign('SRE', 'USRE2');
    expect(run.state.status).toBe('running');
  });

  it('refuses a signature beyond the quorum, naming who signed', () => {
    const { run } = atSignOff();
    run.sign('SRE', 'USRE1');
    run.clock.advanceMinutes(1);
    run.sign('SRE', 'USRE2');
    expect(
      run.no({
        type: 'approve',
        userId: 'USRE3',
        approvalId: run.approval('SRE'),
        eligibleUserIds: null,
        allowSelfApproval: false,
      }),
    ).toEqual({
      code: 'run.approval_complete',
      message: 'SRE is already approved by <@USRE1> at 14:01 UTC, <@USRE2> at 14:02 UTC',
    });
  });

  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
  ])('a run started with quorum %i for SRE needs %i signatures', (required, needed) => {
    const probe = new Harness(GATED);
    const run = new Harness(GATED, { required: { [probe.approval('SRE')]: required } });
    run.complete('Announce in #deploys');
    run.sign('Release captain', 'UCAPTAIN');
    for (let i = 1; i < needed; i++) {
      run.sign('SRE', `USRE${i}`);
      expect(run.state.status).toBe('waiting_approval');
    }
    const last = run.sign('SRE', `USRE${needed}`);
    expect(last.events[0]?.data).toEqual({
      approvalId: run.approval('SRE'),
      role: 'SRE',
      signatures: needed,
      required,
    });
    expect(run.state.status).toBe('running');
  });
});

describe('gates at other places', () => {
  const TOP = `# Hotfix

## Sign-off
Approved By (Change manager): ____

## Deploy
- [ ] Deploy the hotfix
`;

  const MIDDLE = `# Migration

## Migrate
- [ ] Take a backup

Approved By (DBA): ____

- [ ] Run the migration
`;

  it('a gate before the first step: the run starts waiting for approval and posts no phase', () => {
    const run = new Harness(TOP);
    expect(run.state.status).toBe('waiting_approval');
    expect(run.state.currentPhaseIndex).toBeNull();
    expect(run.started.effects).toEqual([
      { type: 'render_run' },
      { type: 'notify', notice: { kind: 'gate_waiting', approvalIds: [run.approval('Change manager')] } },
      { type: 'publish_home' },
    ]);
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Deploy the hotfix') }).code).toBe(
      'run.gate_locked',
    );
    const signed = run.sign('Change manager', 'UCM');
    expect(signed.effects).toEqual([
      { type: 'render_run' },
      { type: 'post_phase', phaseIndex: run.phase('Deploy') },
      { type: 'publish_home' },
    ]);
    expect(run.state.status).toBe('running');
  });

  it('a gate inside a phase holds back only the steps after it', () => {
    const run = new Harness(MIDDLE);
    expect(run.state.status).toBe('running');
    expect(run.no({ type: 'complete_step', userId: 'U1', stepId: run.step('Run the migration') }).code).toBe(
      'run.gate_locked',
    );
    const backup = run.complete('Take a backup');
    expect(run.state.status).toBe('waiting_approval');
    expect(backup.effects).toEqual([
      { type: 'render_run' },
      { type: 'notify', notice: { kind: 'gate_waiting', approvalIds: [run.approval('DBA')] } },
      { type: 'publish_home' },
    ]);
    const signed = run.sign('DBA', 'UDBA');
    expect(signed.effects).toEqual([{ type: 'render_run' }, { type: 'publish_home' }]);
    expect(run.state.status).toBe('running');
    run.complete('Run the migration');
    expect(run.state.status).toBe('completed');
  });
});
