// An approval gate: one line per slot with its signatures, and an **Approve (role)** button on each
// slot that still needs one. Each button sits on its own section, so no two share an actions block.
import type { Approval } from '../../runbook/index.js';
import type { Signature } from '../../runs/index.js';
import type { Gate } from '../../runs/progress.js';
import { isGateComplete, missingSignatures, requiredFor } from '../../runs/progress.js';
import { formatTime } from '../../shared/format-time.js';
import { ACTIONS, encodeValue } from '../ids.js';
import { button, section } from './elements.js';
import { escapeText, truncate } from './escape.js';
import { who } from './format.js';
import { type Item, sizeOf, type Unit } from './limits.js';
import type { RunView } from './run-view.js';

const MAX_SIGNERS = 10;
const MAX_ROLE = 60;
const LONGEST_USER = `U${'X'.repeat(39)}`;
const SIGNED = '✅ *Approval gate signed*';
const WAITING = '🔒 *Approval gate*: the steps after it open once every slot is signed.';

/** A gate in the thread: a heading line and one section per slot. */
export function buildGateUnit(view: RunView, gate: Gate, buttons: boolean): Unit {
  const key = gate.approvals[0]?.id ?? `gate${gate.position}`;
  const intro = isGateComplete(view.state, gate) ? SIGNED : WAITING;
  const head: Item = {
    blocks: [section(intro, `${key}:g`)],
    bound: { blocks: 1, chars: Math.max(SIGNED.length, WAITING.length) },
  };
  return [head, ...gate.approvals.map((approval) => buildSlotItem(view, approval, buttons))];
}

/**
 * One slot: role, signatures so far (`signers`: with their names, as the thread shows them), and its
 * Approve button while it needs more.
 */
export function buildSlotItem(view: RunView, approval: Approval, buttons: boolean, signers = true): Item {
  const signatures = view.state.approvals[approval.id] ?? [];
  const required = requiredFor(view.state, approval);
  const needsMore = missingSignatures(view.state, approval, required) > 0;
  const blocks = [renderSlot(view, approval, signatures, buttons && needsMore, signers)];
  // The most room the slot can take: every signature it can get (a slot refuses more than it
  // needs), from the longest ids, and its button.
  const most = Array.from({ length: Math.min(required, 100_000) }, () => ({
    userId: LONGEST_USER,
    at: view.now.toISOString(),
  }));
  return { blocks, bound: sizeOf([renderSlot(view, approval, most, true, signers)]) };
}

function renderSlot(
  view: RunView,
  approval: Approval,
  signatures: Signature[],
  withButton: boolean,
  signers: boolean,
) {
  const required = requiredFor(view.state, approval);
  const role = escapeText(truncate(approval.role, MAX_ROLE));
  const listed = signers ? signatures.slice(0, MAX_SIGNERS) : [];
  const shown = listed.map((s) => `${who(s.userId)} at ${formatTime(s.at)}`);
  const more =
    signatures.length > listed.length && signers ? ` and ${signatures.length - listed.length} more` : '';
  const signed = shown.length ? `: ${shown.join(', ')}${more}` : '';
  const emoji = signatures.length >= required ? '✅' : '⬜';
  const text = `${emoji} *${role}*: ${signatures.length} of ${required} signed${signed}`;
  const approve = withButton
    ? button({
        text: `Approve (${truncate(approval.role, MAX_ROLE)})`,
        actionId: ACTIONS.approve,
        value: encodeValue({
          runId: view.runId,
          approvalId: approval.id,
          ...(required > 1 ? { signature: signatures.length + 1 } : {}),
        }),
        style: 'primary',
      })
    : undefined;
  return section(text, `${approval.id}`, approve);
}
