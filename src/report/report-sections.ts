// The report's own sections around the annotated runbook: the run at a glance and the escalation.
// Pure: each returns Markdown lines.
import { progressOf, type RunState, type RunStatus } from '../runs/index.js';
import type { ReportFacts, RunReportInput } from './report-facts.js';
import { formatSpan, formatWhen, inlineCode, oneLine, plural, reasonOf, who } from './report-format.js';
import { ownerLines } from './report-owners.js';

const RESULT: Record<RunStatus, string> = {
  completed: '✅ completed',
  rolled_back: '↩️ rolled back',
  aborted: '⛔ aborted',
  running: '🟢 running (not finished)',
  waiting_approval: '🔒 waiting for approval (not finished)',
  waiting: '⏳ waiting (not finished)',
  rolling_back: '🔴 rolling back (not finished)',
};

/** "## Run": what ran, where, with what, who started it, how it ended and how long it took. */
export function runSection(facts: ReportFacts, heading: string): string[] {
  const { runbookName, runbook, state, version } = facts.input;
  const params = Object.keys(state.params)
    .sort()
    .map((key) => inlineCode(`${key}=${state.params[key]}`));
  const lines = [
    `## ${heading}`,
    '',
    `- **Runbook:** ${inlineCode(runbookName)}: ${oneLine(runbook.title)}`,
    ...versionLine(version),
    `- **Run:** ${inlineCode(state.id)}`,
    `- **Environment:** ${inlineCode(state.environment)}${state.rehearsal ? ' (rehearsal: every page went to the starter)' : ''}`,
    `- **Parameters:** ${params.length ? params.join(', ') : 'none'}`,
    `- **Started:** by ${who(state.starterId)} at ${formatWhen(state.startedAt)}`,
    `- **Finished:** ${finishedOf(state)}`,
    `- **Result:** ${resultOf(state)}`,
  ];
  if (state.rollback) {
    lines.push(
      `- **Rollback:** started by ${who(state.rollback.by)} at ${formatWhen(state.rollback.at)}: ${reasonOf(state.rollback.reason)}`,
    );
  }
  lines.push(...ownerLines(facts), ...stepLines(facts));
  return lines;
}

function versionLine(version: RunReportInput['version']): string[] {
  if (!version) return [];
  const commit = version.gitCommit ? ` (commit ${inlineCode(version.gitCommit.slice(0, 12))})` : '';
  return [`- **Version:** ${inlineCode(version.contentHash.slice(0, 12))}${commit}`];
}

function finishedOf(state: RunState): string {
  if (!state.finishedAt) return 'not yet';
  return `${formatWhen(state.finishedAt)}, after ${formatSpan(state.startedAt, state.finishedAt)}`;
}

/** "⛔ aborted by @U1 at …: “reason”", "✅ completed". */
function resultOf(state: RunState): string {
  const { abort } = state;
  const by = abort ? ` by ${who(abort.by)} at ${formatWhen(abort.at)}: ${reasonOf(abort.reason)}` : '';
  return `${RESULT[state.status]}${by}`;
}

/** "8 of 17 steps done, rollback 2 of 4": the count every surface shows (`progressOf`). */
function progressLine(facts: ReportFacts): string {
  const { forward, rollback, mode } = progressOf(facts.input.runbook, facts.input.state);
  const back = mode === 'rollback' ? `, rollback ${rollback.done} of ${rollback.total}` : '';
  return `- **Progress:** ${forward.done} of ${plural(forward.total, 'step')} done${back}`;
}

/** How many steps ended how, and what was left undone. */
function stepLines(facts: ReportFacts): string[] {
  const { runbook, state } = facts.input;
  const count = { done: 0, skipped: 0, failed: 0, 'not needed': 0, 'not done': 0 };
  const left = [];
  for (const step of runbook.steps) {
    const status = state.steps[step.id]?.status ?? 'pending';
    if (status === 'not_needed' || (status === 'pending' && step.rollback && !state.rollback)) {
      count['not needed']++;
    } else if (status === 'pending') {
      count['not done']++;
      left.push(step);
    } else count[status]++;
  }
  const counts = Object.entries(count)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${n} ${label}`);
  const lines = [progressLine(facts), `- **Steps:** ${counts.join(', ') || 'none'}`];
  const first = left[0];
  if (first) {
    const phase = runbook.phases[first.phaseIndex]?.title;
    const where = phase ? ` in ${oneLine(phase)}` : '';
    lines.push(`- **Left undone:** ${plural(left.length, 'step')}, from “${oneLine(first.title)}”${where}`);
  }
  return lines;
}

/** "## Escalation": every page (who, when, round), the contacts Slack could not reach, who acknowledged. */
export function escalationSection(facts: ReportFacts, heading: string): string[] {
  const { state } = facts.input;
  const escalation = state.escalation;
  if (!escalation || !state.rollback) return [];
  const { policy, contacts } = escalation;
  const lines = [
    `## ${heading}`,
    '',
    `Paging started with the rollback at ${formatWhen(state.rollback.at)}: one contact at a time, ${policy.timeoutMinutes} min each, ${plural(policy.rounds, 'round')}.`,
    '',
  ];
  for (const page of escalation.pages) {
    const contact = contacts[page.contactIndex]?.label ?? `contact ${page.contactIndex + 1}`;
    lines.push(
      `- ${formatWhen(page.at)}: paged ${oneLine(contact)} (${who(page.userId)}), round ${page.round + 1}`,
    );
  }
  for (const c of contacts.filter((c) => c.slackUserId === null)) {
    lines.push(`- Not reachable in Slack: ${oneLine(c.label)}${c.phone ? ` (${oneLine(c.phone)})` : ''}`);
  }
  if (escalation.pages.length === 0) lines.push('- Nobody could be paged in Slack.');
  lines.push('', outcomeOf(facts));
  return lines;
}

function outcomeOf(facts: ReportFacts): string {
  const { state } = facts.input;
  const escalation = state.escalation;
  if (escalation?.acknowledgedBy && escalation.acknowledgedAt) {
    const after = state.rollback
      ? `, ${formatSpan(state.rollback.at, escalation.acknowledgedAt)} after the rollback started`
      : '';
    return `✅ Acknowledged by ${who(escalation.acknowledgedBy)} at ${formatWhen(escalation.acknowledgedAt)}${after}.`;
  }
  if (escalation?.status === 'exhausted') {
    return `⚠️ Nobody acknowledged: paging stopped after ${plural(escalation.policy.rounds, 'round')}.`;
  }
  if (escalation?.status === 'cancelled') return '⚠️ Nobody acknowledged before the run ended.';
  return 'Nobody has acknowledged yet.';
}
