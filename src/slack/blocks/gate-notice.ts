// The thread notice of an approval gate, in each state of the run: a notice that a later state
// replaces, so that "Waiting for approval" never stays under the gate once it is signed. Pure.
//
// What the sync must do with it (src/slack/sync/, not done here): post the `gate_waiting` notice as
// a stored message of the run (slot `{ kind: GATE_NOTICE_KIND, phaseIndex: gate position, part: 0 }`
// in slack_messages, like a phase message), and render that slot with buildGateNotice on every
// refresh, so the message is edited (and skipped when its hash did not change) like the others.
import type { Runbook } from '../../runbook/index.js';
import type { Notice, RunState } from '../../runs/index.js';
import { ACTIVE_STATUSES } from '../../runs/index.js';
import { gatesOf, isGateComplete, isRollingBack } from '../../runs/progress.js';
import { escapeText as esc, mention as who } from './escape.js';

/** The `kind` of the stored message that holds a gate's notice (its `phaseIndex` is the gate's position). */
export const GATE_NOTICE_KIND = 'notice:gate';

/** Where a notice that a later state replaces is kept: the gate position of a `gate_waiting`. */
export function liveNoticeSlot(
  notice: Notice,
  runbook: Runbook,
): { kind: string; phaseIndex: number } | null {
  if (notice.kind !== 'gate_waiting') return null;
  const position = gatePositionOf(runbook, notice.approvalIds);
  return position === null ? null : { kind: GATE_NOTICE_KIND, phaseIndex: position };
}

/** The gate that holds these approval slots, by its position. */
export function gatePositionOf(runbook: Runbook, approvalIds: readonly string[]): number | null {
  const gate = gatesOf(runbook).find((g) => g.approvals.some((a) => approvalIds.includes(a.id)));
  return gate ? gate.position : null;
}

/**
 * What the notice of the gate at `position` says now: who it waits for; once signed, who signed and
 * when; if the run moved on without it (a rollback, an abort), that it is no longer needed.
 */
export function buildGateNotice(
  runbook: Runbook,
  state: RunState,
  position: number,
): { text: string } | null {
  const gate = gatesOf(runbook).find((g) => g.position === position);
  if (!gate) return null;
  const roles = gate.approvals.map((a) => esc(a.role));
  if (isGateComplete(state, gate)) {
    const signed = gate.approvals.map((a) => {
      const by = (state.approvals[a.id] ?? []).map((s) => `${who(s.userId)} at ${s.at.slice(11, 16)} UTC`);
      return `${esc(a.role)} by ${by.join(' and ')}`;
    });
    return { text: `✅ Approval gate signed: ${signed.join('; ')}.` };
  }
  if (isRollingBack(state) || !ACTIVE_STATUSES.includes(state.status)) {
    const why = isRollingBack(state)
      ? 'the run rolled back'
      : `the run was ${state.status === 'aborted' ? 'aborted' : 'ended'}`;
    return { text: `🔓 Approval no longer needed (${roles.join(', ')}): ${why} before it was signed.` };
  }
  return { text: `🔒 Waiting for approval: ${roles.join(', ')}.` };
}
