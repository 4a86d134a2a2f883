// The lines of the parent message that lists can make long: parameters, running waits and the
// escalation. Each list is capped, and says how many entries it leaves out.
import { fillPlaceholders } from '../../runbook/placeholders.js';
import { stepsInMode } from '../../runs/progress.js';
import { formatTime } from '../../shared/format-time.js';
import { code, escapeText, truncate } from './escape.js';
import { plural, who } from './format.js';
import { type RunView, valuesOf } from './run-view.js';

const MAX_PARAMS = 12;
const MAX_WAITS = 5;
const MAX_PAGES = 6;
const MAX_PHONES = 6;

/** "*Parameters* `version=1.4.2` · `service=api`", sorted so the message does not depend on input order. */
export function paramsLine(view: RunView): string | null {
  const entries = Object.entries(view.state.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return null;
  const shown = entries.slice(0, MAX_PARAMS).map(([k, v]) => code(`${truncate(k, 40)}=${truncate(v, 60)}`));
  return `*Parameters* ${shown.join(' · ')}${more(entries.length - MAX_PARAMS, 'parameter')}`;
}

/** "⏳ *Soak* ends at 14:32 UTC (timer started by @x)", one line per running wait. */
export function waitLines(view: RunView): string[] {
  const now = view.now.getTime();
  const running = stepsInMode(view.runbook, view.state).flatMap((step) => {
    const st = view.state.steps[step.id];
    if (st?.status !== 'pending' || !st.waitEndsAt || Date.parse(st.waitEndsAt) <= now) return [];
    const title = escapeText(truncate(fillPlaceholders(step.title, valuesOf(view)), 80));
    const by = st.waitStartedBy ? ` (timer started by ${who(st.waitStartedBy)})` : '';
    return [`⏳ *${title}* ends at ${formatTime(st.waitEndsAt)}${by}`];
  });
  const extra = more(running.length - MAX_WAITS, 'wait');
  return extra ? [...running.slice(0, MAX_WAITS), extra.trim()] : running;
}

/** Who started the rollback and why, who was paged, who acknowledged, who to phone. */
export function rollbackLines(view: RunView): string[] {
  const { rollback, escalation, rehearsal, starterId } = view.state;
  if (!rollback) return [];
  const reason = rollback.reason ? `: ${escapeText(truncate(rollback.reason, 300))}` : '';
  const lines = [`🔴 *Rollback started* by ${who(rollback.by)} at ${formatTime(rollback.at)}${reason}`];
  if (!escalation) return lines;
  const label = (index: number) => escapeText(truncate(escalation.contacts[index]?.label ?? 'contact', 60));
  const last = escalation.pages[escalation.pages.length - 1];
  if (escalation.status === 'paging' && last) {
    lines.push(
      `📟 *Paging* ${label(last.contactIndex)} (${who(last.userId)}) since ${formatTime(last.at)}, round ${last.round + 1} of ${escalation.policy.rounds}; the next contact is paged after ${escalation.policy.timeoutMinutes} min without an acknowledgement`,
    );
  } else if (escalation.status === 'acknowledged' && escalation.acknowledgedBy) {
    const at = escalation.acknowledgedAt ? ` at ${formatTime(escalation.acknowledgedAt)}` : '';
    lines.push(`✅ *Acknowledged* by ${who(escalation.acknowledgedBy)}${at}`);
  } else if (escalation.status === 'exhausted') {
    const rounds = plural(escalation.policy.rounds, 'round');
    lines.push(`⚠️ *Nobody acknowledged* after ${rounds} of paging: call the contacts directly.`);
  } else if (escalation.status === 'cancelled') {
    lines.push('Paging stopped: the run ended.');
  }
  const pages = escalation.pages
    .slice(-MAX_PAGES)
    .map((p) => `${label(p.contactIndex)} (${who(p.userId)}) at ${formatTime(p.at)}`);
  // While paging, the line above already names the page that matters.
  if (pages.length > (escalation.status === 'paging' ? 1 : 0))
    lines.push(`Paged: ${pages.join(', ')}${more(escalation.pages.length - MAX_PAGES, 'page')}`);
  const phones = escalation.contacts.filter((c) => c.slackUserId === null);
  if (phones.length) {
    const shown = phones
      .slice(0, MAX_PHONES)
      .map((c) => `${escapeText(truncate(c.label, 60))} ${escapeText(truncate(c.phone ?? 'no phone', 40))}`);
    lines.push(`☎️ Not in Slack, call: ${shown.join('; ')}${more(phones.length - MAX_PHONES, 'contact')}`);
  }
  if (rehearsal) lines.push(`🎭 Rehearsal: pages go to ${who(starterId)}, not to the contacts.`);
  return lines;
}

/** "⛔ *Aborted* by @x at 14:10 UTC: reason". */
export function abortLine(view: RunView): string | null {
  const { abort } = view.state;
  if (!abort) return null;
  const reason = abort.reason ? `: ${escapeText(truncate(abort.reason, 300))}` : '';
  return `⛔ *Aborted* by ${who(abort.by)} at ${formatTime(abort.at)}${reason}`;
}

function more(n: number, word: string): string {
  return n > 0 ? ` and ${n} more ${n === 1 ? word : `${word}s`}` : '';
}
