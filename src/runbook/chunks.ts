// Parses a long document in pieces that start where CommonMark closes every open block, so the
// parse stays linear: micromark's document tokenizer copies all the events seen so far each time a
// list closes before a paragraph or heading (micromark/lib/initialize/document.js, EditMap.consume),
// which is quadratic on a runbook of many short sections, and on one long list of nested items. The
// pieces give the same tree: each one is parsed by mdast-util-from-markdown, its positions shifted to
// the whole document's, and a list cut between two of its top-level items is joined again.
import type { List, Nodes, Root, RootContent } from 'mdast';
import { childrenOf, isFenced, isUnclosedFence, parseMarkdown, pushReversed } from './markdown.js';

/** Pieces are cut at the first safe line after this many characters. */
export const CHUNK_CHARS = 16 * 1024;
// A piece may grow to this many times CHUNK_CHARS when the cut points fall inside code or HTML;
// beyond it the rest is parsed in one go.
const MAX_MERGE = 8;
// Reference definitions apply to the whole document: with one anywhere, parse the whole document.
const DEFINITION = /^ {0,3}\[[^\]\n]+\]:/m;
const ATX = /^#{1,6}(?:[ \t]|$)/;
// A line that would continue a list or quote across a blank line, so never starts a piece.
const CONTINUES = /^(?:[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|>)/;
const FRONT_MATTER_FENCE = /^---[ \t]*\r?$/;
// A top-level item of a list at column 0: it closes every block opened inside the item before it.
// A bullet item with text may interrupt a paragraph; an ordered one only after a blank line (else
// "2. x" after a paragraph is a lazy continuation line). A thematic break is not an item.
const BULLET_ITEM = /^[-+*][ \t]+\S/;
const ORDERED_ITEM = /^\d{1,9}[.)][ \t]+\S/;
const THEMATIC_BREAK = /^(?:[-*_][ \t]*){3,}$/;

/**
 * Offsets where a piece may start: a line at column 0 that is an ATX heading, or that follows a
 * blank line and is not a list item or quote (every container and paragraph is closed there), or
 * that starts a top-level list item (`parseInChunks` joins the list again). Code and HTML blocks do
 * not close there: `parseInChunks` checks for them and joins the pieces.
 */
export function findCutPoints(source: string, every: number): number[] {
  const cuts: number[] = [];
  let offset = skipFrontMatter(source);
  let previousBlank = false;
  let last = 0;
  while (offset < source.length) {
    const end = source.indexOf('\n', offset);
    const next = end === -1 ? source.length : end + 1;
    const line = source.slice(offset, end === -1 ? source.length : end).replace(/\r$/, '');
    const blank = line.trim() === '';
    const atColumn0 = !blank && line[0] !== ' ' && line[0] !== '\t';
    const opens =
      ATX.test(line) ||
      (previousBlank && !CONTINUES.test(line) && !FRONT_MATTER_FENCE.test(line)) ||
      startsItem(line, previousBlank);
    if (atColumn0 && offset - last >= every && opens) {
      cuts.push(offset);
      last = offset;
    }
    previousBlank = blank;
    offset = next;
  }
  return cuts;
}

function startsItem(line: string, previousBlank: boolean): boolean {
  if (THEMATIC_BREAK.test(line)) return false;
  return BULLET_ITEM.test(line) || (previousBlank && ORDERED_ITEM.test(line));
}

function skipFrontMatter(source: string): number {
  const first = source.indexOf('\n');
  if (first === -1 || !FRONT_MATTER_FENCE.test(source.slice(0, first))) return 0;
  let offset = first + 1;
  while (offset < source.length) {
    const end = source.indexOf('\n', offset);
    const next = end === -1 ? source.length : end + 1;
    if (FRONT_MATTER_FENCE.test(source.slice(offset, end === -1 ? source.length : end))) return next;
    offset = next;
  }
  return source.length;
}

/** The same tree as `parseMarkdown(source)`, parsed in pieces of about `every` characters. */
export function parseInChunks(source: string, every = CHUNK_CHARS): Root {
  // A byte order mark shifts micromark's offsets in the first piece only: parse such text whole
  // (parseRunbook drops the mark before parsing).
  if (source.length < 2 * every || source.charCodeAt(0) === 0xfeff || DEFINITION.test(source)) {
    return parseMarkdown(source);
  }
  const cuts = [...findCutPoints(source, every), source.length];
  const children: RootContent[] = [];
  let start = 0;
  let line = 0; // newlines before `start`
  let root: Root | null = null;
  for (let i = 0; i < cuts.length && start < source.length; i++) {
    let end = cuts[i] ?? source.length;
    if (end <= start) continue;
    if (end - start > MAX_MERGE * every) end = source.length;
    const text = source.slice(start, end);
    root = parseMarkdown(text);
    // A fence or HTML block open at the cut runs on in the whole document: join with the next piece.
    if (end < source.length && (runsOn(text, root) || endsInIndentedCode(text, root))) continue;
    shift(root, line, start);
    const [first, ...rest] = root.children;
    const previous = children[children.length - 1];
    if (previous?.type === 'list' && first?.type === 'list' && sameList(source, previous, first)) {
      join(source, previous, first);
      for (const child of rest) children.push(child);
    } else {
      for (const child of root.children) children.push(child);
    }
    line += countNewlines(text);
    start = end;
  }
  const whole: Root = { type: 'root', children };
  if (root?.position) whole.position = { start: { line: 1, column: 1, offset: 0 }, end: root.position.end };
  return whole;
}

/** The marker of a list's first item: its bullet, or an ordered item's delimiter. */
function markerOf(source: string, list: List): string | null {
  const offset = list.position?.start.offset;
  if (offset === undefined) return null;
  return (
    /^[ \t]*(?:([-+*])|\d{1,9}([.)]))/
      .exec(source.slice(offset, offset + 16))
      ?.slice(1)
      .find(Boolean) ?? null
  );
}

/** CommonMark continues a list with an item of the same kind and marker (bullet or delimiter). */
function sameList(source: string, a: List, b: List): boolean {
  const marker = markerOf(source, a);
  return a.ordered === b.ordered && marker !== null && marker === markerOf(source, b);
}

/**
 * Appends `b`'s items to `a`, as the whole document's parse has them: a list is loose (spread) when
 * one of its items is, or when a blank line separates two of its items.
 */
function join(source: string, a: List, b: List): void {
  const between = source.slice(a.position?.end.offset ?? 0, b.position?.start.offset ?? 0);
  a.spread = Boolean(a.spread || b.spread || /\n[ \t]*\r?\n/.test(between));
  for (const item of b.children) a.children.push(item);
  if (a.position && b.position) a.position.end = b.position.end;
}

/**
 * True when the piece ends inside a block that the end of text closes differently from the next
 * line: HTML, a table, or an unclosed fence (at the end of text it keeps the trailing blank lines),
 * at any depth along the last children.
 */
function runsOn(text: string, root: Root): boolean {
  let node: Nodes | undefined = root.children[root.children.length - 1];
  while (node) {
    if (node.type === 'html' || node.type === 'table') return true;
    if (node.type === 'code' && isUnclosedFence(text, node)) return true;
    const children = childrenOf(node);
    node = children[children.length - 1];
  }
  return false;
}

/**
 * True when the piece ends in an indented code block at the top level: micromark then reads the next
 * line as one that would interrupt a paragraph (an ordered item other than 1, or an empty one, turns
 * into paragraph text, also as the content of a new item), so the piece is parsed with the next.
 */
function endsInIndentedCode(text: string, root: Root): boolean {
  const last = root.children[root.children.length - 1];
  return last?.type === 'code' && !isFenced(text, last);
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Moves every position of a piece's tree by the lines and characters before the piece (any depth). */
function shift(root: Nodes, lines: number, offset: number): void {
  const stack: Nodes[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const position = node.position;
    if (position) {
      position.start.line += lines;
      position.end.line += lines;
      if (position.start.offset !== undefined) position.start.offset += offset;
      if (position.end.offset !== undefined) position.end.offset += offset;
    }
    pushReversed(stack, childrenOf(node));
  }
}
