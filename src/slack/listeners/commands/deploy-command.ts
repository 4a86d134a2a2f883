// `/deploy`: answer privately or start a run. Reads are acknowledged at once; a start or an abort
// is committed first (see commit-then-ack.ts), so an acknowledged command is a stored command.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { loadRunReport } from '../../../report/load-report.js';
import { ACTIVE_STATUSES, stepTotalsOf } from '../../../runs/index.js';
import { shortId } from '../../../runs/loaded-run.js';
import { maskedNote, maskParams } from '../../../secrets/mask-secrets.js';
import { executeCommand } from '../../../usecases/execute-command.js';
import { loadProgress } from '../../../usecases/run-progress.js';
import { buildHelpText, buildRunListText, buildStatusText } from '../../blocks/command-texts.js';
import { escapeText as esc } from '../../blocks/escape.js';
import { buildReportReply } from '../../blocks/report-messages.js';
import type { SlackContext } from '../../context.js';
import { commitThenAck } from '../commit-then-ack.js';
import { withMaskNote } from '../mask-input.js';
import { parseDeployText } from './parse-deploy-text.js';
import { cancelQueued, queueStatus } from './queue-texts.js';
import { buildElsewhereText, mayReadRun } from './read-scope.js';
import { startRequest } from './start-request.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Handles `/deploy …`. */
export function createDeployCommand(ctx: SlackContext) {
  return async (args: Args): Promise<void> => {
    const parsed = parseDeployText(args.command.text ?? '');
    const changes = parsed.ok && (parsed.request.kind === 'start' || parsed.request.kind === 'abort');
    if (!changes) {
      await args.ack();
      return handle(ctx, args, parsed);
    }
    await commitThenAck(args.ack, handle(ctx, args, parsed));
  };
}

async function handle(
  ctx: SlackContext,
  { command, respond }: Args,
  parsed: ReturnType<typeof parseDeployText>,
): Promise<void> {
  {
    const reply = (text: string) =>
      respond({ response_type: 'ephemeral', text }).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not answer /deploy'),
      );
    if (!parsed.ok) return void (await reply(parsed.message));
    const request = parsed.request;
    try {
      switch (request.kind) {
        case 'help':
          return void (await reply(buildHelpText()));
        case 'list': {
          const names = await ctx.catalog.names();
          const rows = await Promise.all(
            names.map(async (name) => {
              const loaded = await ctx.catalog.load(name);
              const last = await ctx.runDeps.store.queries.lastOf(name);
              return {
                name,
                title: loaded.ok ? loaded.entry.runbook.title : null,
                steps: loaded.ok ? stepTotalsOf(loaded.entry.runbook) : null,
                problem: loaded.ok ? null : loaded.problem.message,
                last,
              };
            }),
          );
          return void (await reply(buildRunListText(rows)));
        }
        case 'status': {
          if (request.run) {
            const run = await ctx.runDeps.store.queries.find(request.run);
            if (!run) {
              return void (await reply(
                `No run \`${esc(request.run.slice(0, 40))}\` (a run id has at least 8 characters). \`/deploy status\` lists this channel's active runs.`,
              ));
            }
            // Details only where the run lives, to its starter, or to an admin; elsewhere only where.
            if (!mayReadRun(ctx, run, command.channel_id, command.user_id))
              return void (await reply(buildElsewhereText(run)));
            // A finished or aborted run comes with its report.
            const ended = !(ACTIVE_STATUSES as readonly string[]).includes(run.status);
            const report = ended ? await loadRunReport(ctx.runDeps, ctx.catalog, run.id) : null;
            const stop = await ctx.runDeps.store.queries.slackStop(run.id);
            const text = `${buildStatusText([run], await loadProgress(ctx.runDeps, [run.id]))}${stop ? `\n⚠️ This run's Slack thread is no longer updated: Slack answered \`${esc(stop)}\` (its channel was deleted or archived).` : ''}`;
            return void (await reply(report ? `${text}\n${buildReportReply(report.markdown)}` : text));
          }
          const runs = await ctx.runDeps.store.queries.activeInChannel(command.channel_id);
          const active = buildStatusText(
            runs,
            await loadProgress(
              ctx.runDeps,
              runs.map((r) => r.id),
            ),
          );
          const queued = await queueStatus(ctx, command.channel_id);
          return void (await reply(queued.length ? `${active}\n${queued.join('\n')}` : active));
        }
        case 'abort': {
          const run = await ctx.runDeps.store.queries.find(request.run);
          if (!run) return void (await reply(`No run \`${esc(request.run.slice(0, 40))}\`.`));
          const isAdmin = ctx.directory().admins.includes(command.user_id);
          const reason = withMaskNote(request.reason ?? undefined) ?? null;
          const result = await executeCommand(ctx.runDeps, {
            runId: run.id,
            command: { type: 'abort', userId: command.user_id, reason, isAdmin },
            idempotencyKey: null,
          });
          if (!result.ok) return void (await reply(result.refusal.message));
          ctx.kick(run.id, result.duplicate ? undefined : result.run, { urgent: true });
          return void (await reply(`Run \`${shortId(run.id)}\` aborted.`));
        }
        case 'start': {
          const { kind: _kind, params: typed, ...rest } = request;
          // Parameters are masked before anything stores them (the run, the queue, the parent message).
          const { params, masked } = maskParams(typed);
          const answer = await startRequest(ctx, {
            ...rest,
            params,
            channelId: command.channel_id,
            userId: command.user_id,
          });
          const note = masked
            ? `\n(${maskedNote(masked)}: parameters named like a password, secret, token or key, or that look like one)`
            : '';
          return void (await respond({
            response_type: 'ephemeral',
            text: `${answer.text}${note}`,
            ...(answer.blocks ? { blocks: answer.blocks } : {}),
          }).catch((err: unknown) => ctx.logger.warn({ err }, 'could not answer /deploy')));
        }
        case 'cancel':
          return void (await reply(await cancelQueued(ctx, Number(request.entry), command.user_id)));
      }
    } catch (err) {
      ctx.logger.error({ err, command: request.kind }, '/deploy failed');
      await reply('Something went wrong on our side; nothing was changed. Try again in a moment.');
    }
  }
}
