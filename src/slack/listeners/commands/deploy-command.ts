// `/deploy`: ack at once, then answer privately or start a run.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { shortId } from '../../../db/queries.js';
import { loadRunReport } from '../../../report/load-report.js';
import { ACTIVE_STATUSES } from '../../../runs/index.js';
import { executeCommand } from '../../../usecases/execute-command.js';
import { startRunUseCase } from '../../../usecases/start-run.js';
import { buildReportReply } from '../../blocks/report-messages.js';
import type { SlackContext } from '../../context.js';
import { parseDeployText } from './parse-deploy-text.js';
import { buildHelpText, buildRunListText, buildStatusText } from './texts.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Handles `/deploy …`. */
export function createDeployCommand(ctx: SlackContext) {
  return async ({ ack, command, respond }: Args): Promise<void> => {
    await ack();
    const reply = (text: string) =>
      respond({ response_type: 'ephemeral', text }).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not answer /deploy'),
      );
    const parsed = parseDeployText(command.text ?? '');
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
              const last = await ctx.queries.lastOf(name);
              return {
                name,
                title: loaded.ok ? loaded.entry.runbook.title : null,
                steps: loaded.ok ? loaded.entry.runbook.steps.length : null,
                problem: loaded.ok ? null : loaded.problem.message,
                last,
              };
            }),
          );
          return void (await reply(buildRunListText(rows)));
        }
        case 'status': {
          if (request.run) {
            const run = await ctx.queries.find(request.run);
            if (!run) {
              return void (await reply(
                `No run \`${request.run.slice(0, 40)}\`. \`/deploy status\` lists this channel's active runs.`,
              ));
            }
            // A finished or aborted run comes with its report.
            const ended = !(ACTIVE_STATUSES as readonly string[]).includes(run.status);
            const report = ended ? await loadRunReport(ctx.runDeps, ctx.catalog, run.id) : null;
            const text = buildStatusText([run]);
            return void (await reply(report ? `${text}\n${buildReportReply(report.markdown)}` : text));
          }
          return void (await reply(buildStatusText(await ctx.queries.activeInChannel(command.channel_id))));
        }
        case 'abort': {
          const run = await ctx.queries.find(request.run);
          if (!run) return void (await reply(`No run \`${request.run.slice(0, 40)}\`.`));
          const isAdmin = ctx.directory().admins.includes(command.user_id);
          const result = await executeCommand(ctx.runDeps, {
            runId: run.id,
            command: { type: 'abort', userId: command.user_id, reason: request.reason, isAdmin },
            idempotencyKey: null,
          });
          if (!result.ok) return void (await reply(result.refusal.message));
          ctx.kick(run.id);
          return void (await reply(`Run \`${shortId(run.id)}\` aborted.`));
        }
        case 'start': {
          const loaded = await ctx.catalog.load(request.runbook);
          if (!loaded.ok) {
            const problem = loaded.problem;
            const detail =
              problem.code === 'runbook.invalid' ? `\n${problem.errors.map((e) => `• ${e}`).join('\n')}` : '';
            return void (await reply(`${problem.message}${detail}`));
          }
          const { entry } = loaded;
          const started = await startRunUseCase(ctx.runDeps, {
            runbookName: entry.name,
            runbook: entry.runbook,
            contentHash: entry.contentHash,
            gitCommit: entry.gitCommit,
            channelId: command.channel_id,
            starterId: command.user_id,
            environment: request.environment ?? entry.runbook.frontMatter.environment ?? 'default',
            rehearsal: request.rehearsal,
            params: { ...entry.runbook.frontMatter.params, ...request.params },
            required: ctx.people.quorum(entry.runbook),
            owners: await ctx.people.owners(entry.runbook),
          });
          if (!started.ok) {
            const where = `<#${(await ctx.queries.find(started.holder.runId))?.channelId ?? command.channel_id}>`;
            return void (await reply(
              `${started.message} (in ${where}). Wait for it to finish, or ask its starter to abort it.`,
            ));
          }
          ctx.kick(started.runId);
          const changed = started.changedSinceLastRun ? ' Note: the runbook changed since its last run.' : '';
          return void (await reply(
            `Started run \`${shortId(started.runId)}\` of \`${entry.name}\`${request.rehearsal ? ' (rehearsal: every page goes to you)' : ''}.${changed}`,
          ));
        }
      }
    } catch (err) {
      ctx.logger.error({ err, command: request.kind }, '/deploy failed');
      await reply('Something went wrong on our side; nothing was changed. Try again in a moment.');
    }
  };
}
