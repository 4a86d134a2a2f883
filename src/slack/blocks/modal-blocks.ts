// The modals a button opens first: "I ran it" (output and exit code) and Start rollback (a reason).
// `metadata` is the signed origin of the click (listeners/views/modal-origin.ts). Pure.
import type { KnownBlock } from '@slack/types';
import { VIEWS } from '../ids.js';

function modal(callbackId: string, title: string, submit: string, metadata: string, blocks: KnownBlock[]) {
  return {
    type: 'modal' as const,
    callback_id: callbackId,
    private_metadata: metadata,
    title: { type: 'plain_text' as const, text: title },
    submit: { type: 'plain_text' as const, text: submit },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks,
  };
}

/** "I ran it": the pasted output and the exit code. */
export function buildRanItModal(metadata: string) {
  return modal(VIEWS.ranIt, 'I ran it', 'Mark done', metadata, [
    {
      type: 'input',
      block_id: 'output',
      optional: true,
      label: { type: 'plain_text', text: 'Output (pasted)' },
      element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 2900 },
    },
    {
      type: 'input',
      block_id: 'exit_code',
      optional: true,
      label: { type: 'plain_text', text: 'Exit code' },
      element: {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: false,
        min_value: '0',
        max_value: '255',
      },
    },
  ]);
}

/** Start rollback: an optional reason (the button itself already confirmed). */
export function buildRollbackModal(metadata: string) {
  return modal(VIEWS.rollbackReason, 'Start rollback', 'Start rollback', metadata, [
    {
      type: 'input',
      block_id: 'reason',
      optional: true,
      label: { type: 'plain_text', text: 'Why? (posted in the thread and sent to the on-call)' },
      element: { type: 'plain_text_input', action_id: 'value', max_length: 500 },
    },
  ]);
}
