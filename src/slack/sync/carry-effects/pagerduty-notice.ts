// What the thread says about the PagerDuty hand-off. Pure.
import type { EdgeEffect } from '../../../runs/index.js';
import { escapeText } from '../../blocks/escape.js';

const DONE: Record<string, string> = {
  trigger: '📟 PagerDuty alert triggered',
  acknowledge: '📟 PagerDuty alert acknowledged (the acknowledgement in Slack was passed on)',
  resolve: '📟 PagerDuty alert resolved: the run ended',
};

/** The notice for a PagerDuty event that went out, or failed (then it is retried until it goes). */
export function pagerDutyNoticeText(effect: Extract<EdgeEffect, { type: 'pagerduty_notice' }>): string {
  if (effect.ok)
    return `${DONE[effect.action] ?? `📟 PagerDuty ${effect.action}`}${effect.detail ? ` (${escapeText(effect.detail)})` : ''}.`;
  return `⚠️ PagerDuty did not take the ${escapeText(effect.action)} event (${escapeText(effect.detail ?? 'no answer')}); retrying until it does.`;
}
