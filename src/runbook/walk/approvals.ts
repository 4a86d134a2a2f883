// Sign-off slots as the walk meets them: blanks in any text, rows of sign-off tables, and checkbox
// items of sign-off sections.
import type { Nodes } from 'mdast';
import { readApprovalBlanks } from '../approvals.js';
import { columnOf, lineOf } from '../markdown.js';
import { currentPhase, type WalkState } from './state.js';
import type { RawApproval } from './types.js';

/** Adds the sign-off blanks of `text` (read from `node`); true when there was one. */
export function addBlanks(
  state: WalkState,
  text: string,
  node: Nodes,
  source: RawApproval['source'] = 'blank',
): boolean {
  const signOff = state.flags.signOff;
  const blanks = readApprovalBlanks(text, { signOff, anyLabel: signOff && source !== 'table' });
  for (const b of blanks) addApproval(state, b.role, b.label, source, node);
  return blanks.length > 0;
}

/** Adds one slot at `node`, in the current phase. */
export function addApproval(
  state: WalkState,
  role: string,
  label: string,
  source: RawApproval['source'],
  node: Nodes,
): void {
  state.result.approvals.push({
    role,
    label,
    source,
    phase: currentPhase(state),
    stepsBefore: state.nonRollback,
    line: lineOf(node),
    column: columnOf(node),
  });
}
