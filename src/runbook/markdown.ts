// Thin layer over mdast-util-from-markdown: the one place that knows how the tree is built.
import type { Code, Nodes, Parent, PhrasingContent, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import type { Construct, Event, Extension, State, TokenizeContext, Tokenizer } from 'micromark-util-types';

// Only the GFM constructs the format needs: tables, task lists and strikethrough (so titles lose its
// markup). Autolink literals and footnotes cost ~40% of the parse time and change nothing the parser
// reads (a bare-URL item is recognised as link-only by its text, see walk.ts).
const extensions = [gatedTable(), gfmTaskListItem(), gfmStrikethrough(), frontmatter(['yaml'])];
const mdastExtensions = [
  gfmTableFromMarkdown(),
  gfmTaskListItemFromMarkdown(),
  gfmStrikethroughFromMarkdown(),
  frontmatterFromMarkdown(['yaml']),
];

// The text being parsed, for the table gate below to look one line ahead (micromark hands a flow
// construct its text line by line, so the tokenizer itself cannot). Set for the length of one
// synchronous parse.
let parsing = '';

/** Parses CommonMark with GFM tables, task lists and strikethrough and YAML front matter, keeping source positions. */
export function parseMarkdown(source: string): Root {
  parsing = source;
  try {
    return fromMarkdown(source, { extensions, mdastExtensions });
  } finally {
    parsing = '';
  }
}

// A line that may be a table's delimiter row once its container prefixes (indent, `>`) are
// ignored: only spaces, tabs, `>`, `|`, `:` and `-`, with a `-` and a `|` or `:` (micromark needs one
// of them to tell the row from a setext underline or a thematic break).
const DELIMITER_ROW_CHARS = /^[ \t>|:-]*$/;

/** True when the line after the one holding `offset` could be a table's delimiter row. */
function nextLineMayBeDelimiterRow(source: string, offset: number): boolean {
  const end = source.indexOf('\n', offset);
  if (end === -1) return false;
  const after = source.indexOf('\n', end + 1);
  const line = source.slice(end + 1, after === -1 ? source.length : after).replace(/\r$/, '');
  return line.includes('-') && (line.includes('|') || line.includes(':')) && DELIMITER_ROW_CHARS.test(line);
}

/** True when the events end in a table head or row (past line endings and prefixes): a body row may follow. */
function afterTableRow(events: readonly Event[]): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const type = events[i]?.[1].type;
    if (type === 'lineEnding' || type === 'linePrefix') continue;
    return type === 'tableHead' || type === 'tableRow';
  }
  return false;
}

/**
 * GFM tables, with a cheap look-ahead in front. micromark tries the table construct at the start of
 * every paragraph line (as a block that could interrupt it), and the construct reads the whole line
 * as a head row before it finds that the next line is no delimiter row; on a runbook of one-line
 * list items that doubled the tokenizer's work. A head row is tried only when the next line of the
 * text could be a delimiter row; body rows and everything else go to the construct unchanged, so the
 * tree is the same (checked by test/runbook/markdown.test.ts against the plain extension).
 */
function gatedTable(): Extension {
  const table = gfmTable().flow?.null;
  const construct = (Array.isArray(table) ? table[0] : table) as Construct;
  const tokenize: Tokenizer = function (this: TokenizeContext, effects, ok, nok): State {
    return (code) => {
      const offset = this.now().offset;
      if (afterTableRow(this.events) || nextLineMayBeDelimiterRow(parsing, offset)) {
        return construct.tokenize.call(this, effects, ok, nok)(code);
      }
      return nok(code);
    };
  };
  return { flow: { null: [{ name: construct.name, tokenize, resolveAll: construct.resolveAll }] } };
}

/** Start line (1-based) of a node, 1 when the node has no position. */
export function lineOf(node: Nodes): number {
  return node.position?.start.line ?? 1;
}

/** Start column (1-based) of a node. */
export function columnOf(node: Nodes): number {
  return node.position?.start.column ?? 1;
}

/** The exact source text a node (or a run of sibling nodes) was read from. */
export function sliceSource(source: string, first: Nodes, last: Nodes = first): string {
  const start = first.position?.start.offset;
  const end = last.position?.end.offset;
  return start === undefined || end === undefined ? '' : source.slice(start, end);
}

/** The opening marker of a ``` or ~~~ fence (```` ```` ```` for a four-backtick one), or null for indented code. */
export function fenceMarker(source: string, node: Code): string | null {
  const start = node.position?.start.offset;
  if (start === undefined) return null;
  return /^ {0,3}(`{3,}|~{3,})/.exec(source.slice(start, start + 64))?.[1] ?? null;
}

/** True for ``` and ~~~ fences; indented code blocks are not commands. */
export function isFenced(source: string, node: Code): boolean {
  const start = node.position?.start.offset;
  if (start === undefined) return false;
  return /^ {0,3}(`{3,}|~{3,})/.test(source.slice(start, start + 64));
}

/** True when a fenced block has no closing fence (it then runs to the end of its container). */
export function isUnclosedFence(source: string, node: Code): boolean {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return false;
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(source.slice(start, start + 64));
  if (!open?.[1]) return false;
  const text = source.slice(start, end).replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines.length < 2) return true;
  const closing = (lines[lines.length - 1] ?? '').replace(/^[\s>]*/, '').trimEnd();
  const fenceChar = open[1][0] ?? '`';
  return !(closing.length >= open[1].length && [...closing].every((c) => c === fenceChar));
}

/** Plain text of inline content, markup removed; inline code kept or dropped as asked. */
export function plainText(nodes: readonly Nodes[], options: { dropInlineCode?: boolean } = {}): string {
  let out = '';
  // A stack of its own rather than recursion: emphasis and links may nest without bound.
  const stack: Nodes[] = [];
  pushReversed(stack, nodes);
  for (let node = stack.pop(); node; node = stack.pop()) {
    switch (node.type) {
      case 'text':
        out += node.value;
        break;
      case 'inlineCode':
        out += options.dropInlineCode ? ' ' : node.value;
        break;
      case 'break':
        out += '\n';
        break;
      case 'image':
        out += node.alt ?? '';
        break;
      case 'html':
        break;
      default:
        if ('children' in node) pushReversed(stack, node.children as Nodes[]);
    }
  }
  return out.replace(/\r\n?/g, '\n');
}

/** Pushes `items` last-first, so that popping gives them in order. */
export function pushReversed<T>(stack: T[], items: readonly T[]): void {
  for (let i = items.length - 1; i >= 0; i--) stack.push(items[i] as T);
}

/** Splits inline content into lines (soft and hard breaks), each a list of inline nodes. */
export function splitLines(children: readonly PhrasingContent[]): PhrasingContent[][] {
  const lines: PhrasingContent[][] = [[]];
  for (const child of children) {
    if (child.type === 'break') {
      lines.push([]);
      continue;
    }
    if (child.type === 'text' && /[\r\n]/.test(child.value)) {
      const parts = child.value.split(/\r\n?|\n/);
      parts.forEach((part, i) => {
        if (i > 0) lines.push([]);
        if (part) lines[lines.length - 1]?.push({ type: 'text', value: part });
      });
      continue;
    }
    lines[lines.length - 1]?.push(child);
  }
  return lines;
}

/** Child nodes of a parent, typed for walking. */
export function childrenOf(node: Nodes): RootContent[] {
  return 'children' in node ? ((node as Parent).children as RootContent[]) : [];
}

/** Maps offsets to 1-based lines by the source itself (some extensions report shifted positions). */
export function createLineIndex(source: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/**
 * Removes the indentation a list item's continuation lines keep from the item they came from, and
 * the first line's leading space (a step's Markdown is cut out of its list item).
 */
export function dedent(text: string): string {
  const [first = '', ...rest] = text.split('\n');
  const indents = rest.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const cut = indents.length ? Math.min(...indents) : 0;
  return [first.trimStart(), ...rest.map((l) => l.slice(cut))].join('\n');
}
