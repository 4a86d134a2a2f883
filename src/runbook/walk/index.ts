// One pass over the Markdown tree, in document order, collecting what the model needs. This file
// dispatches on the kind of node; each kind is read by its own module, over one walk state.
import type { Heading, Root, RootContent } from 'mdast';
import { childrenOf, lineOf, plainText } from '../markdown.js';
import { headingText, pseudoHeadings } from '../sections.js';
import { addBlanks } from './approvals.js';
import { visitCode } from './code.js';
import { addContactGroup, boldLine, settleSharedLabels } from './contacts.js';
import { visitItem } from './items.js';
import { type Context, createWalkState, openSection, type Visit, type WalkState } from './state.js';
import { visitTable } from './tables.js';
import type { WalkResult } from './types.js';

export type { RawApproval, RawContact, RawPhase, RawStep, WalkResult } from './types.js';

/** Walks the tree; `title` is the heading left out as the document title; `pseudo` turns on bold pseudo-headings. */
export function walkRunbook(source: string, root: Root, title: Heading | null, pseudo: boolean): WalkResult {
  const state = createWalkState(source, root, title, pseudo);
  const ctx: Context = { inQuote: false, step: null, blanksClaimed: false, root: true };
  visitAll(state, childVisits(root.children, ctx));
  settleSharedLabels(state);
  return state.result;
}

/** Visits in document order with a stack of its own: no depth of nesting can overflow the call stack. */
function visitAll(state: WalkState, visits: readonly Visit[]): void {
  const stack = [...visits].reverse();
  for (let next = stack.pop(); next; next = stack.pop()) {
    const children = visit(state, next);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Visit);
  }
}

/** Reads one node; returns its children still to visit, in order. */
function visit(state: WalkState, { node, ctx, siblings, index }: Visit): Visit[] {
  const who = state.pendingWho;
  state.pendingWho = null;
  switch (node.type) {
    case 'heading':
      visitHeading(state, node);
      return [];
    case 'paragraph':
      if (state.pseudo && ctx.root) {
        for (const text of pseudoHeadings(state.source, node)) openSection(state, text, 2, lineOf(node));
      }
      if (!ctx.blanksClaimed) addBlanks(state, plainText(node.children, { dropInlineCode: true }), node);
      if (state.flags.contacts) state.pendingWho = boldLine(state, node, who);
      return [];
    case 'table':
      visitTable(state, node, ctx);
      return [];
    case 'list':
      if (who && state.flags.contacts && addContactGroup(state, who, node)) return [];
      return childVisits(node.children, ctx);
    case 'listItem':
      return visitItem(state, node, ctx);
    case 'code':
      visitCode(state, node, ctx, siblings, index);
      return [];
    case 'blockquote':
      return childVisits(node.children, { ...ctx, inQuote: true, root: false });
    case 'html':
    case 'yaml':
    case 'definition':
    case 'thematicBreak':
      return [];
    default:
      return childVisits(childrenOf(node), { ...ctx, root: false });
  }
}

function visitHeading(state: WalkState, node: Heading): void {
  if (node === state.title) return;
  openSection(state, headingText(state.source, node), node.depth, lineOf(node));
  if (state.flags.contacts) state.pendingWho = { text: plainText(node.children), node };
}

function childVisits(children: readonly RootContent[], ctx: Context): Visit[] {
  return children.map((node, index) => ({ node, ctx, siblings: children, index }));
}
