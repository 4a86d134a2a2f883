// The Report button of a finished run: ack, then queue the report once per run (the sync builds it
// from the database and puts it in the run's thread: a Markdown file, or messages when Slack refuses
// the upload). A repeated click, or a second replica, is told it is already there.

import { ACTIVE_STATUSES } from '../../../runs/index.js';
import { formatTime } from '../../../shared/format-time.js';
import { requestReport } from '../../../usecases/request-report.js';
import { mention } from '../../blocks/escape.js';
import type { SlackContext } from '../../context.js';
import { decodeValue } from '../../ids.js';
import { buildElsewhereText } from '../commands/read-scope.js';
import { originOf as sourceOf } from './click-origin.js';
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
      const run = await ctx.runDeps.store.queries.find(value.runId);
      if (!run) return void (await tell('This run no longer exists.'));
      // The button is on the run's parent message: a click from anywhere else (a copied or forged
      // payload) is answered as a status elsewhere would be, and asks for nothing.
      if (sourceOf(body).channelId !== run.channelId) return void (await tell(buildElsewhereText(run)));
      if ((ACTIVE_STATUSES as readonly string[]).includes(run.status)) {
        return void (await tell('The report is ready once the run has finished or been aborted.'));
      }
      // Once per run, whoever clicks and however often: the sync posts it in the thread.
      const asked = await requestReport(ctx.runDeps, run.id, body.user.id);
      if (!asked.first) {
        const where = asked.shared ? 'already in the thread' : 'on its way to the thread';
        return void (await tell(
          `The report is ${where} (asked for by ${mention(asked.by)} at ${formatTime(asked.at)}).`,
        ));
      }
      // Asked again after Slack kept refusing the last one: say so, then try once more.
      if (asked.again)
        await tell('Slack refused the report the last time it was asked for; trying again now.');
      ctx.kick(run.id);
    } catch (err) {
      ctx.logger.error({ err, runId: value.runId }, 'the run report failed');
      await tell('Something went wrong on our side while building the report. Try again in a moment.');
    }
  };
}
