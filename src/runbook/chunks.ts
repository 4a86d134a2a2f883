// Parses a long document in pieces that start where CommonMark closes every open block, so the
// parse stays linear: micromark's document tokenizer copies all the events seen so far each time a
// list closes before a paragraph or heading (micromark/lib/initialize/document.js, EditMap.consume),
// which is quadratic on a runbook of many short sections. The pieces give the same tree: each one
// is parsed by mdast-util-from-markdown and its positions shifted to the whole document's.
import type { Nodes, Root, RootContent } from 'mdast';
import { childrenOf, isUnclosedFence, parseMarkdown } from './markdown.js';

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

/**
 * Offsets where a piece may start: a line at column 0 that is an ATX heading, or that follows a
 * blank line and is not a list item or quote (every container and paragraph is closed there). Code
 * and HTML blocks do not close there: `parseInChunks` checks for them and joins the pieces.
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
      ATX.test(line) || (previousBlank && !CONTINUES.test(line) && !FRONT_MATTER_FENCE.test(line));
    if (atColumn0 && offset - last >= every && opens) {
      cuts.push(offset);
      last = offset;
    }
    previousBlank = blank;
    offset = next;
  }
  return cuts;
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
    if (end < source.length && runsOn(text, root)) continue;
    shift(root, line, start);
    children.push(...root.children);
    line += countNewlines(text);
    start = end;
  }
  const whole: Root = { type: 'root', children };
  if (root?.position) whole.position = { start: { line: 1, column: 1, offset: 0 }, end: root.position.end };
  return whole;
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

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Moves every position of a piece's tree by the lines and characters before the piece. */
function shift(node: Nodes, lines: number, offset: number): void {
  const position = node.position;
  if (position) {
    position.start.line += lines;
    position.end.line += lines;
    if (position.start.offset !== undefined) position.start.offset += offset;
    if (position.end.offset !== undefined) position.end.offset += offset;
  }
  for (const child of childrenOf(node)) shift(child, lines, offset);
}
