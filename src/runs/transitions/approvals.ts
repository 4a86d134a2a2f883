// Approval gates: who may sign which slot, four eyes and quorum.

import { formatTime } from '../../shared/format-time.js';
import type { RunCommand } from '../commands.js';
import { type Draft, effect, record } from '../draft.js';
import { gatesOf, isRollingBack, missingSignatures, requiredFor } from '../progress.js';
import { mention, refuse } from '../refusals.js';

/** Signs an approval slot, or says why this person may not. */
export function approve(draft: Draft, command: Extract<RunCommand, { type: 'approve' }>) {
  const { runbook, state } = draft;
  const approval = runbook.approvals.find((a) => a.id === command.approvalId);
  if (!approval)
    return refuse('run.approval_unknown', 'this approval is not part of the runbook version this run uses');
  if (isRollingBack(state))
    return refuse('run.rolling_back', 'the run is rolling back: approvals are closed');
  const signatures = state.approvals[approval.id] ?? [];
  const mine = signatures.find((s) => s.userId === command.userId);
  if (mine)
    return refuse('run.already_approved', `you already approved ${approval.role} at ${formatTime(mine.at)}`);
  const required = requiredFor(state, approval);
  if (missingSignatures(state, approval, required) === 0) {
    const by = signatures.map((s) => `${mention(s.userId)} at ${formatTime(s.at)}`).join(', ');
    return refuse('run.approval_complete', `${approval.role} is already approved by ${by}`);
  }
  if (command.userId === state.starterId && !command.allowSelfApproval) {
    return refuse('run.four_eyes', 'you started this run; someone else must approve');
  }
  if (command.eligibleUserIds && !command.eligibleUserIds.includes(command.userId)) {
    return refuse('run.not_approver', `only people in the ${approval.role} role may approve this slot`);
  }
  const gate = gatesOf(runbook).find((g) => g.approvals.some((a) => a.id === approval.id));
  const other = gate?.approvals.find(
    (a) => a.id !== approval.id && (state.approvals[a.id] ?? []).some((s) => s.userId === command.userId),
  );
  if (other) {
    return refuse(
      'run.four_eyes',
      `you already signed ${other.role} at this gate; another person must sign ${approval.role}`,
    );
  }
  state.approvals[approval.id] = [...signatures, { userId: command.userId, at: draft.nowIso }];
  record(draft, 'approved', command.userId, {
    approvalId: approval.id,
    role: approval.role,
    signatures: signatures.length + 1,
    required,
  });
  effect(draft, { type: 'render_run' });
  return null;
}
