// Modal submissions: "I ran it" completes the step with its proof; the rollback modal starts the rollback.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { RunCommand } from '../../../runs/index.js';
import { executeCommand } from '../../../usecases/execute-command.js';
import { mention } from '../../blocks/escape.js';
import type { SlackContext } from '../../context.js';
import { commitThenAck } from '../commit-then-ack.js';
import { withMaskNote } from '../mask-input.js';
import { decodeOrigin } from './modal-origin.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const ranItValues = z.object({
  output: z.object({ value: z.object({ value: z.string().max(2900).nullish() }) }).optional(),
  exit_code: z
    .object({
      value: z.object({
        value: z
          .string()
          .regex(/^\d{1,3}$/)
          .nullish(),
      }),
    })
    .optional(),
});
const rollbackValues = z.object({
  reason: z.object({ value: z.object({ value: z.string().max(500).nullish() }) }).optional(),
});

/**
 * Commits the command, then closes the modal (so an acknowledged submission is a stored one), then
 * shows the outcome in the message the modal was opened from, as a click would.
 */
async function apply(
  ctx: SlackContext,
  args: Args,
  opened: NonNullable<ReturnType<typeof decodeOrigin>>,
  type: RunCommand['type'],
  build: () => Promise<RunCommand | null>,
): Promise<void> {
  const runId = opened.value.runId;
  const work = (async () => {
    const command = await build();
    if (!command) return null;
    return executeCommand(ctx.runDeps, {
      runId,
      command,
      idempotencyKey: `view:${args.body.view.id}:${args.body.view.hash}`,
    });
  })();
  let result: Awaited<typeof work>;
  try {
    result = await commitThenAck(() => args.ack(), work);
  } catch (err) {
    // The submitter is told, and a rollback that did not start is said in the thread.
    ctx.logger.error({ err, runId, command: type }, 'a modal submission failed');
    return sayFailure(ctx, runId, args.body.user.id, type);
  }
  if (!result) return;
  // Forward buttons go the moment a rollback starts: its messages go first under the budget.
  const urgent = type === 'start_rollback';
  if (result.run && opened.origin && !(result.ok && result.duplicate))
    await ctx.feedback.show(result.run, opened.origin);
  ctx.kick(runId, result.ok && !result.duplicate ? result.run : undefined, { urgent });
  if (!result.ok) await tellPrivately(ctx, runId, args.body.user.id, result.refusal.message);
}

async function tellPrivately(ctx: SlackContext, runId: string, userId: string, text: string): Promise<void> {
  const channel = (await ctx.runDeps.store.queries.find(runId).catch(() => null))?.channelId;
  if (channel) await ctx.writer.postEphemeral(channel, userId, { text }).catch(() => undefined);
}

async function sayFailure(ctx: SlackContext, runId: string, userId: string, type: RunCommand['type']) {
  const run = await ctx.runDeps.store.queries.find(runId).catch(() => null);
  if (!run) return;
  const what = type === 'start_rollback' ? 'The rollback could not start' : 'That could not be saved';
  const text = `⚠️ ${what} because of an error on our side; nothing was changed. Try again, or roll back by hand.`;
  await ctx.writer.postEphemeral(run.channelId, userId, { text }).catch(() => undefined);
  if (type === 'start_rollback' && run.parentTs) {
    await ctx.writer
      .post(
        run.channelId,
        {
          text: `⚠️ ${mention(userId)} asked for a rollback, but it could not start: nothing was paged. Roll back by hand or try again.`,
        },
        run.parentTs,
      )
      .catch(() => undefined);
  }
}

/** "I ran it" submitted. */
export function createRanItSubmission(ctx: SlackContext) {
  return async (args: Args): Promise<void> => {
    const parsed = ranItValues.safeParse(args.view.state.values);
    if (!parsed.success) {
      await args.ack({
        response_action: 'errors',
        errors: { exit_code: 'The exit code is a whole number from 0 to 255.' },
      });
      return;
    }
    const opened = decodeOrigin(ctx.metadataKey, args.view.private_metadata, args.body.user.id);
    const stepId = opened?.value.stepId;
    if (!opened || !stepId) return void (await args.ack());
    const output = withMaskNote(parsed.data.output?.value.value ?? undefined);
    const exit = parsed.data.exit_code?.value.value;
    await apply(ctx, args, opened, 'complete_step', async () => ({
      type: 'complete_step',
      userId: args.body.user.id,
      stepId,
      confirmEarly: true,
      ...(output ? { output } : {}),
      ...(exit ? { exitCode: Number(exit) } : {}),
    }));
  };
}

/** The rollback modal submitted: resolve the contacts to page, then start the rollback. */
export function createRollbackSubmission(ctx: SlackContext) {
  return async (args: Args): Promise<void> => {
    const opened = decodeOrigin(ctx.metadataKey, args.view.private_metadata, args.body.user.id);
    const parsed = rollbackValues.safeParse(args.view.state.values);
    if (!opened) return void (await args.ack());
    // Contacts are resolved before the run is locked: Slack look-ups must not hold the run's lock.
    await apply(ctx, args, opened, 'start_rollback', async () => {
      const loaded = await ctx.runDeps.store.runs.loadRun(opened.value.runId);
      if (!loaded) return null;
      return {
        type: 'start_rollback',
        userId: args.body.user.id,
        reason: withMaskNote((parsed.success ? parsed.data.reason?.value.value : null) ?? undefined) ?? null,
        contacts: await ctx.people.escalationContacts(loaded.runbook),
        policy: ctx.people.escalationPolicy(loaded.runbook),
      };
    });
  };
}
