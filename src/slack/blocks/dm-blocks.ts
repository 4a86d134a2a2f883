// The escalation DMs: the page a contact receives, the page once acknowledged, and the page once
// paging stopped. Pure.
import type { KnownBlock } from '@slack/types';
import type { RunEffect } from '../../runs/index.js';
import type { LoadedRun } from '../../runs/loaded-run.js';
import { formatTime } from '../../shared/format-time.js';
import { ACTIONS, encodeValue } from '../ids.js';
import { escapeText, mention } from './escape.js';

/** The page a contact receives. Pure. */
export function buildEscalationDm(
  loaded: LoadedRun,
  effect: Extract<RunEffect, { type: 'dm_contact' }>,
  threadLink: string | null,
): { text: string; blocks: KnownBlock[] } {
  const { state, runbook, meta } = loaded;
  const contact = state.escalation?.contacts[effect.contactIndex];
  const rollback = state.rollback;
  const rehearsal = effect.rehearsal
    ? `🧪 *Rehearsal:* this page would go to ${escapeText(contact?.label ?? 'a contact')}.\n`
    : '';
  const text =
    `${rehearsal}🚨 *Rollback of ${escapeText(runbook.title)}* (${escapeText(state.environment)}) in <#${meta.channelId}>\n` +
    `Started by ${rollback ? mention(rollback.by) : 'someone'}${rollback?.reason ? `: ${escapeText(rollback.reason)}` : ''}\n` +
    `You are paged as *${escapeText(contact?.label ?? 'on-call')}*${effect.round > 0 ? ` (round ${effect.round + 1})` : ''}.` +
    (threadLink ? ` <${threadLink}|Open the thread>` : '');
  return {
    text: `Rollback of ${escapeText(runbook.title)} (${escapeText(state.environment)}): please acknowledge`,
    blocks: [
      {
        type: 'section',
        block_id: `page:${effect.round}:${effect.contactIndex}`,
        text: { type: 'mrkdwn', text: text.slice(0, 2900) },
      },
      {
        type: 'actions',
        block_id: `page-actions:${effect.round}:${effect.contactIndex}`,
        elements: [
          {
            type: 'button',
            action_id: ACTIONS.acknowledge,
            style: 'primary',
            text: { type: 'plain_text', text: 'Acknowledge' },
            value: encodeValue({ runId: meta.id }),
          },
        ],
      },
    ],
  };
}

/** The page once acknowledged: who took it and when, and no button any more. Pure. */
export function buildAcknowledgedDm(
  loaded: LoadedRun,
  userId: string,
  at: Date,
): { text: string; blocks: KnownBlock[] } {
  const { runbook, state, meta } = loaded;
  const time = at.toISOString().slice(11, 16);
  const line =
    `✅ *Rollback of ${escapeText(runbook.title)}* (${escapeText(state.environment)}) in <#${meta.channelId}>\n` +
    `Acknowledged by ${mention(userId)} at ${time} UTC. The thread has the rollback steps.`;
  return {
    text: `Rollback of ${escapeText(runbook.title)} (${escapeText(state.environment)}): acknowledged`,
    blocks: [
      { type: 'section', block_id: 'page:acknowledged', text: { type: 'mrkdwn', text: line.slice(0, 2900) } },
    ],
  };
}

/** What a page DM says once paging stopped. Pure. */
export function buildClosedDm(loaded: LoadedRun): { text: string; blocks: KnownBlock[] } {
  const { state, runbook, meta } = loaded;
  const escalation = state.escalation;
  const what = `the rollback of *${escapeText(runbook.title)}* (${escapeText(state.environment)}) in <#${meta.channelId}>`;
  const text =
    escalation?.acknowledgedBy && escalation.acknowledgedAt
      ? `✅ ${mention(escalation.acknowledgedBy)} acknowledged ${what} at ${formatTime(escalation.acknowledgedAt)}. No need to act on this page.`
      : `📟 Paging for ${what} stopped: the run ended${state.finishedAt ? ` at ${formatTime(state.finishedAt)}` : ''}.`;
  return {
    text: text.replace(/[*]/g, ''),
    blocks: [
      { type: 'section', block_id: 'page:closed', text: { type: 'mrkdwn', text: text.slice(0, 2900) } },
    ],
  };
}
