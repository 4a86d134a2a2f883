// Sections: which headings are phases, and what each section is for.
import type { Heading, Paragraph, PhrasingContent, Root, RootContent, Strong } from 'mdast';
import { childrenOf, pushReversed, sliceSource, splitLines } from './markdown.js';

// The spec's patterns, as written: no word boundaries ("Autorollback" is a rollback).
const ROLLBACK = /roll ?back|roll-back|revert|back-?out/i;
const NOT_STEPS = /contact|escalation|on-call|sign-?off|approval/i;
const CONTACTS = /contact|escalation|on-call/i;
const SIGN_OFF = /sign-?off|approval/i;
const ESCALATION = /escalation/i;

/** What a section (and so every section inside it) is for. */
export interface SectionFlags {
  rollback: boolean;
  /** Its items are contacts or approvals, not steps. */
  noSteps: boolean;
  contacts: boolean;
  signOff: boolean;
  escalation: boolean;
}

/** The flags a heading's own text sets. */
export function flagsOf(title: string): SectionFlags {
  return {
    rollback: ROLLBACK.test(title),
    noSteps: NOT_STEPS.test(title),
    contacts: CONTACTS.test(title),
    signOff: SIGN_OFF.test(title),
    escalation: ESCALATION.test(title),
  };
}

/** Flags of a section nested in another: sub-sections inherit what their parent is for. */
export function mergeFlags(outer: SectionFlags, own: SectionFlags): SectionFlags {
  return {
    rollback: outer.rollback || own.rollback,
    noSteps: outer.noSteps || own.noSteps,
    contacts: outer.contacts || own.contacts,
    signOff: outer.signOff || own.signOff,
    escalation: outer.escalation || own.escalation,
  };
}

/** No flag set: the document before its first heading. */
export const NO_FLAGS: SectionFlags = flagsOf('');

/** The heading's text as written, without its `#` marks or setext underline. */
export function headingText(source: string, heading: Heading): string {
  const first = heading.children[0];
  const last = heading.children[heading.children.length - 1];
  if (!first || !last) return '';
  return sliceSource(source, first, last).replace(/\r\n?/g, '\n').trim();
}

/** Every heading in document order, wherever it is nested. */
export function collectHeadings(root: Root): Heading[] {
  const out: Heading[] = [];
  // A stack of its own, children pushed last-first: document order at any depth of nesting.
  const stack: (RootContent | Root)[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'heading') out.push(node);
    else pushReversed(stack, childrenOf(node));
  }
  return out;
}

/** The title heading: the document's first heading when it is an H1. */
export function findTitleHeading(headings: readonly Heading[]): Heading | null {
  const first = headings[0];
  return first && first.depth === 1 ? first : null;
}

/** The bold-alone lines of a root-level paragraph, as pseudo-heading titles. */
export function pseudoHeadings(source: string, paragraph: Paragraph): string[] {
  const titles: string[] = [];
  for (const line of splitLines(paragraph.children)) {
    const strong = boldAlone(line);
    if (!strong) continue;
    const first = strong.children[0];
    const last = strong.children[strong.children.length - 1];
    if (!first || !last) continue;
    const text = sliceSource(source, first, last).trim().replace(/\s*:$/, '').trim();
    if (text) titles.push(text);
  }
  return titles;
}

function boldAlone(line: PhrasingContent[]): Strong | null {
  const meaningful = line.filter((n) => !(n.type === 'text' && /^\s*:?\s*$/.test(n.value)));
  const only = meaningful[0];
  if (meaningful.length !== 1 || only?.type !== 'strong') return null;
  const trailing = line.slice(line.indexOf(only) + 1);
  const leading = line.slice(0, line.indexOf(only));
  if (leading.some((n) => n.type === 'text' && n.value.includes(':'))) return null;
  return trailing.length <= 1 ? only : null;
}
