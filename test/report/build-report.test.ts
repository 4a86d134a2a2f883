// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildRunReport, type ReportCommand } from '../../src/report/build-report.js';
import { parseRunbook, type Runbook } from '../../src/runbook/index.js';
import { applyCommand, type RunCommand, type RunState, startRun } from '../../src/runs/index.js';
import { TestClock } from '../runs/support.js';

const RUNBOOK = `---
params:
  version: 1.0.0
---
# Payments rollout

Rolls out payments-api.

## Prepare
- [ ] Announce in #deploys
- [ ] Check that the image exists

  \`\`\`bash
  docker manifest inspect registry/payments:\${version}
  \`\`\`

## Deploy

Approved By (SRE): ____

- [ ] Deploy to canary
- [ ] Watch the canary for 10 minutes
- [ ] Deploy everywhere
  - [ ] Update the ticket

## Rollback
- [ ] Revert the deploy
- [ ] Tell #deploys

## Escalation
1. On-call
`;

const STARTER = 'U0ALICE';

/** A run driven through the state machine, its audit trail kept as the store keeps it. */
class Drive {
  readonly runbook: Runbook = parseRunbook(RUNBOOK, { fileName: 'payments-rollout' });
  readonly clock = new TestClock('2026-01-05T14:00:00.000Z');
  readonly trail: ReportCommand[] = [];
  state: RunState;

  constructor() {
    const started = startRun(
      this.runbook,
      {
        runId: 'run-1',
        starterId: STARTER,
        environment: 'production',
        rehearsal: false,
        params: { version: '1.4.2' },
      },
      this.clock.now(),
    );
    this.state = started.state;
    this.trail.push({ command: 'start', actor: STARTER, at: this.clock.iso(), events: started.events });
  }

  step(title: string): string {
    const step = this.runbook.steps.find((s) => s.title === title);
    if (!step) throw new Error(`no step ${title}`);
    return step.id;
  }

  /** Moves the clock on, then applies a command that must succeed. */
  do(minutes: number, command: RunCommand): this {
    this.clock.advanceMinutes(minutes);
    const result = applyCommand(this.runbook, this.state, command, this.clock.now());
    if (!result.ok) throw new Error(`refused ${command.type}: ${result.refusal.message}`);
    this.state = result.state;
    const actor = 'userId' in command ? command.userId : null;
    this.trail.push({ command: command.type, actor, at: this.clock.iso(), events: result.events });
    return this;
  }

  done(minutes: number, title: string, userId = 'U0BOB', extra: Partial<RunCommand> = {}): this {
    return this.do(minutes, {
      type: 'complete_step',
      userId,
      stepId: this.step(title),
      ...extra,
    } as RunCommand);
  }

  approve(minutes: number, role: string, userId: string): this {
    const approval = this.runbook.approvals.find((a) => a.role === role);
    if (!approval) throw new Error(`no approval ${role}`);
    return this.do(minutes, {
      type: 'approve',
      userId,
      approvalId: approval.id,
      eligibleUserIds: null,
      allowSelfApproval: false,
    });
  }

  report(source?: string): string {
    return buildRunReport({
      runbookName: 'payments-rollout',
      runbook: this.runbook,
      state: this.state,
      events: this.trail,
      source,
    });
  }
}

/** Every forward step done by 14:31, with an approval, a 10-minute wait and an "I ran it". */
function completedRun(): Drive {
  const run = new Drive()
    .done(3, 'Announce in #deploys')
    .done(2, 'Check that the image exists', 'U0BOB', { output: 'sha256:4f2a\n```nested```', exitCode: 0 })
    .approve(1, 'SRE', 'U0SRE')
    .done(2, 'Deploy to canary', 'U0CAROL');
  run.do(1, { type: 'start_wait', userId: 'U0CAROL', stepId: run.step('Watch the canary for 10 minutes') });
  run.do(10, {
    type: 'timer_fired',
    timer: {
      kind: 'wait',
      stepId: run.step('Watch the canary for 10 minutes'),
      endsAt: '2026-01-05T14:19:00.000Z',
    },
  });
  return run
    .done(1, 'Watch the canary for 10 minutes', 'U0CAROL')
    .done(5, 'Update the ticket', 'U0DAVE')
    .done(6, 'Deploy everywhere', 'U0BOB');
}

const ROLLBACK_SETUP = {
  reason: '5xx above 2%',
  contacts: [
    { label: 'On-call', slackUserId: 'U0ONCALL', phone: null },
    { label: 'DBA secondary', slackUserId: null, phone: '+55 11 5555 0190' },
    { label: 'Ingrid Solberg', slackUserId: 'U0INGRID', phone: null },
  ],
  policy: { timeoutMinutes: 5, rounds: 1 },
};

/** The lines of a report's section, from its heading to the next `## `. */
function section(report: string, heading: string): string[] {
  const lines = report.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
}

describe('the run report', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a completed run: every step with who and when, the approval, the wait and the "I ran it" output', () => {
    const report = completedRun().report();
    expect(report.startsWith('# Payments rollout\n')).toBe(true);
    expect(section(report, 'Run')).toEqual([
      '- **Runbook:** `payments-rollout`: Payments rollout',
      '- **Run:** `run-1`',
      '- **Environment:** `production`',
      '- **Parameters:** `version=1.4.2`',
      '- **Started:** by @U0ALICE at 2026-01-05 14:00 UTC',
      '- **Finished:** 2026-01-05 14:31 UTC, after 31 min',
      '- **Result:** ✅ completed',
      '- **Progress:** 6 of 6 steps done',
      '- **Steps:** 6 done, 2 not needed',
    ]);
    const lines = report.split('\n');
    for (const [item, by, at, after] of [
      ['- [x] Announce in #deploys', 'U0BOB', '14:03', '3 min after the start'],
      ['- [x] Check that the image exists', 'U0BOB', '14:05', '2 min after the previous step'],
      ['- [x] Deploy to canary', 'U0CAROL', '14:08', '3 min after the previous step'],
      ['- [x] Watch the canary for 10 minutes', 'U0CAROL', '14:20', '12 min after the previous step'],
      ['- [x] Deploy everywhere', 'U0BOB', '14:31', '6 min after the previous step'],
      ['  - [x] Update the ticket', 'U0DAVE', '14:25', '5 min after the previous step'],
    ]) {
      expect(lines).toContain(`${item} — ✅ done by @${by} at 2026-01-05 ${at} UTC (${after})`);
    }
    expect(lines).toContain('> ✍️ SRE approved by @U0SRE at 2026-01-05 14:06 UTC');
    expect(lines).toContain(
      '  ⏱ 10-minute wait started by @U0CAROL at 2026-01-05 14:09 UTC, ended 14:19 UTC',
    );
    // The pasted output is kept verbatim, in a fence longer than the backticks inside it.
    expect(report).toContain(
      '  💻 “I ran it”, exit code 0, output:\n\n  ````text\n  sha256:4f2a\n  ```nested```\n  ````',
    );
    expect(report).toContain('  ```bash\n  docker manifest inspect registry/payments:${version}\n  ```');
    expect(lines).toContain('- [ ] Revert the deploy — ➖ not needed');
    expect(report).not.toContain('## Escalation');
    const trail = section(report, 'Audit trail').slice(1);
    expect(trail).toHaveLength(10);
    expect(trail[0]).toBe(
      '- 2026-01-05 14:00:00 UTC · @U0ALICE · `start`: run started; phase started “Prepare”',
    );
    expect(trail[3]).toBe(
      '- 2026-01-05 14:06:00 UTC · @U0SRE · `approve`: approved (SRE); phase started “Deploy”',
    );
    expect(trail[6]).toBe(
      '- 2026-01-05 14:19:00 UTC · deploybot · `timer_fired`: wait elapsed “Watch the canary for 10 minutes”',
    );
    expect(trail[9]).toMatch(/· @U0BOB · `complete_step`: step completed “Deploy everywhere”; run finished$/);
  });

  it('with the source: the runbook itself, line for line, each step ticked and annotated under it', () => {
    const report = completedRun().report(RUNBOOK);
    const lines = report.split('\n');
    // Every line of the runbook is there, in order (only the boxes changed).
    let at = 0;
    const [forward = '', rollback = ''] = RUNBOOK.split('## Rollback');
    const ticked = `${forward.replace(/\[ \]/g, '[x]')}## Rollback${rollback}`;
    for (const line of ticked.trimEnd().split('\n')) {
      const found = lines.indexOf(line, at);
      expect(found, `missing: ${line}`).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }
    expect(report.startsWith('---\nparams:\n  version: 1.0.0\n---\n# Payments rollout\n\n## Run\n')).toBe(
      true,
    );
    const canary = lines.indexOf('- [x] Watch the canary for 10 minutes');
    expect(lines.slice(canary + 1, canary + 5)).toEqual([
      '',
      '  > ✅ done by @U0CAROL at 2026-01-05 14:20 UTC (12 min after the previous step)',
      '  >',
      '  > ⏱ 10-minute wait started by @U0CAROL at 2026-01-05 14:09 UTC, ended 14:19 UTC',
    ]);
    const nested = lines.indexOf('  - [x] Update the ticket');
    expect(lines[nested + 2]).toBe(
      '    > ✅ done by @U0DAVE at 2026-01-05 14:25 UTC (5 min after the previous step)',
    );
    // The note of a step with a command goes under the command, not between the text and the command.
    const check = lines.indexOf('- [x] Check that the image exists');
    expect(lines.slice(check + 1, check + 7)).toEqual([
      '',
      '  ```bash',
      '  docker manifest inspect registry/payments:${version}',
      '  ```',
      '',
      '  > ✅ done by @U0BOB at 2026-01-05 14:05 UTC (2 min after the previous step)',
    ]);
    expect(lines[lines.indexOf('Approved By (SRE): ____') + 2]).toBe(
      '> ✍️ SRE approved by @U0SRE at 2026-01-05 14:06 UTC',
    );
    expect(report).toContain('## Audit trail');
  });

  it('fills the runbook’s record lines with what the run recorded, and leaves the rest as written', () => {
    const withRecords = RUNBOOK.replace(
      'Rolls out payments-api.\n',
      [
        'Rolls out payments-api.',
        '',
        'Deployed by: ____',
        'Started at: ____ | Completed at: ____ | Duration: ____',
        'Rolled back by: ____',
        '',
        '```text',
        'Executed by: ____',
        '```',
        '',
      ].join('\n'),
    );
    const withSource = (drive: Drive) => {
      (drive as { runbook: Runbook }).runbook = parseRunbook(withRecords, { fileName: 'payments-rollout' });
      return drive.report(withRecords).split('\n');
    };
    const running = withSource(new Drive().done(3, 'Announce in #deploys'));
    expect(running).toContain('Deployed by: @U0ALICE');
    // The run has not ended: its end and its duration are not known yet.
    expect(running).toContain('Started at: 2026-01-05 14:00 UTC | Completed at: ____ | Duration: ____');
    // Nobody rolled it back; a blank in a code block is the runbook's text.
    expect(running).toContain('Rolled back by: ____');
    expect(running).toContain('Executed by: ____');
    // Every forward step done: the run completed at 14:31.
    const ended = withSource(completedRun());
    expect(ended).toContain(
      'Started at: 2026-01-05 14:00 UTC | Completed at: 2026-01-05 14:31 UTC | Duration: 31 min',
    );
    // The approval blank stays a slot with its note, never a record.
    expect(ended[ended.indexOf('Approved By (SRE): ____') + 2]).toBe(
      '> ✍️ SRE approved by @U0SRE at 2026-01-05 14:06 UTC',
    );
  });

  it('an aborted run: who aborted it and why, the wait it cut short, and what was left undone', () => {
    const run = new Drive().done(3, 'Announce in #deploys').done(2, 'Check that the image exists');
    run.approve(1, 'SRE', 'U0SRE').done(2, 'Deploy to canary', 'U0CAROL');
    run.do(1, { type: 'start_wait', userId: 'U0CAROL', stepId: run.step('Watch the canary for 10 minutes') });
    run.do(4, { type: 'abort', userId: STARTER, reason: 'wrong\nwindow', isAdmin: false });
    const report = run.report();
    expect(section(report, 'Run').slice(4)).toEqual([
      '- **Started:** by @U0ALICE at 2026-01-05 14:00 UTC',
      '- **Finished:** 2026-01-05 14:13 UTC, after 13 min',
      '- **Result:** ⛔ aborted by @U0ALICE at 2026-01-05 14:13 UTC: “wrong window”',
      '- **Progress:** 3 of 6 steps done',
      '- **Steps:** 3 done, 2 not needed, 3 not done',
      '- **Left undone:** 3 steps, from “Watch the canary for 10 minutes” in Deploy',
    ]);
    const lines = report.split('\n');
    expect(lines).toContain('- [ ] Watch the canary for 10 minutes — ⬜ not done');
    expect(lines).toContain(
      '  ⏱ 10-minute wait started by @U0CAROL at 2026-01-05 14:09 UTC, stopped after 4 min at 14:13 UTC',
    );
    expect(lines).toContain('  - [ ] Update the ticket — ⬜ not done');
    expect(lines).toContain('- [ ] Revert the deploy — ➖ not run (no rollback was started)');
    expect(section(report, 'Audit trail').at(-1)).toBe(
      '- 2026-01-05 14:13:00 UTC · @U0ALICE · `abort`: run aborted (“wrong window”)',
    );
  });

  it('a rolled-back run: the failure, every page with its round, the phone-only contact and the acknowledgement', () => {
    const run = new Drive().done(3, 'Announce in #deploys');
    run.do(2, {
      type: 'fail_step',
      userId: 'U0BOB',
      stepId: run.step('Check that the image exists'),
      reason: 'manifest unknown',
      rollback: ROLLBACK_SETUP,
    });
    run.do(5, { type: 'timer_fired', timer: { kind: 'escalation', round: 0, contactIndex: 0 } });
    run.do(2, { type: 'acknowledge', userId: 'U0INGRID' });
    run.done(3, 'Revert the deploy', 'U0INGRID').done(1, 'Tell #deploys', 'U0BOB');
    expect(section(run.report(), 'Run').slice(6)).toEqual([
      '- **Result:** ↩️ rolled back',
      '- **Rollback:** started by @U0BOB at 2026-01-05 14:05 UTC: “5xx above 2%”',
      '- **Progress:** 1 of 6 steps done, rollback 2 of 2',
      '- **Steps:** 3 done, 1 failed, 4 not done',
      '- **Left undone:** 4 steps, from “Deploy to canary” in Deploy',
    ]);
    const report = run.report(RUNBOOK);
    expect(report).toContain(
      '- [ ] Check that the image exists\n\n  ```bash\n  docker manifest inspect registry/payments:${version}\n  ```\n\n' +
        '  > ❌ failed by @U0BOB at 2026-01-05 14:05 UTC (2 min after the previous step): “manifest unknown”',
    );
    expect(report).toContain(
      '  > ✅ done by @U0INGRID at 2026-01-05 14:15 UTC (10 min after the rollback started)',
    );
    // The runbook has its own "Escalation" section (the paging order): ours is named apart from it.
    expect(report).toContain('## Escalation\n1. On-call\n');
    expect(section(report, 'Escalation during this run')).toEqual([
      'Paging started with the rollback at 2026-01-05 14:05 UTC: one contact at a time, 5 min each, 1 round.',
      '- 2026-01-05 14:05 UTC: paged On-call (@U0ONCALL), round 1',
      '- 2026-01-05 14:10 UTC: paged Ingrid Solberg (@U0INGRID), round 1',
      '- Not reachable in Slack: DBA secondary (+55 11 5555 0190)',
      '✅ Acknowledged by @U0INGRID at 2026-01-05 14:12 UTC, 7 min after the rollback started.',
    ]);
    const trail = section(report, 'Audit trail');
    expect(trail).toContain(
      '- 2026-01-05 14:10:00 UTC · deploybot · `timer_fired`: page timed out; contact paged (Ingrid Solberg)',
    );
    expect(trail).toContain('- 2026-01-05 14:12:00 UTC · @U0INGRID · `acknowledge`: escalation acknowledged');
  });

  it('is deterministic: the same run gives the same text, whatever the clock and the stored key order', () => {
    const run = completedRun();
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-06-01T03:00:00Z'));
    const first = run.report(RUNBOOK);
    vi.setSystemTime(new Date('2031-12-31T23:59:00Z'));
    // A run read back from the database: a copy, its parameters in another key order.
    const stored = structuredClone(run.state);
    stored.params = Object.fromEntries(Object.entries({ ...stored.params, a: 'z' }).reverse());
    run.state.params = { ...run.state.params, a: 'z' };
    expect(run.report(RUNBOOK)).toBe(
      buildRunReport({
        runbookName: 'payments-rollout',
        runbook: run.runbook,
        state: stored,
        events: structuredClone(run.trail),
        source: RUNBOOK,
      }),
    );
    expect(run.report(RUNBOOK).replace('`a=z`, ', '')).toBe(first);
    expect(run.report()).toBe(run.report());
  });
});
