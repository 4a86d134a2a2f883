// Reads `Label: ____` sign-off blanks out of plain text.

const BLANK = /([^:\n_|]*?)\s*:\s*_{3,}/g;
const APPROVAL_LABEL = /approv|sign|authori[sz]|review/i;
// "Approval date: ____" is a date field next to the slot, not a slot.
const NOT_A_SLOT = /\b(?:date|time|timestamp|when)\s*$/i;
const ROLE_IN_PARENS = /\(([^()]+)\)/;

/** A sign-off blank: its label as written and the role it names. */
export interface Blank {
  label: string;
  role: string;
}

/** Every approval blank in a line of plain text (`Approved By (SRE): ____` → role `SRE`). */
export function readApprovalBlanks(text: string): Blank[] {
  const blanks: Blank[] = [];
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(BLANK)) {
      const label = (m[1] ?? '').replace(/[*`~]/g, '').replace(/\s+/g, ' ').trim();
      if (!label || !APPROVAL_LABEL.test(label) || NOT_A_SLOT.test(label)) continue;
      const inParens = ROLE_IN_PARENS.exec(label)?.[1]?.trim();
      blanks.push({ label, role: inParens || label });
    }
  }
  return blanks;
}
