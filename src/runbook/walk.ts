// One pass over the Markdown tree, in document order, collecting what the model needs.
import type { Code, Heading, List, ListItem, Nodes, Paragraph, Root, RootContent, Table } from 'mdast';
import { readApprovalBlanks } from './approvals.js';
import { isMethodBullet, looksLikeContactEntry, readContactGroup, readContactText } from './contact-items.js';
import { columnKind, isRotaKey, readContactRow } from './contacts.js';
import {
  childrenOf,
  columnOf,
  createLineIndex,
  fenceMarker,
  isFenced,
  isUnclosedFence,
  lineOf,
  plainText,
  sliceSource,
  splitLines,
} from './markdown.js';
import type { Contact } from './model.js';
import { flagsOf, headingText, mergeFlags, NO_FLAGS, pseudoHeadings, type SectionFlags } from './sections.js';

/** A phase as the walk finds it. */
export interface RawPhase {
  title: string;
  level: number;
  flags: SectionFlags;
  implicit: boolean;
  line: number;
}

/** A step as the walk finds it, before ids are given. */
export interface RawStep {
  item: ListItem;
  phase: number;
  parent: RawStep | null;
  depth: number;
  title: string;
  text: string;
  waitText: string;
  markdown: string;
  markdownLine: number;
  checked: boolean;
  commands: Code[];
  line: number;
}

/** A contact, escalation entry or approval slot as the walk finds it. */
export interface RawContact {
  contact: Omit<Contact, 'line'>;
  text: string;
  line: number;
  column: number;
  /** Written as "Role: someone" or as a table row: it is meant as a contact. */
  structured: boolean;
}

export interface RawApproval {
  role: string;
  label: string;
  source: 'blank' | 'table' | 'checkbox';
  phase: number | null;
  stepsBefore: number;
  line: number;
  column: number;
}

export interface WalkResult {
  phases: RawPhase[];
  steps: RawStep[];
  contacts: RawContact[];
  escalation: RawContact[][];
  approvals: RawApproval[];
  /** Fences never closed; `atRoot` when the fence is at the top level (it then runs to the end of the document). */
  unclosedFences: { node: Code; atRoot: boolean; marker: string }[];
}

interface Context {
  inQuote: boolean;
  step: RawStep | null;
  /** The node's approval blanks were already read by an enclosing item or row. */
  blanksClaimed: boolean;
  root: boolean;
}

interface Open {
  level: number;
  flags: SectionFlags;
}

/** Walks the tree; `title` is the heading left out as the document title; `pseudo` turns on bold pseudo-headings. */
export function walkRunbook(source: string, root: Root, title: Heading | null, pseudo: boolean): WalkResult {
  const result: WalkResult = {
    phases: [],
    steps: [],
    contacts: [],
    escalation: [],
    approvals: [],
    unclosedFences: [],
  };
  const open: Open[] = [];
  const stepOf = new Map<ListItem, RawStep>();
  const lineAt = createLineIndex(source);
  const listOfItem = new Map<ListItem, List>();
  let flags = NO_FLAGS;
  // In a contact section: the heading or bold line just before, which a list of ways to reach may follow.
  let pendingWho: { text: string; node: Nodes } | null = null;

  const currentPhase = (): number | null => (result.phases.length ? result.phases.length - 1 : null);
  // Counted as steps are added: filtering all steps per approval was quadratic.
  let nonRollback = 0;
  const nonRollbackSteps = (): number => nonRollback;

  function openSection(text: string, level: number, line: number): void {
    while (open.length && (open[open.length - 1]?.level ?? 0) >= level) open.pop();
    const outer = open[open.length - 1]?.flags ?? NO_FLAGS;
    flags = mergeFlags(outer, flagsOf(text));
    open.push({ level, flags });
    result.phases.push({ title: text, level, flags, implicit: false, line });
  }

  function phaseForStep(line: number): number {
    if (!result.phases.length) {
      result.phases.push({ title: '', level: 0, flags: NO_FLAGS, implicit: true, line });
    }
    return result.phases.length - 1;
  }

  function addBlanks(text: string, node: Nodes, source: RawApproval['source'] = 'blank'): boolean {
    const signOff = flags.signOff;
    const blanks = readApprovalBlanks(text, { signOff, anyLabel: signOff && source !== 'table' });
    for (const b of blanks) {
      result.approvals.push({
        ...b,
        source,
        phase: currentPhase(),
        stepsBefore: nonRollbackSteps(),
        line: lineOf(node),
        column: columnOf(node),
      });
    }
    return blanks.length > 0;
  }

  function visit(node: RootContent, ctx: Context, siblings: readonly RootContent[], index: number): void {
    const who = pendingWho;
    pendingWho = null;
    switch (node.type) {
      case 'heading':
        if (node !== title) {
          const text = headingText(source, node);
          openSection(text, node.depth, lineOf(node));
          if (flags.contacts) pendingWho = { text: plainText(node.children), node };
        }
        break;
      case 'paragraph':
        visitParagraph(node, ctx);
        if (flags.contacts) pendingWho = boldLine(node);
        break;
      case 'table':
        visitTable(node, ctx);
        break;
      case 'list':
        if (who && flags.contacts && addContactGroup(who.text, node, who.node)) break;
        visitChildren(node.children, ctx);
        break;
      case 'listItem':
        visitItem(node, ctx);
        break;
      case 'code':
        visitCode(node, ctx, siblings, index);
        break;
      case 'blockquote':
        visitChildren(node.children, { ...ctx, inQuote: true, root: false });
        break;
      case 'html':
      case 'yaml':
      case 'definition':
      case 'thematicBreak':
        break;
      default:
        visitChildren(childrenOf(node), { ...ctx, root: false });
    }
  }

  function visitChildren(children: readonly RootContent[], ctx: Context): void {
    children.forEach((child, i) => {
      visit(child, ctx, children, i);
    });
  }

  function visitParagraph(node: Paragraph, ctx: Context): void {
    if (pseudo && ctx.root) {
      for (const text of pseudoHeadings(source, node)) openSection(text, 2, lineOf(node));
    }
    if (!ctx.blanksClaimed) addBlanks(plainText(node.children, { dropInlineCode: true }), node);
  }

  function visitTable(node: Table, ctx: Context): void {
    const [header, ...rows] = node.children;
    type Row = (typeof node.children)[number];
    const cellsOf = (row: Row) => row.children.map((c) => plainText(c.children).trim());
    const blankText = (row: Row) =>
      row.children.map((c) => plainText(c.children, { dropInlineCode: true })).join('\n');
    const kinds = header ? cellsOf(header).map(columnKind) : [];
    for (const row of rows) {
      const cells = cellsOf(row);
      const claimed = ctx.blanksClaimed || addBlanks(blankText(row), row, flags.signOff ? 'table' : 'blank');
      if (flags.signOff && !claimed && cells[0]) {
        result.approvals.push({
          role: cells[0],
          label: cells[0],
          source: 'table',
          phase: currentPhase(),
          stepsBefore: nonRollbackSteps(),
          line: lineOf(row),
          column: columnOf(row),
        });
      }
      if (flags.contacts && isRotaKey(cells[0] ?? '')) {
        // A rota row ("Monday | Ana Silva (@asilva) | …"): the people in it, never the day.
        for (const cell of cells.slice(1)) {
          const contact = readContactText(cell);
          result.contacts.push({
            contact,
            text: cell,
            line: lineOf(row),
            column: columnOf(row),
            structured: false,
          });
        }
      } else if (flags.contacts) {
        result.contacts.push({
          contact: readContactRow(cells, kinds),
          text: cells.join(' | '),
          line: lineOf(row),
          column: columnOf(row),
          structured: true,
        });
      }
    }
  }

  function visitItem(item: ListItem, ctx: Context): void {
    const own = item.children.filter((c): c is Paragraph => c.type === 'paragraph');
    const text = own
      .map((p) => plainText(p.children))
      .join('\n')
      .trim();
    const ordered = listOfItem.get(item)?.ordered === true;
    const candidate = item.checked === true || item.checked === false || ordered;
    const hasCode = item.children.some((c) => c.type === 'code');
    const linkOnly = own.length === 1 && isLinkOnly(own[0]);
    let step: RawStep | null = null;
    if (candidate && !ctx.inQuote && !flags.noSteps && (text || hasCode) && !linkOnly) {
      step = addStep(item, ctx, own, text);
    }
    let claimed = ctx.blanksClaimed;
    if (!claimed)
      claimed = addBlanks(own.map((p) => plainText(p.children, { dropInlineCode: true })).join('\n'), item);
    if (
      flags.signOff &&
      !claimed &&
      !ctx.inQuote &&
      (item.checked === true || item.checked === false) &&
      text
    ) {
      result.approvals.push({
        role: firstLine(text),
        label: firstLine(text),
        source: 'checkbox',
        phase: currentPhase(),
        stepsBefore: nonRollbackSteps(),
        line: lineOf(item),
        column: columnOf(item),
      });
    }
    const methods = flags.contacts && text ? methodList(item) : undefined;
    if (flags.contacts && text) {
      const contact = methods
        ? readContactGroup(text, methods.children.map(itemText))
        : readContactText(text, boldLead(own[0]));
      const raw: RawContact = {
        contact,
        text,
        line: lineOf(item),
        column: columnOf(item),
        // "Role: someone" or a person's name: meant as a contact, so say when nobody can reach it.
        structured: looksLikeContactEntry(text) || Boolean(contact.name),
      };
      result.contacts.push(raw);
      if (flags.escalation && ordered) pushEscalation(item, raw);
    }
    const inner: Context = { ...ctx, step: step ?? ctx.step, blanksClaimed: true, root: false };
    item.children.forEach((child, i) => {
      if (child.type === 'paragraph' || child === methods) return;
      visit(
        child,
        child.type === 'list' ? { ...inner, blanksClaimed: ctx.blanksClaimed } : inner,
        item.children,
        i,
      );
    });
  }

  /** "### Jane Roe" or "**Platform on-call**" and then "- Phone: …", "- Slack: @…": one contact. */
  function addContactGroup(who: string, list: List, at: Nodes): boolean {
    const bullets = list.children.map(itemText);
    if (!bullets.length || !bullets.every(isMethodBullet)) return false;
    const contact = readContactGroup(who, bullets);
    result.contacts.push({ contact, text: who, line: lineOf(at), column: columnOf(at), structured: true });
    return true;
  }

  function boldLine(paragraph: Paragraph): { text: string; node: Nodes } | null {
    const titles = splitLines(paragraph.children).length === 1 ? pseudoHeadings(source, paragraph) : [];
    const text = titles.length === 1 ? plainText(paragraph.children).replace(/\s*:\s*$/, '') : '';
    return text ? { text, node: paragraph } : null;
  }

  let lastEscalationList: List | undefined;
  function pushEscalation(item: ListItem, raw: RawContact): void {
    const list = listOfItem.get(item);
    if (list !== lastEscalationList || !result.escalation.length) result.escalation.push([]);
    lastEscalationList = list;
    result.escalation[result.escalation.length - 1]?.push(raw);
  }

  function addStep(item: ListItem, ctx: Context, own: Paragraph[], text: string): RawStep {
    const first = own[0];
    const last = own[own.length - 1];
    const step: RawStep = {
      item,
      phase: phaseForStep(lineOf(item)),
      parent: ctx.step,
      depth: ctx.step ? ctx.step.depth + 1 : 0,
      title: firstLine(text) || firstCodeLine(item),
      text,
      waitText: own.map((p) => plainText(p.children, { dropInlineCode: true })).join('\n'),
      ...ownMarkdown(first, last, lineOf(item)),
      checked: item.checked === true,
      commands: [],
      line: lineOf(item),
    };
    result.steps.push(step);
    if (!result.phases[step.phase]?.flags.rollback) nonRollback++;
    stepOf.set(item, step);
    return step;
  }

  /** The item's own text as written, from its first character (task-list positions can point before it). */
  function ownMarkdown(first: Paragraph | undefined, last: Paragraph | undefined, fallbackLine: number) {
    const start = first?.position?.start.offset;
    if (!first || !last || start === undefined) return { markdown: '', markdownLine: fallbackLine };
    const raw = sliceSource(source, first, last);
    const lead = raw.length - raw.trimStart().length;
    return { markdown: raw.trimStart().replace(/\r\n?/g, '\n'), markdownLine: lineAt(start + lead) };
  }

  function visitCode(node: Code, ctx: Context, siblings: readonly RootContent[], index: number): void {
    if (!isFenced(source, node)) return;
    if (isUnclosedFence(source, node)) {
      result.unclosedFences.push({ node, atRoot: ctx.root, marker: fenceMarker(source, node) ?? '```' });
    }
    const owner = followedStep(siblings[index - 1], node) ?? ctx.step;
    owner?.commands.push(node);
  }

  /** The step a fence follows when only blank lines stand between the list and the fence. */
  function followedStep(previous: RootContent | undefined, fence: Code): RawStep | null {
    if (previous?.type !== 'list') return null;
    const between = source.slice(previous.position?.end.offset ?? 0, fence.position?.start.offset ?? 0);
    if (!/^\s*$/.test(between)) return null;
    let found: RawStep | null = null;
    let list: List | undefined = previous;
    while (list) {
      const item: ListItem | undefined = list.children[list.children.length - 1];
      if (!item) break;
      found = stepOf.get(item) ?? found;
      const tail: RootContent | undefined = item.children[item.children.length - 1];
      list = tail?.type === 'list' ? tail : undefined;
    }
    return found;
  }

  // Lists are indexed up front so an item knows whether its list is ordered.
  const indexLists = (node: Root | RootContent): void => {
    if (node.type === 'list') for (const item of node.children) listOfItem.set(item, node);
    for (const child of childrenOf(node)) indexLists(child);
  };
  indexLists(root);

  visitChildren(root.children, { inQuote: false, step: null, blanksClaimed: false, root: true });
  return result;
}

function itemText(item: ListItem): string {
  return item.children
    .filter((c): c is Paragraph => c.type === 'paragraph')
    .map((p) => plainText(p.children))
    .join('\n')
    .trim();
}

/** An item's nested list that only gives ways to reach the item's person. */
function methodList(item: ListItem): List | undefined {
  const list = item.children.find((c): c is List => c.type === 'list');
  return list?.children.length && list.children.every((i) => isMethodBullet(itemText(i))) ? list : undefined;
}

/** The item's leading bold text ("**Payments escalation contact:** …"), which names the role whole. */
function boldLead(paragraph: Paragraph | undefined): string | undefined {
  const lead = paragraph?.children.find((c) => !(c.type === 'text' && !c.value.trim()));
  return lead?.type === 'strong' ? plainText(lead.children) : undefined;
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim();
}

function firstCodeLine(item: ListItem): string {
  const code = item.children.find((c): c is Code => c.type === 'code');
  return firstLine(code?.value ?? '');
}

function isLinkOnly(paragraph: Paragraph | undefined): boolean {
  if (!paragraph) return false;
  const meaningful = paragraph.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  if (meaningful.length === 0) return false;
  // A bare URL is a link too (GFM autolink literals are not parsed; see markdown.ts).
  const only = meaningful[0];
  if (meaningful.length === 1 && only?.type === 'text') return BARE_URL.test(only.value.trim());
  return meaningful.every((c) => c.type === 'link' || c.type === 'linkReference');
}

const BARE_URL = /^(?:https?:\/\/|www\.)\S+$/i;
