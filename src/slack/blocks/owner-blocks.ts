// Who owns a phase (and its steps), shown under the phase's header with a user select to reassign
// the phase. Posted when the phase becomes current, so that post is the owners' one mention. Pure.
import type { SectionBlock } from '@slack/types';
import type { Phase } from '../../runbook/index.js';
import type { RunOwner } from '../../runs/index.js';
import { formatTime } from '../../shared/format-time.js';
import { ACTIONS } from '../ids.js';
import { escapeText, mention, truncate } from './escape.js';
import { truncateMrkdwn } from './limits.js';
import { isActive, type RunView } from './run-view.js';

/** Characters the owner section may take (the phase's step budget leaves this much room). */
export const OWNER_TEXT_MAX = 900;

/**
 * The block_id of a phase's owner section: it names the run and phase the select reassigns. The
 * last part is a fixed place holder: block-ids.ts appends the content hash to it.
 */
export function ownerBlockId(runId: string, phaseId: string): string {
  return `owner|${runId}|${phaseId}|o`;
}

/** Reads an owner section's block_id back, or null when it is not one. */
export function readOwnerBlockId(blockId: string): { runId: string; phaseId: string } | null {
  const [kind, runId, phaseId] = blockId.split('|');
  if (kind !== 'owner' || !runId || !phaseId || !/^[0-9a-f-]{36}$/.test(runId)) return null;
  return { runId, phaseId };
}

/** An owner as Slack shows them: a mention when Slack knows them, else the runbook's words. */
export function ownerText(owner: RunOwner): string {
  const who = owner.userId ? mention(owner.userId) : escapeText(owner.label);
  return owner.by && owner.at
    ? `${who} (reassigned by ${mention(owner.by)} at ${formatTime(owner.at)})`
    : who;
}

/** The owner section of a phase, or null when neither the phase nor any of its steps has an owner. */
export function buildOwnerBlock(view: RunView, phase: Phase): SectionBlock | null {
  const owners = view.state.owners ?? {};
  const phaseOwner = owners[phase.id];
  const stepLines = phase.stepIds.flatMap((id) => {
    const owner = owners[id];
    const step = view.runbook.steps.find((s) => s.id === id);
    return owner && step ? [`• “${escapeText(truncate(step.title, 80))}”: ${ownerText(owner)}`] : [];
  });
  if (!phaseOwner && stepLines.length === 0) return null;
  const head = phaseOwner ? `👤 *Owner:* ${ownerText(phaseOwner)}` : '👤 *Owners*';
  const block: SectionBlock = {
    type: 'section',
    block_id: ownerBlockId(view.runId, phase.id),
    text: {
      type: 'mrkdwn',
      text: truncateMrkdwn([head, ...stepLines].join('\n'), OWNER_TEXT_MAX),
      verbatim: true,
    },
  };
  if (isActive(view)) {
    block.accessory = {
      type: 'users_select',
      action_id: ACTIONS.reassignOwner,
      placeholder: { type: 'plain_text', text: phaseOwner ? 'Reassign owner' : 'Assign an owner' },
    };
  }
  return block;
}
