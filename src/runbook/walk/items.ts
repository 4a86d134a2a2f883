// List items: a step when ticked, unticked or numbered (outside quotes and contact or sign-off
// sections); a slot when a checkbox of a sign-off section; a contact in a contact section.
import type { Code, List, ListItem, Paragraph } from 'mdast';
import { lineOf, plainText, sliceSource } from '../markdown.js';
import { addApproval, addBlanks } from './approvals.js';
import { addItemContact } from './contacts.js';
import { type Context, phaseForStep, type Visit, type WalkState } from './state.js';
import type { RawStep } from './types.js';

/** Reads an item; returns its children to visit (its text is read here). */
export function visitItem(state: WalkState, item: ListItem, ctx: Context): Visit[] {
  const { flags } = state;
  const own = item.children.filter((c): c is Paragraph => c.type === 'paragraph');
  const text = own
    .map((p) => plainText(p.children))
    .join('\n')
    .trim();
  const ordered = state.listOfItem.get(item)?.ordered === true;
  const box = item.checked === true || item.checked === false;
  const hasCode = item.children.some((c) => c.type === 'code');
  const linkOnly = own.length === 1 && isLinkOnly(own[0]);
  let step: RawStep | null = null;
  if ((box || ordered) && !ctx.inQuote && !flags.noSteps && (text || hasCode) && !linkOnly) {
    step = addStep(state, item, ctx, own, text);
  }
  let claimed = ctx.blanksClaimed;
  if (!claimed)
    claimed = addBlanks(
      state,
      own.map((p) => plainText(p.children, { dropInlineCode: true })).join('\n'),
      item,
    );
  if (flags.signOff && !claimed && !ctx.inQuote && box && text) {
    addApproval(state, firstLine(text), firstLine(text), 'checkbox', item);
  }
  let methods: List | undefined;
  if (flags.contacts && text) methods = addItemContact(state, item, own, text);
  const inner: Context = { ...ctx, step: step ?? ctx.step, blanksClaimed: true, root: false };
  const visits: Visit[] = [];
  item.children.forEach((child, index) => {
    if (child.type === 'paragraph' || child === methods) return;
    const childCtx = child.type === 'list' ? { ...inner, blanksClaimed: ctx.blanksClaimed } : inner;
    visits.push({ node: child, ctx: childCtx, siblings: item.children, index });
  });
  return visits;
}

function addStep(state: WalkState, item: ListItem, ctx: Context, own: Paragraph[], text: string): RawStep {
  const step: RawStep = {
    item,
    phase: phaseForStep(state, lineOf(item)),
    parent: ctx.step,
    depth: ctx.step ? ctx.step.depth + 1 : 0,
    title: firstLine(text) || firstCodeLine(item),
    text,
    waitText: own.map((p) => plainText(p.children, { dropInlineCode: true })).join('\n'),
    ...ownMarkdown(state, own[0], own[own.length - 1], lineOf(item)),
    checked: item.checked === true,
    commands: [],
    line: lineOf(item),
  };
  state.result.steps.push(step);
  if (!state.result.phases[step.phase]?.flags.rollback) state.nonRollback++;
  state.stepOf.set(item, step);
  return step;
}

/** The item's own text as written, from its first character (task-list positions can point before it). */
function ownMarkdown(
  state: WalkState,
  first: Paragraph | undefined,
  last: Paragraph | undefined,
  fallbackLine: number,
) {
  const start = first?.position?.start.offset;
  if (!first || !last || start === undefined) return { markdown: '', markdownLine: fallbackLine };
  const raw = sliceSource(state.source, first, last);
  const lead = raw.length - raw.trimStart().length;
  return { markdown: raw.trimStart().replace(/\r\n?/g, '\n'), markdownLine: state.lineAt(start + lead) };
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
