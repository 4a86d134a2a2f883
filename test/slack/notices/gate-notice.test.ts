// The gate's thread notice says what the gate is now: waiting, signed (who, when), or not needed.
import { describe, expect, it } from 'vitest';
import { buildGateNotice, GATE_NOTICE_KIND, liveNoticeSlot } from '../../../src/slack/blocks/gate-notice.js';
import { buildNotice } from '../../../src/slack/blocks/notice-blocks.js';
import { GATED, Harness, rollbackSetup, STARTER } from '../../runs/support.js';

function waitingForSignOff() {
  const run = new Harness(GATED);
  const last = run.complete('Announce in #deploys');
  const notice = last.effects.flatMap((e) => (e.type === 'notify' ? [e.notice] : []))[0];
  if (notice?.kind !== 'gate_waiting') throw new Error('expected a gate_waiting notice');
  const slot = liveNoticeSlot(notice, run.runbook);
  if (!slot) throw new Error('expected the notice to have a slot');
  return { run, notice, slot };
}

describe('the approval gate notice', () => {
  it('is kept in a slot of its own, the gate position, so a later state can edit it', () => {
    const { run, notice, slot } = waitingForSignOff();
    expect(slot).toEqual({ kind: GATE_NOTICE_KIND, phaseIndex: 1 });
    expect(buildNotice(notice, run.runbook, run.state)).toEqual({
      text: '🔒 Waiting for approval: SRE, Release captain.',
    });
    expect(liveNoticeSlot({ kind: 'escalation_exhausted', rounds: 1 }, run.runbook)).toBeNull();
  });

  it('becomes who signed and when once every slot is signed', () => {
    const { run, slot } = waitingForSignOff();
    run.clock.advanceMinutes(2);
    run.sign('SRE', 'U0SRE001');
    // Quorum of two: one signature leaves it waiting.
    expect(buildGateNotice(run.runbook, run.state, slot.phaseIndex)?.text).toBe(
      '🔒 Waiting for approval: SRE, Release captain.',
    );
    run.clock.advanceMinutes(1);
    run.sign('SRE', 'U0SRE002');
    run.sign('Release captain', 'U0CAPT01');
    expect(buildGateNotice(run.runbook, run.state, slot.phaseIndex)?.text).toBe(
      '✅ Approval gate signed: SRE by <@U0SRE001> at 14:02 UTC and <@U0SRE002> at 14:03 UTC; Release captain by <@U0CAPT01> at 14:03 UTC.',
    );
  });

  it('says it is no longer needed when the run rolls back or is aborted before it is signed', () => {
    const rolled = waitingForSignOff();
    rolled.run.ok({ type: 'start_rollback', userId: 'UROLL', ...rollbackSetup() });
    expect(buildGateNotice(rolled.run.runbook, rolled.run.state, rolled.slot.phaseIndex)?.text).toBe(
      '🔓 Approval no longer needed (SRE, Release captain): the run rolled back before it was signed.',
    );
    const aborted = waitingForSignOff();
    aborted.run.ok({ type: 'abort', userId: STARTER, reason: null, isAdmin: false });
    expect(buildGateNotice(aborted.run.runbook, aborted.run.state, aborted.slot.phaseIndex)?.text).toBe(
      '🔓 Approval no longer needed (SRE, Release captain): the run was aborted before it was signed.',
    );
  });
});
