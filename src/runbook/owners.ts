// Owners of phases and steps: a front-matter map `owners: { <phase>: <person or role> }`, a trailing
// `(owner: @handle)` or `Owner: Name` in a heading, or the same in a step's item (its first line or a
// line of its own). The heading's or item's own annotation wins over the front matter. Pure.
import type { Diagnostic, Owner, Phase, Step } from './model.js';

// `(owner: @handle)` at the end of a line; `Owner: Name` at the end, after a space or at the start.
const PAREN = /\(\s*owner\s*:\s*([^()\n]{1,80}?)\s*\)\s*$/i;
const LABEL = /(?:^|\s)Owner:\s*([^\n]{1,80}?)[\s.]*$/;

/** The owner a line names at its end, or null. */
export function ownerIn(line: string): string | null {
  const found = PAREN.exec(line) ?? LABEL.exec(line);
  const who = found?.[1]?.trim().replace(/^\*+|\*+$/g, '');
  return who ? who : null;
}

/** Reads every owner; a bad front-matter `owners` value becomes a diagnostic. */
export function readOwners(
  phases: readonly Phase[],
  steps: readonly Step[],
  frontMatter: Record<string, unknown> | null,
  report: (d: Diagnostic) => void,
): Owner[] {
  const owners: Owner[] = [];
  const fromMap = frontMatterOwners(phases, frontMatter, report);
  phases.forEach((phase, index) => {
    if (phase.implicit) return;
    const own = ownerIn(phase.title);
    const who = own ?? fromMap.get(index);
    if (who) {
      owners.push({
        target: 'phase',
        id: phase.id,
        who,
        source: own ? 'heading' : 'front_matter',
        line: phase.line,
      });
    }
  });
  for (const step of steps) {
    const lines = step.text.split('\n');
    const who =
      ownerIn(lines[0] ?? '') ??
      lines
        .slice(1)
        .map(ownOwnerLine)
        .find((w) => w !== null);
    if (who) owners.push({ target: 'step', id: step.id, who, source: 'item', line: step.line });
  }
  return owners;
}

/** A continuation line that is only `Owner: Name` (or `(owner: …)`). */
function ownOwnerLine(line: string): string | null {
  return /^\s*\(?\s*owner\s*:/i.test(line) ? ownerIn(line.trim()) : null;
}

/** The front matter's `owners` map, by phase index (phase titles match without case). */
function frontMatterOwners(
  phases: readonly Phase[],
  frontMatter: Record<string, unknown> | null,
  report: (d: Diagnostic) => void,
): Map<number, string> {
  const found = new Map<number, string>();
  const raw = frontMatter?.owners;
  if (raw === undefined || raw === null) return found;
  const problem = (message: string) =>
    report({ severity: 'warning', code: 'runbook.front_matter_invalid', message, line: 1, column: 1 });
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problem('front matter: owners must map phase titles to a person or role');
    return found;
  }
  const fold = (s: string) => s.replace(PAREN, '').replace(LABEL, '').trim().toLowerCase();
  for (const [title, who] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof who !== 'string' || !who.trim()) {
      problem(`front matter: owners.${title} must be a person or role`);
      continue;
    }
    const index = phases.findIndex((p) => !p.implicit && fold(p.title) === fold(title));
    if (index < 0) problem(`front matter: owners.${title} names no phase of this runbook`);
    else found.set(index, who.trim());
  }
  return found;
}
