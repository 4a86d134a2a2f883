// Fenced code: a command of the step it is in, or of the step it follows past blank lines only.
import type { Code, List, ListItem, RootContent } from 'mdast';
import { fenceMarker, isFenced, isUnclosedFence } from '../markdown.js';
import type { Context, WalkState } from './state.js';
import type { RawStep } from './types.js';

/** Attaches a fence to its step, and notes a fence that is never closed. */
export function visitCode(
  state: WalkState,
  node: Code,
  ctx: Context,
  siblings: readonly RootContent[],
  index: number,
): void {
  const { source } = state;
  if (!isFenced(source, node)) return;
  if (isUnclosedFence(source, node)) {
    state.result.unclosedFences.push({ node, atRoot: ctx.root, marker: fenceMarker(source, node) ?? '```' });
  }
  const owner = followedStep(state, siblings[index - 1], node) ?? ctx.step;
  owner?.commands.push(node);
}

/** The step a fence follows when only blank lines stand between the list and the fence. */
function followedStep(state: WalkState, previous: RootContent | undefined, fence: Code): RawStep | null {
  if (previous?.type !== 'list') return null;
  const between = state.source.slice(previous.position?.end.offset ?? 0, fence.position?.start.offset ?? 0);
  if (!/^\s*$/.test(between)) return null;
  let found: RawStep | null = null;
  let list: List | undefined = previous;
  while (list) {
    const item: ListItem | undefined = list.children[list.children.length - 1];
    if (!item) break;
    found = state.stepOf.get(item) ?? found;
    const tail: RootContent | undefined = item.children[item.children.length - 1];
    list = tail?.type === 'list' ? tail : undefined;
  }
  return found;
}
