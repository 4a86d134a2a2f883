// What an unclosed code fence swallows: told to the author, who otherwise sees steps vanish.
import type { Code, Nodes } from 'mdast';
import { parseInChunks } from './chunks.js';
import { childrenOf, plainText } from './markdown.js';

const NAMED = 3;

/** The message of `runbook.unclosed_fence`: where the fence ends, and the headings and steps inside it. */
export function describeUnclosedFence(fence: Code, atRoot: boolean, fenceMarker: string): string {
  const close = `close it with a line of ${fenceMarker}`;
  if (!atRoot) {
    return `this code fence is never closed: it runs to the end of the list item or quote that holds it; ${close}`;
  }
  const { headings, steps } = countInside(fence.value);
  const parts: string[] = [];
  if (headings.length) {
    const named = headings.slice(0, NAMED).map((h) => `"${h}"`);
    if (headings.length > NAMED) named.push(`${headings.length - NAMED} more`);
    parts.push(`${headings.length} heading${headings.length === 1 ? '' : 's'} (${named.join(', ')})`);
  }
  if (steps) parts.push(`${steps} step${steps === 1 ? '' : 's'}`);
  const swallowed = parts.length ? `, so ${parts.join(' and ')} inside it are read as code` : '';
  return `this code fence is never closed: it runs to the end of the document${swallowed}; ${close}`;
}

/** Headings and step-like items (task items, numbered items) in the swallowed text. */
function countInside(text: string): { headings: string[]; steps: number } {
  const headings: string[] = [];
  let steps = 0;
  const visit = (node: Nodes, ordered: boolean): void => {
    if (node.type === 'heading') headings.push(plainText(node.children).trim());
    if (node.type === 'listItem' && (ordered || typeof node.checked === 'boolean')) steps++;
    const inOrdered = node.type === 'list' ? node.ordered === true : false;
    for (const child of childrenOf(node)) visit(child, inOrdered);
  };
  visit(parseInChunks(text), false);
  return { headings, steps };
}
