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

// Only the GFM constructs the format needs: tables, task lists and strikethrough (so titles lose its
// markup). Autolink literals and footnotes cost ~40% of the parse time and change nothing the parser
// reads (a bare-URL item is recognised as link-only by its text, see walk.ts).
const extensions = [gfmTable(), gfmTaskListItem(), gfmStrikethrough(), frontmatter(['yaml'])];
const mdastExtensions = [
  gfmTableFromMarkdown(),
  gfmTaskListItemFromMarkdown(),
  gfmStrikethroughFromMarkdown(),
  frontmatterFromMarkdown(['yaml']),
];

/** Parses CommonMark with GFM tables, task lists and strikethrough and YAML front matter, keeping source positions. */
export function parseMarkdown(source: string): Root {
  return fromMarkdown(source, { extensions, mdastExtensions });
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
  for (const node of nodes) {
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
        if ('children' in node) out += plainText(node.children as Nodes[], options);
    }
  }
  return out.replace(/\r\n?/g, '\n');
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
