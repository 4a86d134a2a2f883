// The Report button of a finished run: ack, build the report from the database, and put it in the
// run's thread (a Markdown file, or messages when Slack refuses the upload). Nothing about the run
// changes, so no command is applied; problems are answered privately to whoever clicked.

import { loadRunReport } from '../../../report/load-report.js';
import { ACTIVE_STATUSES } from '../../../runs/index.js';
import type { SlackContext } from '../../context.js';
import { decodeValue } from '../../ids.js';
import { shareReport } from '../../outbound/share-report.js';
import type { ButtonArgs } from './run-actions.js';

/** The listener of the Report button. */
export function createReportHandler(ctx: SlackContext) {
  return async ({ ack, body, action, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not answer a click'),
      );
    const value = decodeValue(action.value);
    if (!value) return void (await tell('This button is not one of mine any more; nothing was changed.'));
    try {
      const run = await ctx.queries.find(value.runId);
      if (!run) return void (await tell('This run no longer exists.'));
      if ((ACTIVE_STATUSES as readonly string[]).includes(run.status)) {
        return void (await tell('The report is ready once the run has finished or been aborted.'));
      }
      const report = await loadRunReport(ctx.runDeps, ctx.catalog, run.id);
      if (!report) return void (await tell('This run no longer exists.'));
      // The parent message is where the button sits; its stored ts is the thread, whatever the click says.
      const threadTs = run.parentTs ?? body.message?.ts ?? null;
      await shareReport(ctx.writer, ctx.logger, report, { channel: run.channelId, threadTs });
    } catch (err) {
      ctx.logger.error({ err, runId: value.runId }, 'the run report failed');
      await tell('Something went wrong on our side while building the report. Try again in a moment.');
    }
  };
}
