// Markdown in, Runbook out. Pure: no file system, no logger, never throws on content.
import type { Root } from 'mdast';
import { parseInChunks } from './chunks.js';
import { contactKey, isReachable, namesWho, sameRoles } from './contacts.js';
import { describeUnclosedFence } from './fences.js';
import { EMPTY_FRONT_MATTER, readFrontMatter } from './front-matter.js';
import { createIdFactory } from './ids.js';
import { columnOf, lineOf } from './markdown.js';
import type {
  Approval,
  Contact,
  Diagnostic,
  FrontMatter,
  ParseOptions,
  Phase,
  Placeholder,
  Runbook,
  Step,
} from './model.js';
import { readOwners } from './owners.js';
import { readPlaceholders } from './placeholders.js';
import { collectHeadings, findTitleHeading, headingText } from './sections.js';
import { readWait } from './waits.js';
import { type RawContact, type RawStep, type WalkResult, walkRunbook } from './walk/index.js';

/** Parses a runbook. Content problems become diagnostics; only programmer errors throw. */
export function parseRunbook(input: string, options: ParseOptions = {}): Runbook {
  const source = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  const root: Root = parseInChunks(source);

  const yamlNode = root.children.find((c) => c.type === 'yaml');
  let frontMatter: FrontMatter = EMPTY_FRONT_MATTER;
  if (yamlNode && yamlNode.type === 'yaml') {
    const read = readFrontMatter(yamlNode.value);
    frontMatter = read.frontMatter;
    for (const message of read.problems) {
      report({ severity: 'warning', code: 'runbook.front_matter_invalid', message, line: 1, column: 1 });
    }
  }

  const headings = collectHeadings(root);
  const titleHeading = findTitleHeading(headings);
  const walked = walkRunbook(source, root, titleHeading, headings.length === (titleHeading ? 1 : 0));
  const fmTitle = frontMatter.data?.title;
  const title =
    (typeof fmTitle === 'string' && fmTitle.trim()) ||
    (titleHeading ? headingText(source, titleHeading) : '') ||
    options.fileName ||
    'Untitled runbook';

  const { phases, steps } = buildPhasesAndSteps(walked, report);
  const contacts = buildContacts(walked.contacts, report);
  const escalationOrder = buildEscalationOrder(walked.escalation, contacts, report);
  const approvals = buildApprovals(walked, frontMatter, options, report);
  const placeholders = buildPlaceholders(steps, frontMatter, report);
  const owners = readOwners(phases, steps, frontMatter.data, report);

  for (const { node, atRoot, marker } of walked.unclosedFences) {
    report({
      severity: 'warning',
      code: 'runbook.unclosed_fence',
      message: describeUnclosedFence(node, atRoot, marker),
      line: lineOf(node),
      column: columnOf(node),
    });
  }
  if (steps.length === 0) {
    report({
      severity: 'error',
      code: 'runbook.no_steps',
      message: 'no steps found: write them as a task list (- [ ]) or a numbered list (1.)',
      line: 1,
      column: 1,
    });
  }
  const rollbackPhases = phases.filter((p) => p.rollback);
  if (rollbackPhases.length === 0) {
    report({
      severity: 'warning',
      code: 'runbook.no_rollback',
      message: 'no rollback section: add a heading such as "## Rollback" with its steps',
      line: 1,
      column: 1,
    });
  } else if (!steps.some((s) => s.rollback)) {
    const first = rollbackPhases[0];
    report({
      severity: 'warning',
      code: 'runbook.rollback_without_steps',
      message: `rollback section "${first?.title}" has no steps to follow`,
      line: first?.line ?? 1,
      column: 1,
    });
  }
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    title,
    frontMatter,
    phases,
    steps,
    contacts,
    escalationOrder,
    approvals,
    placeholders,
    owners,
    diagnostics,
  };
}

function buildPhasesAndSteps(
  walked: WalkResult,
  report: (d: Diagnostic) => void,
): { phases: Phase[]; steps: Step[] } {
  const phaseId = createIdFactory('ph_');
  const stepId = createIdFactory('st_');
  const phases: Phase[] = walked.phases.map((p) => ({
    id: phaseId(`${p.level}\u0000${p.title}`),
    title: p.title,
    level: p.level,
    rollback: p.flags.rollback,
    implicit: p.implicit,
    stepIds: [],
    line: p.line,
  }));
  const idOf = new Map<RawStep, string>();
  const steps: Step[] = walked.steps.map((raw) => {
    const phase = phases[raw.phase];
    const id = stepId(
      `${phase?.title ?? ''}\u0000${raw.parent ? idOf.get(raw.parent) : ''}\u0000${raw.text}`,
    );
    idOf.set(raw, id);
    phase?.stepIds.push(id);
    const { wait } = readWait(raw.waitText);
    if (!wait && /\bwait(?:s|ing)?\b/i.test(raw.waitText)) {
      report({
        severity: 'info',
        code: 'runbook.wait_without_duration',
        message: `"${raw.title}" asks to wait but gives no duration, so it gets no timer`,
        line: raw.line,
        column: 1,
      });
    }
    return {
      id,
      phaseIndex: raw.phase,
      title: raw.title,
      text: raw.text,
      markdown: raw.markdown,
      markdownLine: raw.markdownLine,
      depth: raw.depth,
      parentId: raw.parent ? (idOf.get(raw.parent) ?? null) : null,
      checked: raw.checked,
      commands: raw.commands.map((c) => ({
        language: c.lang ? (c.lang.split(/\s/)[0] ?? null) : null,
        code: c.value.replace(/\r\n?/g, '\n'),
        line: lineOf(c),
      })),
      wait,
      rollback: phase?.rollback ?? false,
      line: raw.line,
    };
  });
  return { phases, steps };
}

function buildContacts(raw: readonly RawContact[], report: (d: Diagnostic) => void): Contact[] {
  const contacts: Contact[] = [];
  // By key (name, else role); one key holds several contacts when their roles differ.
  const byKey = new Map<string, Contact[]>();
  for (const r of raw) {
    const key = contactKey(r.contact);
    if (!isReachable(r.contact)) {
      if (r.structured && key && !byKey.has(key) && namesWho(r.contact)) {
        const who = r.contact.name ?? r.contact.role;
        report({
          severity: 'warning',
          code: 'runbook.contact_unreachable',
          message: `contact "${who}" has no phone, email or Slack handle, so nobody can reach them`,
          line: r.line,
          column: r.column,
        });
      }
      continue;
    }
    const same = byKey.get(key || `line:${r.line}`) ?? [];
    const existing = same.find((c) => sameRoles(c, r.contact));
    if (existing) {
      Object.assign(existing, { ...r.contact, ...existing });
      continue;
    }
    const contact = { ...r.contact, line: r.line };
    contacts.push(contact);
    byKey.set(key || `line:${r.line}`, [...same, contact]);
  }
  return contacts;
}

function buildEscalationOrder(
  lists: readonly RawContact[][],
  contacts: readonly Contact[],
  report: (d: Diagnostic) => void,
): string[] | null {
  const order: string[] = [];
  const seen = new Set<string>();
  for (const list of lists) {
    const resolved = list.map((entry) => ({ entry, contact: matchContact(entry, contacts) }));
    if (!resolved.some((r) => r.contact)) continue;
    for (const { entry, contact } of resolved) {
      if (!contact && !namesWho(entry.contact)) continue;
      if (!contact) {
        report({
          severity: 'warning',
          code: 'runbook.escalation_unknown',
          message: `escalation entry "${entry.text.split('\n')[0]}" matches no listed contact and gives no way to reach them`,
          line: entry.line,
          column: entry.column,
        });
        continue;
      }
      const label = contact.name ?? contact.role ?? '';
      if (label && !seen.has(label)) {
        seen.add(label);
        order.push(label);
      }
    }
  }
  return order.length ? order : null;
}

function matchContact(entry: RawContact, contacts: readonly Contact[]): Contact | undefined {
  const fold = (s: string | undefined) => (s ?? '').toLowerCase().trim();
  const { name, role } = entry.contact;
  const text = fold(entry.text);
  return (
    (name && contacts.find((c) => fold(c.name) === fold(name))) ||
    (role && !name && contacts.find((c) => fold(c.role) === fold(role) || fold(c.name) === fold(role))) ||
    contacts.find((c) => c.name && text.includes(fold(c.name))) ||
    undefined
  );
}

function buildApprovals(
  walked: WalkResult,
  frontMatter: FrontMatter,
  options: ParseOptions,
  report: (d: Diagnostic) => void,
): Approval[] {
  const approvalId = createIdFactory('ap_');
  const quorum = new Map(Object.entries(frontMatter.quorum).map(([k, v]) => [k.toLowerCase(), v]));
  const known = options.knownRoles ? new Set(options.knownRoles.map((r) => r.toLowerCase())) : null;
  return walked.approvals.map((a) => {
    if (known && !known.has(a.role.toLowerCase())) {
      report({
        severity: 'warning',
        code: 'runbook.approval_unmapped',
        message: `approval role "${a.role}" is not in the directory: anyone but the run's starter may approve it`,
        line: a.line,
        column: a.column,
      });
    }
    return {
      id: approvalId(`${a.role}\u0000${a.label}`),
      role: a.role,
      label: a.label,
      source: a.source,
      phaseIndex: a.phase,
      stepsBefore: a.stepsBefore,
      required: quorum.get(a.role.toLowerCase()) ?? 1,
      line: a.line,
    };
  });
}

function buildPlaceholders(
  steps: readonly Step[],
  frontMatter: FrontMatter,
  report: (d: Diagnostic) => void,
): Placeholder[] {
  const byKey = new Map<string, Placeholder>();
  for (const step of steps) {
    const uses = [
      ...readPlaceholders(step.markdown).map((u) => ({ ...u, line: step.markdownLine + u.lineOffset })),
      // A command's code starts on the line after its opening fence.
      ...step.commands.flatMap((c) =>
        readPlaceholders(c.code).map((u) => ({ ...u, line: c.line + 1 + u.lineOffset })),
      ),
    ].sort((a, b) => a.line - b.line);
    for (const use of uses) {
      const known = byKey.get(use.key);
      if (known) {
        known.defaultValue ??= use.defaultValue;
        continue;
      }
      byKey.set(use.key, {
        key: use.key,
        defaultValue: use.defaultValue ?? frontMatter.params[use.key] ?? null,
        line: use.line,
      });
    }
  }
  for (const p of byKey.values()) {
    if (p.defaultValue === null) {
      report({
        severity: 'warning',
        code: 'runbook.placeholder_no_default',
        message: `\${${p.key}} has no default: pass ${p.key}=… to /deploy start, or set params.${p.key} in the front matter`,
        line: p.line,
        column: 1,
      });
    }
  }
  return [...byKey.values()];
}
