// "Owners" in the report: who owned which phase or step, and who reassigned it when. Pure.
import type { ReportFacts } from './report-facts.js';
import { formatWhen, oneLine, who } from './report-format.js';

/** One bullet per owned phase or step, in runbook order; nothing when the run had no owners. */
export function ownerLines(facts: ReportFacts): string[] {
  const { runbook, state } = facts.input;
  const owners = state.owners ?? {};
  const targets = [
    ...runbook.phases.map((p) => ({ id: p.id, line: p.line, name: `**${oneLine(p.title)}**` })),
    ...runbook.steps.map((s) => ({ id: s.id, line: s.line, name: `“${oneLine(s.title)}”` })),
  ].sort((a, b) => a.line - b.line);
  const lines = targets.flatMap(({ id, name }) => {
    const owner = owners[id];
    if (!owner) return [];
    const person =
      owner.userId && owner.userId !== owner.label
        ? `${owner.label} (${who(owner.userId)})`
        : who(owner.label);
    const moved = owner.by && owner.at ? `, reassigned by ${who(owner.by)} at ${formatWhen(owner.at)}` : '';
    return [`  - ${name}: ${person}${moved}`];
  });
  return lines.length ? ['- **Owners:**', ...lines] : [];
}
