// The escalation, live, in the thread: who is paged now, who is next and when, with **Page next
// now** (for the rollback's driver) and **Acknowledge** (for whoever was paged). It sits at the top
// of the current rollback phase's message and changes with every page. Pure.
import type { KnownBlock } from '@slack/types';
import type { EscalationState } from '../../runs/index.js';
import { formatTime } from '../../shared/format-time.js';
import { ACTIONS, encodeValue } from '../ids.js';
import { actions, button, section } from './elements.js';
import { escapeText, truncate } from './escape.js';
import { plural, who } from './format.js';
import { isActive, type RunView } from './run-view.js';

/** Blocks and characters the live view may take (the phase's step budget leaves this much room). */
export const ESCALATION_ROOM = { blocks: 2, chars: 1200 };

/** The live view for a phase message, or nothing when this phase does not carry it. */
export function buildEscalationBlocks(view: RunView, phaseIndex: number): KnownBlock[] {
  const { state, runbook } = view;
  const escalation = state.escalation;
  if (!escalation || state.currentPhaseIndex !== phaseIndex || !runbook.phases[phaseIndex]?.rollback)
    return [];
  const id = (suffix: string) => `escalation:${suffix}`;
  const blocks: KnownBlock[] = [section(linesOf(escalation).join('\n'), id('s'))];
  if (escalation.status === 'paging' && isActive(view)) {
    const value = encodeValue({ runId: view.runId });
    blocks.push(
      actions(
        [
          button({ text: 'Page next now', actionId: ACTIONS.pageNext, value }),
          button({ text: 'Acknowledge', actionId: ACTIONS.acknowledge, value, style: 'primary' }),
        ],
        id('a'),
      ),
    );
  }
  return blocks;
}

function linesOf(escalation: EscalationState): string[] {
  const label = (index: number) => escapeText(truncate(escalation.contacts[index]?.label ?? 'contact', 60));
  const last = escalation.pages[escalation.pages.length - 1];
  const rounds = escalation.policy.rounds;
  switch (escalation.status) {
    case 'acknowledged': {
      const at = escalation.acknowledgedAt ? ` at ${formatTime(escalation.acknowledgedAt)}` : '';
      return [`✅ *Acknowledged* by ${who(escalation.acknowledgedBy ?? '')}${at}: paging stopped.`];
    }
    case 'exhausted':
      return [
        `⚠️ *Nobody acknowledged* after ${plural(rounds, 'round')} of paging: call the contacts directly.`,
      ];
    case 'cancelled':
      return ['📟 Paging stopped: the run ended.'];
    case 'paging': {
      if (!last) return ['📟 Paging…'];
      const now = `📟 *Paging now:* ${label(last.contactIndex)} (${who(last.userId)}) since ${formatTime(last.at)}, round ${last.round + 1} of ${rounds}`;
      const due = formatTime(
        new Date(Date.parse(last.at) + escalation.policy.timeoutMinutes * 60_000).toISOString(),
      );
      const next = nextContact(escalation);
      const then = next
        ? `⏭ *Next:* ${label(next.contactIndex)} at ${due}${next.round !== last.round ? ` (round ${next.round + 1})` : ''}, unless someone acknowledges first`
        : `⏭ *Next:* nobody; at ${due} the thread says nobody acknowledged`;
      return [now, then];
    }
  }
}

/** The contact the escalation pages after the current one (the state machine's order), or null. */
export function nextContact(escalation: EscalationState): { contactIndex: number; round: number } | null {
  const last = escalation.pages[escalation.pages.length - 1];
  if (!last) return null;
  for (let r = last.round; r < escalation.policy.rounds; r++) {
    const start = r === last.round ? last.contactIndex + 1 : 0;
    const index = escalation.contacts.findIndex((c, i) => i >= start && c.slackUserId !== null);
    if (index >= 0) return { contactIndex: index, round: r };
  }
  return null;
}
