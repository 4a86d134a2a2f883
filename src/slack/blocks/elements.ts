// Block Kit constructors. Each one keeps its own field within Slack's limit as a last guard; the
// renderers split long text before it gets here, so the guards do not cut anything in practice.
import type {
  ActionsBlock,
  Button,
  ConfirmationDialog,
  ContextBlock,
  HeaderBlock,
  SectionBlock,
} from '@slack/types';
import { truncate } from './escape.js';
import { LIMITS, truncateMrkdwn } from './limits.js';

/**
 * Plain text is not parsed by Slack, but a zero-width space after `<` in `<!…>`, `<@…>` and `<#…>`
 * keeps runbook text inert even if it were (and anywhere it is copied to): it displays the same.
 */
export function inert(text: string): string {
  return text.replace(/<(?=[!@#])/g, '<\u200b');
}

/** A header (plain text; runbook text is made inert rather than escaped, which would show `&lt;`). */
export function header(text: string, blockId: string): HeaderBlock {
  return {
    type: 'header',
    block_id: blockId,
    text: { type: 'plain_text', text: inert(truncate(text.trim() || '…', LIMITS.headerText)), emoji: true },
  };
}

/** A section of mrkdwn (already escaped), with an optional button on its right. */
export function section(mrkdwn: string, blockId: string, accessory?: Button): SectionBlock {
  const block: SectionBlock = {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, LIMITS.sectionText), verbatim: true },
  };
  if (accessory) block.accessory = accessory;
  return block;
}

/** A line of small grey mrkdwn (already escaped). */
export function context(mrkdwn: string, blockId: string): ContextBlock {
  return {
    type: 'context',
    block_id: blockId,
    elements: [{ type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, LIMITS.sectionText), verbatim: true }],
  };
}

/** A row of buttons; action_ids must differ within it. */
export function actions(elements: Button[], blockId: string): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}

/** What a button says and does. */
export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmationDialog;
}

/** A button; its label is plain text, kept within Slack's 75 characters. */
export function button(spec: ButtonSpec): Button {
  const element: Button = {
    type: 'button',
    action_id: spec.actionId,
    text: { type: 'plain_text', text: inert(truncate(spec.text, LIMITS.buttonText)), emoji: true },
    value: spec.value,
  };
  if (spec.style) element.style = spec.style;
  if (spec.confirm) element.confirm = spec.confirm;
  return element;
}

/** A confirmation dialog for a destructive or unusual click. */
export function confirmDialog(spec: {
  title: string;
  text: string;
  confirm: string;
  deny?: string;
  style?: 'primary' | 'danger';
}): ConfirmationDialog {
  const dialog: ConfirmationDialog = {
    title: { type: 'plain_text', text: inert(truncate(spec.title, LIMITS.confirmTitle)) },
    text: { type: 'plain_text', text: inert(truncate(spec.text, LIMITS.confirmText)) },
    confirm: { type: 'plain_text', text: truncate(spec.confirm, LIMITS.confirmButton) },
    deny: { type: 'plain_text', text: truncate(spec.deny ?? 'Cancel', LIMITS.confirmButton) },
  };
  if (spec.style) dialog.style = spec.style;
  return dialog;
}
