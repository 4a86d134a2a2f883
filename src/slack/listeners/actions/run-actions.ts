// Buttons of a run: steps (done, skip, fail, undo, start timer), approvals, abort, rollback, acknowledge.
// Every handler acks first, reads the button value (never trusted: the state machine decides), applies
// one command with the click as idempotency key, answers a refusal privately, and kicks the sync.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { RunCommand } from '../../../runs/index.js';
import { executeCommand } from '../../../usecases/execute-command.js';
import type { SlackContext } from '../../context.js';
import { ACTIONS, type ButtonValue, decodeValue } from '../../ids.js';
import { clickBelongsToRun, FOREIGN_CLICK, originOf } from './click-origin.js';

/** The arguments Bolt passes to a button listener. */
export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Builds the command a click asks for, or null when the click carries nothing usable. */
export type ToCommand = (value: ButtonValue, userId: string, ctx: SlackContext) => Promise<RunCommand | null>;

/** A listener that turns a click into one command. */
export function createButtonHandler(ctx: SlackContext, toCommand: ToCommand) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const value = decodeValue(action.value);
    const userId = body.user.id;
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not answer a click'),
      );
    const count = (outcome: Parameters<SlackContext['metrics']['click']>[1]) =>
      ctx.metrics.click(action.action_id, outcome);
    if (!value) {
      count('unusable');
      return void (await tell('This button is not one of mine any more; nothing was changed.'));
    }
    try {
      if (!(await clickBelongsToRun(ctx, value.runId, action.action_id, originOf(body)))) {
        count('foreign');
        return void (await tell(FOREIGN_CLICK));
      }
      const command = await toCommand(value, userId, ctx);
      if (!command) {
        count('unusable');
        return void (await tell('This button does not match the run any more; nothing was changed.'));
      }
      const result = await executeCommand(ctx.runDeps, {
        runId: value.runId,
        command,
        // One click is one action_ts: a retried delivery of it is stored once.
        idempotencyKey: `click:${action.action_ts}:${userId}:${action.action_id}:${action.value ?? ''}`,
      });
      count(result.ok ? 'applied' : 'refused');
      if (result.ok && action.action_id === ACTIONS.acknowledge) ctx.metrics.escalationAcknowledged();
      if (!result.ok) await tell(result.refusal.message);
      ctx.kick(value.runId);
    } catch (err) {
      count('error');
      ctx.logger.error({ err, runId: value.runId, action: action.action_id }, 'click failed');
      await tell('Something went wrong on our side; nothing was changed. Try again in a moment.');
    }
  };
}

const step =
  (
    type: 'complete_step' | 'skip_step' | 'fail_step' | 'undo_step' | 'start_wait',
    extra: Partial<RunCommand> = {},
  ): ToCommand =>
  async (value, userId) =>
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
export const approveCommand: ToCommand = async (value, userId, ctx) => {
  if (!value.approvalId) return null;
  const loaded = await ctx.runDeps.runs.loadRun(ctx.runDeps.db, value.runId);
  const approval = loaded?.runbook.approvals.find((a) => a.id === value.approvalId);
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
export const abortCommand: ToCommand = async (_value, userId, ctx) => ({
  type: 'abort',
  userId,
  reason: null,
  isAdmin: ctx.directory().admins.includes(userId),
});

/** Acknowledge an escalation page. */
export const acknowledgeCommand: ToCommand = async (_value, userId) => ({ type: 'acknowledge', userId });
