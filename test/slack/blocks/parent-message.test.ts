import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../src/runs/index.js';
import { buildParentMessage as build, type RunView } from '../../../src/slack/blocks/index.js';
import { ACTIONS, decodeValue } from '../../../src/slack/ids.js';
import { BASIC, GATED, Harness, rollingBack, STARTER, WAIT } from '../../runs/support.js';
import { allText, buttonsOf, validateMessage, viewOf } from './support.js';

/** Renders the parent message and checks every limit on it. */
function buildParentMessage(view: RunView) {
  const msg = build(view);
  validateMessage(msg);
  return msg;
}

/** A run driven to each status. */
const RUNS: Record<RunStatus, () => Harness> = {
  running: () => new Harness(BASIC, { params: { version: '1.4.2' } }),
  waiting_approval: () => {
    const run = new Harness(GATED);
    run.complete('Announce in #deploys');
    return run;
  },
  waiting: () => {
    const run = new Harness(WAIT);
    run.complete('Deploy to canary');
    run.ok({ type: 'start_wait', userId: 'UWATCHER', stepId: run.step('Watch the canary for 10 minutes') });
    return run;
  },
  rolling_back: () => rollingBack().run,
  completed: () => {
    const run = new Harness(BASIC);
    for (const title of [
      'Announce in #deploys',
      'Check the dashboards',
      'Deploy to canary',
      'Deploy everywhere',
    ]) {
      run.complete(title);
    }
    run.clock.advanceMinutes(65);
    run.complete('Smoke test');
    return run;
  },
  rolled_back: () => {
    const { run } = rollingBack();
    run.complete('Revert the deploy');
    run.complete('Confirm the old version serves');
    return run;
  },
  aborted: () => {
    const run = new Harness(BASIC);
    run.clock.advanceMinutes(3);
    run.ok({ type: 'abort', userId: STARTER, reason: 'wrong build', isAdmin: false });
    return run;
  },
};

const EXPECTED: [RunStatus, string, string[]][] = [
  ['running', '🟢 Running', [ACTIONS.startRollback, ACTIONS.abort]],
  [
    'waiting_approval',
    '🔒 Waiting for approval',
    [ACTIONS.approve, ACTIONS.approve, ACTIONS.startRollback, ACTIONS.abort],
  ],
  ['waiting', '⏳ Waiting', [ACTIONS.startRollback, ACTIONS.abort]],
  ['rolling_back', '🔴 *ROLLING BACK*', [ACTIONS.abort]],
  ['completed', '✅ Completed', [ACTIONS.report]],
  ['rolled_back', '↩️ Rolled back', [ACTIONS.report]],
  ['aborted', '⛔ Aborted', [ACTIONS.report]],
];

describe('buildParentMessage', () => {
  it.each(EXPECTED)('shows a %s run with its status and buttons', (status, label, actionIds) => {
    const run = RUNS[status]();
    expect(run.state.status).toBe(status);
    const msg = buildParentMessage(viewOf(run));
    validateMessage(msg);
    expect(allText(msg)).toContain(`*Status* ${label}`);
    expect(buttonsOf(msg).map((b) => b.actionId)).toEqual(actionIds);
    for (const b of buttonsOf(msg)) expect(decodeValue(b.value)?.runId).toBe('run-1');
  });

  it('names the starter, the parameters and the pinned runbook version', () => {
    const msg = buildParentMessage(viewOf(RUNS.running()));
    const text = allText(msg);
    expect(text).toContain(`*Started by* <@${STARTER}> at 14:00 UTC`);
    expect(text).toContain('*Parameters* `version=1.4.2`');
    expect(text).toContain('version `a1b2c3d4` · commit `0123456`');
    expect(text).toContain('*Progress* Phase 1 of 3 · Prepare');
    const noCommit = allText(buildParentMessage(viewOf(RUNS.running(), { gitCommit: null })));
    expect(noCommit).toContain('version `a1b2c3d4` · run');
    expect(noCommit).not.toContain('commit');
  });

  it('shows progress by phase, never step counts, and the elapsed time', () => {
    const run = new Harness(BASIC);
    run.complete('Announce in #deploys');
    run.clock.advanceMinutes(12);
    const msg = buildParentMessage(viewOf(run));
    expect(allText(msg)).toContain('*Progress* Phase 1 of 3 · Prepare');
    // Step counts live in the phase messages: neither the blocks nor the fallback text carry one.
    expect(allText(msg)).not.toMatch(/\d+\/\d+|\d+ of \d+ steps/);
    expect(msg.text).toBe('🟢 Payments rollout: Running · Phase 1 of 3 · Prepare');
    run.complete('Check the dashboards');
    expect(buildParentMessage(viewOf(run)).text).toBe('🟢 Payments rollout: Running · Phase 2 of 3 · Deploy');
    // While running, Slack counts the time itself: the message needs no update every minute.
    const running = allText(buildParentMessage(viewOf(run)));
    expect(running).toMatch(/\*Elapsed\* started <!date\^\d+\^\{ago\}\|at \d\d:\d\d UTC>/);
    expect(buildParentMessage(viewOf(run))).toEqual(
      buildParentMessage({ ...viewOf(run), now: new Date(viewOf(run).now.getTime() + 3_600_000) }),
    );
    const done = RUNS.completed();
    done.clock.advanceMinutes(600);
    const text = allText(buildParentMessage(viewOf(done)));
    expect(text).not.toContain('*Progress*');
    expect(text).toContain('*Elapsed* 1 h 05 min · finished at 15:05 UTC');
    const back = buildParentMessage(viewOf(rollingBack().run));
    expect(allText(back)).toContain('*Progress* Rollback phase 1 of 1 · Rollback');
    expect(back.text).toBe('🔴 Payments rollout: ROLLING BACK · Rollback phase 1 of 1 · Rollback');
    expect(allText(buildParentMessage(viewOf(RUNS.aborted())))).toContain(
      '*Stopped in* Phase 1 of 3 · Prepare',
    );
  });

  it('changes only when something changes for the channel, not with each step done', () => {
    const run = new Harness(BASIC);
    const before = buildParentMessage(viewOf(run, { version: 1 }));
    run.complete('Announce in #deploys');
    expect(buildParentMessage(viewOf(run, { version: 2 }))).toEqual(before);
    run.ok({ type: 'undo_step', userId: 'U1', stepId: run.step('Announce in #deploys') });
    expect(buildParentMessage(viewOf(run, { version: 3 }))).toEqual(before);
    run.complete('Announce in #deploys');
    run.complete('Check the dashboards');
    expect(buildParentMessage(viewOf(run, { version: 4 }))).not.toEqual(before);
  });

  it('names who is on the current phase', () => {
    const run = new Harness(BASIC, {
      owners: {
        [new Harness(BASIC).runbook.phases[1]?.id ?? '']: {
          label: 'Dana',
          userId: 'UDANA',
          by: null,
          at: null,
        },
      },
    });
    expect(allText(buildParentMessage(viewOf(run)))).not.toContain('on it');
    run.complete('Announce in #deploys');
    run.complete('Check the dashboards');
    expect(allText(buildParentMessage(viewOf(run)))).toContain(
      '*Progress* Phase 2 of 3 · Deploy · on it: <@UDANA>',
    );
    // Rendered for a post, the parent mentions no owner: a post notifies, and the phase message pings.
    const posted = allText(buildParentMessage({ ...viewOf(run), posting: true }));
    expect(posted).toContain('*Progress* Phase 2 of 3 · Deploy');
    expect(posted).not.toContain('<@UDANA>');
  });

  it('turns red and shows the escalation while rolling back', () => {
    const { run } = rollingBack(2);
    const msg = buildParentMessage(viewOf(run));
    const heading = msg.blocks[0];
    expect(heading?.type === 'header' && heading.text.text).toBe('🔴 ROLLING BACK · Payments rollout');
    const text = allText(msg);
    expect(msg.text).toContain('🔴');
    expect(text).toContain('🔴 *Rollback started* by <@UROLL> at 14:02 UTC: 5xx above 2%');
    expect(text).toContain('📟 *Paging* On-call (<@UONCALL>) since 14:02 UTC, round 1 of 2');
    expect(text).toContain('☎️ Not in Slack, call: DBA secondary +55 11 5555 0190');
    run.clock.advanceMinutes(1);
    run.ok({ type: 'acknowledge', userId: 'UONCALL' });
    const acked = allText(buildParentMessage(viewOf(run)));
    expect(acked).toContain('✅ *Acknowledged* by <@UONCALL> at 14:03 UTC');
  });

  it('says when nobody acknowledged', () => {
    const { run } = rollingBack(1);
    run.clock.advanceMinutes(5);
    run.ok({ type: 'timer_fired', timer: { kind: 'escalation', round: 0, contactIndex: 0 } });
    run.clock.advanceMinutes(5);
    run.ok({ type: 'timer_fired', timer: { kind: 'escalation', round: 0, contactIndex: 2 } });
    expect(run.state.escalation?.status).toBe('exhausted');
    const msg = buildParentMessage(viewOf(run));
    validateMessage(msg);
    expect(allText(msg)).toContain('⚠️ *Nobody acknowledged* after 1 round of paging');
    expect(allText(msg)).toContain(
      'Paged: On-call (<@UONCALL>) at 14:02 UTC, Ingrid Solberg (<@UINGRID>) at 14:07 UTC',
    );
  });

  it('names the roles a blocking gate waits for, with an Approve button per open slot', () => {
    const run = RUNS.waiting_approval();
    run.sign('SRE', 'USRE1');
    const msg = buildParentMessage(viewOf(run));
    validateMessage(msg);
    expect(allText(msg)).toContain('🔒 *Waiting for approval* from SRE (1 of 2), Release captain');
    const approve = buttonsOf(msg).filter((b) => b.actionId === ACTIONS.approve);
    expect(approve.map((b) => b.text)).toEqual(['Approve (SRE)', 'Approve (Release captain)']);
    expect(decodeValue(approve[0]?.value)).toEqual({
      runId: 'run-1',
      approvalId: run.approval('SRE'),
      signature: 2,
    });
    expect(allText(msg)).toContain('⬜ *SRE*: 1 of 2 signed');
    expect(allText(msg)).not.toContain('<@USRE1>');
  });

  it('shows running waits', () => {
    const msg = buildParentMessage(viewOf(RUNS.waiting()));
    expect(allText(msg)).toContain(
      '⏳ *Watch the canary for 10 minutes* ends at 14:10 UTC (timer started by <@UWATCHER>)',
    );
  });

  it('confirms Start rollback and Abort', () => {
    const [rollback, abort] = buttonsOf(buildParentMessage(viewOf(RUNS.running())));
    expect(rollback?.text).toBe('Start rollback');
    expect(rollback?.raw.style).toBe('danger');
    expect(rollback?.raw.confirm).toBeDefined();
    expect(abort?.text).toBe('Abort');
    expect(abort?.raw.confirm).toBeDefined();
  });

  it('says who aborted and why', () => {
    const text = allText(buildParentMessage(viewOf(RUNS.aborted())));
    expect(text).toContain(`⛔ *Aborted* by <@${STARTER}> at 14:03 UTC: wrong build`);
  });

  it('keeps block_ids of unchanged blocks, and changes those of changed ones', () => {
    const run = RUNS.running();
    const a = buildParentMessage(viewOf(run, { version: 1 }));
    // Another version of the same state renders the same message, so it is never sent again.
    expect(buildParentMessage(viewOf(run, { version: 2 }))).toEqual(a);
    run.complete('Announce in #deploys');
    run.complete('Check the dashboards');
    const b = buildParentMessage(viewOf(run, { version: 3 }));
    const changed = a.blocks.filter((x, i) => JSON.stringify(x) !== JSON.stringify(b.blocks[i]));
    expect(changed.length).toBeGreaterThan(0);
    for (const block of changed) expect(b.blocks.map((x) => x.block_id)).not.toContain(block.block_id);
    const kept = a.blocks.filter((x, i) => JSON.stringify(x) === JSON.stringify(b.blocks[i]));
    expect(kept.length).toBeGreaterThan(0);
  });
});
