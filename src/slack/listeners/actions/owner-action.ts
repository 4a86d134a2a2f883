// The owner select of a phase message: picking someone reassigns the phase (one command, the
// selection's action_ts as idempotency key); a refusal, or a selection from a message that is not the
// run's own, is answered privately.
import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  UsersSelectAction,
} from '@slack/bolt';
import { executeCommand } from '../../../usecases/execute-command.js';
import { readOwnerBlockId } from '../../blocks/owner-blocks.js';
import type { SlackContext } from '../../context.js';
import { clickBelongsToRun, FOREIGN_CLICK, originOf } from './click-origin.js';

type SelectArgs = SlackActionMiddlewareArgs<BlockAction<UsersSelectAction>> & AllMiddlewareArgs;

/** The listener of the owner select. */
export function createOwnerSelectHandler(ctx: SlackContext) {
  return async ({ ack, body, action, respond }: SelectArgs): Promise<void> => {
    await ack();
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not answer a selection'),
      );
    const target = readOwnerBlockId(action.block_id);
    const ownerId = action.selected_user;
    if (!target || !ownerId || !/^[UW][A-Z0-9]{2,}$/.test(ownerId)) {
      return void (await tell('This menu is not one of mine any more; nothing was changed.'));
    }
    try {
      // As for buttons: the select acts on its run only from that run's own phase message.
      const place = await clickBelongsToRun(ctx, target.runId, action.action_id, originOf(body));
      if (!place) {
        ctx.metrics.click(action.action_id, 'foreign');
        return void (await tell(FOREIGN_CLICK));
      }
      const result = await executeCommand(ctx.runDeps, {
        runId: target.runId,
        command: { type: 'reassign_owner', userId: body.user.id, targetId: target.phaseId, ownerId },
        idempotencyKey: `select:${action.action_ts}:${body.user.id}:${action.action_id}:${ownerId}`,
      });
      if (!result.ok) await tell(result.refusal.message);
      ctx.kick(target.runId);
    } catch (err) {
      ctx.logger.error({ err, runId: target.runId }, 'owner reassignment failed');
      await tell('Something went wrong on our side; nothing was changed. Try again in a moment.');
    }
  };
}
