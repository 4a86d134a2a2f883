// Buttons that open a modal first: "I ran it" (output and exit code) and Start rollback (a reason).

import { buildRanItModal, buildRollbackModal } from '../../blocks/modal-blocks.js';
import type { SlackContext } from '../../context.js';
import { decodeValue } from '../../ids.js';
import { encodeOrigin } from '../views/modal-origin.js';
import { clickBelongsToRun, FOREIGN_CLICK, originOf } from './click-origin.js';
import type { ButtonArgs } from './run-actions.js';

/**
 * Refuses (privately) a click whose message is not one of the run's own; true when refused. A copy of
 * the run's message that the bot never stored is taken away, and its button still opens the modal.
 */
async function refusedAsForeign(ctx: SlackContext, args: ButtonArgs, runId: string): Promise<boolean> {
  const origin = originOf(args.body);
  const place = await clickBelongsToRun(ctx, runId, args.action.action_id, origin);
  if (place === 'copy') void ctx.feedback.retireCopy(origin);
  if (place) return false;
  ctx.metrics.click(args.action.action_id, 'foreign');
  await args
    .respond({ response_type: 'ephemeral', replace_original: false, text: FOREIGN_CLICK })
    .catch(() => undefined);
  return true;
}

/** "I ran it": asks for the pasted output and the exit code. */
export function createRanItOpener(ctx: SlackContext) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, body, action } = args;
    await ack();
    const value = decodeValue(action.value);
    if (!value?.stepId || (await refusedAsForeign(ctx, args, value.runId))) return;
    await ctx.writer
      .openView(
        body.trigger_id,
        buildRanItModal(encodeOrigin(ctx.metadataKey, value, body.user.id, originOf(body))),
      )
      .catch((err: unknown) => ctx.logger.warn({ err }, 'could not open the "I ran it" modal'));
  };
}

/** Start rollback: asks for an optional reason (the button itself already confirmed). */
export function createRollbackOpener(ctx: SlackContext) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, body, action } = args;
    await ack();
    const value = decodeValue(action.value);
    if (!value || (await refusedAsForeign(ctx, args, value.runId))) return;
    await ctx.writer
      .openView(
        body.trigger_id,
        buildRollbackModal(encodeOrigin(ctx.metadataKey, value, body.user.id, originOf(body))),
      )
      .catch((err: unknown) => ctx.logger.warn({ err }, 'could not open the rollback modal'));
  };
}
