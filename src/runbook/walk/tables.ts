// Tables: rows of a sign-off table are slots; rows of a contact table are contacts (or, in a rota,
// the people of each day).
import type { Table } from 'mdast';
import { readContactText } from '../contact-items.js';
import { columnKind, isRotaKey, readContactRow } from '../contacts.js';
import { columnOf, lineOf, plainText } from '../markdown.js';
import { addApproval, addBlanks } from './approvals.js';
import type { Context, WalkState } from './state.js';

type Row = Table['children'][number];

const cellsOf = (row: Row) => row.children.map((c) => plainText(c.children).trim());
const blankText = (row: Row) =>
  row.children.map((c) => plainText(c.children, { dropInlineCode: true })).join('\n');

/** Reads a table's rows. */
export function visitTable(state: WalkState, node: Table, ctx: Context): void {
  const { flags } = state;
  const [header, ...rows] = node.children;
  const kinds = header ? cellsOf(header).map(columnKind) : [];
  for (const row of rows) {
    const cells = cellsOf(row);
    const claimed =
      ctx.blanksClaimed || addBlanks(state, blankText(row), row, flags.signOff ? 'table' : 'blank');
    if (flags.signOff && !claimed && cells[0]) addApproval(state, cells[0], cells[0], 'table', row);
    if (!flags.contacts) continue;
    const at = { line: lineOf(row), column: columnOf(row) };
    if (isRotaKey(cells[0] ?? '')) {
      // A rota row ("Monday | Ana Silva (@asilva) | …"): the people in it, never the day.
      for (const cell of cells.slice(1)) {
        state.result.contacts.push({ contact: readContactText(cell), text: cell, ...at, structured: false });
      }
    } else {
      state.result.contacts.push({
        contact: readContactRow(cells, kinds),
        text: cells.join(' | '),
        ...at,
        structured: true,
      });
    }
  }
}
