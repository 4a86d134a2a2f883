// Buttons of a run: steps (done, skip, fail, undo, start timer), approvals, abort, acknowledge.
// Every handler reads the button value (never trusted: the state machine decides), applies one
// command with the click as idempotency key, and acknowledges once it is committed (or after ~2 s
// at most), so an acknowledged click is a stored click. Then the clicked message shows the outcome
// at once (response_url), a refusal is answered privately, and the rest of the run follows.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { RunCommand } from '../../../runs/index.js';
import type { LoadedRun } from '../../../runs/loaded-run.js';
import { executeCommand } from '../../../usecases/execute-command.js';
import type { SlackContext } from '../../context.js';
import { ACTIONS, type ButtonValue, decodeValue } from '../../ids.js';
import { commitThenAck } from '../commit-then-ack.js';
import { clickBelongsToRun, FOREIGN_CLICK, originOf } from './click-origin.js';

/** The arguments Bolt passes to a button listener. */
export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Builds the command a click asks for from the run as loaded, or null when the click does not fit it. */
export type ToCommand = (
  value: ButtonValue,
  userId: string,
  ctx: SlackContext,
  loaded: LoadedRun,
) => RunCommand | null | Promise<RunCommand | null>;

/** A listener that turns a click into one command. */
export function createButtonHandler(ctx: SlackContext, toCommand: ToCommand) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    const receivedAt = performance.now();
    const value = decodeValue(action.value);
    const userId = body.user.id;
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not answer a click'),
      );
    const count = (outcome: Parameters<SlackContext['metrics']['click']>[1]) =>
      ctx.metrics.click(action.action_id, outcome);
    if (!value) {
      await ack();
      count('unusable');
      return void (await tell('This button is not one of mine any more; nothing was changed.'));
    }
    const origin = originOf(body);
    const work = (async () => {
      // A value is only text in a message: it acts on its run only from that run's own messages.
      const place = await clickBelongsToRun(ctx, value.runId, action.action_id, origin);
      if (!place) return null;
      const applied = await executeCommand(ctx.runDeps, {
        runId: value.runId,
        command: (loaded) => toCommand(value, userId, ctx, loaded),
        // One click is one action_ts: a retried delivery of it is stored once.
        idempotencyKey: `click:${action.action_ts}:${userId}:${action.action_id}:${action.value ?? ''}`,
      });
      return { place, applied };
    })();
    let outcome: Awaited<typeof work>;
    try {
      outcome = await commitThenAck(ack, work);
    } catch (err) {
      count('error');
      ctx.logger.error({ err, runId: value.runId, action: action.action_id }, 'click failed');
      return void (await tell(
        'Something went wrong on our side; nothing was changed. Try again in a moment.',
      ));
    }
    if (!outcome) {
      count('foreign');
      return void (await tell(FOREIGN_CLICK));
    }
    const { place, applied: result } = outcome;
    count(result.ok ? 'applied' : 'refused');
    if (result.ok && !result.duplicate && action.action_id === ACTIONS.acknowledge)
      ctx.metrics.escalationAcknowledged();
    if (place === 'copy') {
      // A copy the bot never stored: it goes, and the run's own message shows the click at once.
      await ctx.feedback.retireCopy(origin);
      if (!result.ok) await tell(result.refusal.message);
      return void ctx.kick(value.runId, result.ok && !result.duplicate ? result.run : undefined, {
        urgent: true,
      });
    }
    if (result.run && !(result.ok && result.duplicate)) {
      const acknowledgedBy = result.run.state.escalation?.acknowledgedBy;
      if (action.action_id !== ACTIONS.acknowledge) await ctx.feedback.show(result.run, origin);
      else if (acknowledgedBy) await ctx.feedback.acknowledged(result.run, acknowledgedBy, origin);
      ctx.metrics.observeClickToVisible(performance.now() - receivedAt);
    }
    if (!result.ok) await tell(result.refusal.message);
    ctx.kick(value.runId, result.ok && !result.duplicate ? result.run : undefined);
  };
}

const step =
  (
    type: 'complete_step' | 'skip_step' | 'fail_step' | 'undo_step' | 'start_wait',
    extra: Partial<RunCommand> = {},
  ): ToCommand =>
  (value, userId) =>
    value.stepId ? ({ type, userId, stepId: value.stepId, ...extra } as RunCommand) : null;

/** Commands of the step buttons. */
export const stepCommands = {
  done: step('complete_step'),
  doneEarly: step('complete_step', { confirmEarly: true } as Partial<RunCommand>),
  skip: step('skip_step'),
  fail: step('fail_step'),
  undo: step('undo_step'),
  startWait: step('start_wait'),
};

/** Approve: the directory says who may sign the role (null when it does not map it). */
export const approveCommand: ToCommand = async (value, userId, ctx, loaded) => {
  const approval = loaded.runbook.approvals.find((a) => a.id === value.approvalId);
  if (!approval) return null;
  return {
    type: 'approve',
    userId,
    approvalId: approval.id,
    eligibleUserIds: await ctx.people.approversOf(approval.role),
    allowSelfApproval: ctx.directory().allowSelfApproval,
  };
};

/** Abort: the run's starter, or an admin of the directory. */
export const abortCommand: ToCommand = (_value, userId, ctx) => ({
  type: 'abort',
  userId,
  reason: null,
  isAdmin: ctx.directory().admins.includes(userId),
});

/** Acknowledge an escalation page. */
export const acknowledgeCommand: ToCommand = (_value, userId) => ({ type: 'acknowledge', userId });
