// The report's audit trail: every command stored for the run, in order, with who, when and what it
// changed, read from the run_events rows. Pure.
import type { ReportEvent, ReportFacts } from './report-facts.js';
import { formatWhenSeconds, inlineCode, oneLine, reasonOf, who } from './report-format.js';

/** "## Audit trail": every stored command in order, with what it changed. */
export function auditSection(facts: ReportFacts): string[] {
  const lines = ['## Audit trail', '', 'Every command stored for this run, in order.', ''];
  for (const row of facts.input.events) {
    const what = row.events.map((e) => describeEvent(facts, e)).join('; ');
    lines.push(
      `- ${formatWhenSeconds(row.at)} · ${who(row.actor)} · ${inlineCode(row.command)}${what ? `: ${what}` : ''}`,
    );
  }
  if (facts.input.events.length === 0) lines.push('- (no stored commands)');
  return lines;
}

/** "step completed “Deploy to canary”", "approved (SRE)", "run aborted (“wrong window”)". */
function describeEvent(facts: ReportFacts, event: ReportEvent): string {
  const { runbook } = facts.input;
  const data = event.data;
  const parts = [event.type.replace(/_/g, ' ')];
  const step = typeof data.stepId === 'string' ? runbook.steps.find((s) => s.id === data.stepId) : undefined;
  if (step) parts.push(`“${oneLine(step.title)}”`);
  const phase = typeof data.phaseIndex === 'number' ? runbook.phases[data.phaseIndex] : undefined;
  if (phase) parts.push(`“${oneLine(phase.title)}”`);
  if (typeof data.role === 'string') parts.push(`(${oneLine(data.role)})`);
  if (typeof data.label === 'string') parts.push(`(${oneLine(data.label)})`);
  if (typeof data.reason === 'string') parts.push(`(${reasonOf(data.reason)})`);
  else if ('reason' in data && event.type !== 'step_failed') parts.push('(no reason given)');
  return parts.join(' ');
}
