// Which PagerDuty event a rollback moment asks for, and what a trigger says. Pure.
import type { RunEffect } from '../runs/index.js';
import type { LoadedRun } from '../runs/loaded-run.js';
import type { PagerDutyEvent } from './events-api.js';

/** A rollback moment an outside pager may care about. */
export type HandOffEvent = Extract<RunEffect, { type: 'hand_off' }>['event'];

/** The Events API action a rollback moment asks for, given when the directory says to trigger. */
export function actionFor(
  event: HandOffEvent,
  triggerOn: readonly string[],
): PagerDutyEvent['action'] | null {
  if (event === 'rollback' || event === 'exhausted') return triggerOn.includes(event) ? 'trigger' : null;
  return event === 'acknowledged' ? 'acknowledge' : 'resolve';
}

/** What the trigger tells PagerDuty: why, where, and the run to find in Slack. */
export function triggerPayload(loaded: LoadedRun, event: HandOffEvent): Record<string, unknown> {
  const { state, runbook, meta } = loaded;
  const why =
    event === 'exhausted'
      ? `nobody acknowledged after ${state.escalation?.policy.rounds ?? 1} round(s) of Slack pages`
      : `rollback started${state.rollback?.reason ? `: ${state.rollback.reason}` : ''}`;
  return {
    summary: `Rollback of ${runbook.title} (${state.environment}): ${why}`.slice(0, 1024),
    source: `deploybot/${meta.runbookName}`,
    severity: 'critical',
    custom_details: {
      run_id: meta.id,
      runbook: meta.runbookName,
      environment: state.environment,
      rollback_by: state.rollback?.by ?? null,
      reason: state.rollback?.reason ?? null,
      slack_channel: meta.channelId,
    },
  };
}
