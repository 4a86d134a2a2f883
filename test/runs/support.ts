// Test support for the run state machine: a hand-advanced clock, small inline runbooks, and a
// harness that applies commands to a deep-frozen state (so every test also checks purity).
import { expect } from 'vitest';
import { parseRunbook, type Runbook } from '../../src/runbook/index.js';
import {
  applyCommand,
  type EscalationContact,
  type Refusal,
  type RollbackSetup,
  type RunCommand,
  type RunEffect,
  type RunEvent,
  type RunState,
  type StartInput,
  startRun,
  type TimerPayload,
} from '../../src/runs/index.js';

export const T0 = '2025-03-04T14:00:00.000Z';

/** A clock that moves only when a test says so. */
export class TestClock {
  private ms: number;
  constructor(iso: string = T0) {
    this.ms = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.ms);
  }
  iso(): string {
    return this.now().toISOString();
  }
  advanceMinutes(minutes: number): void {
    this.ms += minutes * 60_000;
  }
  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** ISO time `minutes` after T0. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

export const BASIC = `# Payments rollout

## Prepare
- [ ] Announce in #deploys
- [ ] Check the dashboards

## Deploy
- [ ] Deploy to canary
- [ ] Deploy everywhere

## Verify
- [ ] Smoke test

## Rollback
- [ ] Revert the deploy
- [ ] Confirm the old version serves
`;

/** A sign-off table between Prepare and Deploy (SRE needs 2), and a QA blank after Deploy. */
export const GATED = `---
approvals: { SRE: 2 }
---
# Payments rollout

## Prepare
- [ ] Announce in #deploys

## Sign-off
| Role | Name |
|---|---|
| SRE | |
| Release captain | |

## Deploy
- [ ] Deploy to canary
- [ ] Deploy everywhere

Approved By (QA): ____

## Verify
- [ ] Smoke test

## Rollback
- [ ] Revert the deploy
`;

/** A gate after the last forward step. */
export const FINAL_GATE = `# Config change

## Change
- [ ] Apply the change

## Sign-off
Approved By (SRE): ____

## Rollback
- [ ] Revert the change
`;

export const WAIT = `# Canary rollout

## Deploy
- [ ] Deploy to canary
- [ ] Watch the canary for 10 minutes
- [ ] Deploy everywhere

## Rollback
- [ ] Revert the deploy
`;

/** No rollback phase at all. */
export const NO_ROLLBACK = `# Docs update

## Publish
- [ ] Publish the docs
`;

export const ON_CALL: EscalationContact = { label: 'On-call', slackUserId: 'UONCALL', phone: null };
export const DBA: EscalationContact = {
  label: 'DBA secondary',
  slackUserId: null,
  phone: '+55 11 5555 0190',
};
export const INGRID: EscalationContact = {
  label: 'Ingrid Solberg',
  slackUserId: 'UINGRID',
  phone: '+47 5555 0100',
};

/** Page On-call, then (skipping the phone-only DBA) Ingrid, 5 minutes each, `rounds` times. */
export function rollbackSetup(rounds = 1, reason: string | null = '5xx above 2%'): RollbackSetup {
  return { reason, contacts: [ON_CALL, DBA, INGRID], policy: { timeoutMinutes: 5, rounds } };
}

export const STARTER = 'USTARTER';

export type Ok = { ok: true; state: RunState; events: RunEvent[]; effects: RunEffect[] };

/** Freezes an object and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** One run being driven through the state machine by a test. */
export class Harness {
  readonly runbook: Runbook;
  readonly clock: TestClock;
  state: RunState;
  readonly started: Ok;

  constructor(markdown: string, input: Partial<StartInput> = {}, clock = new TestClock()) {
    this.runbook = parseRunbook(markdown, { fileName: 'runbook.md' });
    this.clock = clock;
    this.started = startRun(
      this.runbook,
      { runId: 'run-1', starterId: STARTER, environment: 'prod', rehearsal: false, params: {}, ...input },
      clock.now(),
    );
    this.state = deepFreeze(this.started.state);
  }

  /** Id of the step with this title. */
  step(title: string): string {
    const step = this.runbook.steps.find((s) => s.title === title);
    if (!step) throw new Error(`no step titled ${title}`);
    return step.id;
  }

  /** Id of the approval slot for this role. */
  approval(role: string): string {
    const approval = this.runbook.approvals.find((a) => a.role === role);
    if (!approval) throw new Error(`no approval for ${role}`);
    return approval.id;
  }

  /** Index of the phase with this title. */
  phase(title: string): number {
    const index = this.runbook.phases.findIndex((p) => p.title === title);
    if (index < 0) throw new Error(`no phase titled ${title}`);
    return index;
  }

  /** Applies a command that must succeed; the run moves on. */
  ok(command: RunCommand): Ok {
    const before = structuredClone(this.state);
    const result = applyCommand(this.runbook, this.state, command, this.clock.now());
    expect(this.state).toEqual(before);
    if (!result.ok)
      throw new Error(`refused ${command.type}: ${result.refusal.code} ${result.refusal.message}`);
    this.state = deepFreeze(result.state);
    return result;
  }

  /** Applies a command that must be refused; the run stays as it was. */
  no(command: RunCommand): Refusal {
    const before = structuredClone(this.state);
    const result = applyCommand(this.runbook, this.state, command, this.clock.now());
    expect(this.state).toEqual(before);
    if (result.ok) throw new Error(`expected ${command.type} to be refused, it was applied`);
    return result.refusal;
  }

  complete(
    title: string,
    userId = 'UDEPLOYER',
    extra: Partial<Extract<RunCommand, { type: 'complete_step' }>> = {},
  ) {
    return this.ok({ type: 'complete_step', userId, stepId: this.step(title), ...extra });
  }

  sign(role: string, userId: string) {
    return this.ok({
      type: 'approve',
      userId,
      approvalId: this.approval(role),
      eligibleUserIds: null,
      allowSelfApproval: false,
    });
  }

  status(title: string) {
    return this.state.steps[this.step(title)]?.status;
  }
}

/** The notices among some effects. */
export function notices(effects: RunEffect[]) {
  return effects.flatMap((e) => (e.type === 'notify' ? [e.notice] : []));
}

/** The effects of one type. */
export function effectsOf<T extends RunEffect['type']>(
  effects: RunEffect[],
  type: T,
): Extract<RunEffect, { type: T }>[] {
  return effects.filter((e): e is Extract<RunEffect, { type: T }> => e.type === type);
}

/** BASIC with Prepare done; UROLL starts a rollback at 14:02 with `rounds` rounds. */
export function rollingBack(rounds = 1, rehearsal = false) {
  const run = new Harness(BASIC, { rehearsal });
  run.complete('Announce in #deploys');
  run.complete('Check the dashboards');
  run.clock.advanceMinutes(2);
  const started = run.ok({ type: 'start_rollback', userId: 'UROLL', ...rollbackSetup(rounds) });
  return { run, started };
}

export function escalationTimer(
  round: number,
  contactIndex: number,
): { type: 'timer_fired'; timer: TimerPayload } {
  return { type: 'timer_fired', timer: { kind: 'escalation', round, contactIndex } };
}
