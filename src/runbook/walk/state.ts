// The walk's state: what one pass over the tree has found so far, and where in the document it is.
// Every module of the walk reads and extends it; nothing else keeps state between nodes.
import type { Heading, List, ListItem, Nodes, Root, RootContent } from 'mdast';
import { childrenOf, createLineIndex, pushReversed } from '../markdown.js';
import { flagsOf, mergeFlags, NO_FLAGS, type SectionFlags } from '../sections.js';
import type { RawContact, RawStep, WalkResult } from './types.js';

/** Where a node sits: what encloses it decides what it can be. */
export interface Context {
  inQuote: boolean;
  step: RawStep | null;
  /** The node's approval blanks were already read by an enclosing item or row. */
  blanksClaimed: boolean;
  root: boolean;
}

/** A node to visit, with its context and its place among its siblings. */
export interface Visit {
  node: RootContent;
  ctx: Context;
  siblings: readonly RootContent[];
  index: number;
}

/** A heading or bold line that names who the next list of ways to reach is for. */
export interface PendingWho {
  text: string;
  node: Nodes;
  /** For a bold line right under a heading: that heading, which may be the person instead. */
  heading?: { text: string; node: Nodes };
}

/** A contact named by a bold label under a heading, and the contact the heading would name. */
export interface LabelledContact {
  raw: RawContact;
  label: string;
  underHeading: RawContact;
}

/** The state of one walk. */
export interface WalkState {
  readonly source: string;
  /** The heading left out as the document title. */
  readonly title: Heading | null;
  /** Bold-alone lines open pseudo-sections (the document has no other heading). */
  readonly pseudo: boolean;
  readonly result: WalkResult;
  /** The sections open at this point, outermost first. */
  readonly open: { level: number; flags: SectionFlags }[];
  /** What the innermost open section is for. */
  flags: SectionFlags;
  readonly stepOf: Map<ListItem, RawStep>;
  /** Each item's list, indexed up front so an item knows whether its list is ordered. */
  readonly listOfItem: Map<ListItem, List>;
  readonly lineAt: (offset: number) => number;
  /** In a contact section: the heading or bold line just before, which a list of ways to reach may follow. */
  pendingWho: PendingWho | null;
  /** Contacts read from a bold label right under a heading: the label may be shared (see contacts.ts). */
  readonly labelled: LabelledContact[];
  /** Steps outside rollback so far (counted as steps are added: filtering per approval was quadratic). */
  nonRollback: number;
  /** The list the last escalation entry came from: a new list starts a new escalation order. */
  lastEscalationList: List | undefined;
}

/** A fresh state for walking `root`. */
export function createWalkState(
  source: string,
  root: Root,
  title: Heading | null,
  pseudo: boolean,
): WalkState {
  return {
    source,
    title,
    pseudo,
    result: { phases: [], steps: [], contacts: [], escalation: [], approvals: [], unclosedFences: [] },
    open: [],
    flags: NO_FLAGS,
    stepOf: new Map(),
    listOfItem: indexLists(root),
    lineAt: createLineIndex(source),
    pendingWho: null,
    labelled: [],
    nonRollback: 0,
    lastEscalationList: undefined,
  };
}

function indexLists(root: Root): Map<ListItem, List> {
  const listOfItem = new Map<ListItem, List>();
  const stack: (Root | RootContent)[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'list') for (const item of node.children) listOfItem.set(item, node);
    pushReversed(stack, childrenOf(node));
  }
  return listOfItem;
}

/** The index of the current phase, or null before the first one. */
export function currentPhase(state: WalkState): number | null {
  return state.result.phases.length ? state.result.phases.length - 1 : null;
}

/** Opens a section at a heading (or pseudo-heading): it closes the sections at its level or deeper. */
export function openSection(state: WalkState, text: string, level: number, line: number): void {
  const { open } = state;
  while (open.length && (open[open.length - 1]?.level ?? 0) >= level) open.pop();
  const outer = open[open.length - 1]?.flags ?? NO_FLAGS;
  state.flags = mergeFlags(outer, flagsOf(text));
  open.push({ level, flags: state.flags });
  state.result.phases.push({ title: text, level, flags: state.flags, implicit: false, line });
}

/** The phase a step belongs to: an implicit one when the step comes before any heading. */
export function phaseForStep(state: WalkState, line: number): number {
  const { phases } = state.result;
  if (!phases.length) phases.push({ title: '', level: 0, flags: NO_FLAGS, implicit: true, line });
  return phases.length - 1;
}
