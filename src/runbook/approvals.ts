// Reads `Label: ____` sign-off blanks out of plain text, in time linear in the text.

// The blank itself: a colon, optional space, three or more underscores. The label is found by
// scanning back from the colon (see labelBefore), never by a regex that can backtrack over a line.
const BLANK = /:[ \t]*_{3,}/g;
const APPROVAL_LABEL = /approv|sign|authori[sz]|review/i;
// "Approval date: ____" is a date field next to the slot, not a slot; Executed/Requested By are
// the spec's non-approvals.
const NOT_A_SLOT = /\b(?:date|time|timestamp|when)\s*$|\b(?:executed|requested)\s+by\b/i;
// The fill-in fields of a slot ("QA Lead: ____ Signature: ____ Date: ____"): never a slot of their own
// after another blank on the line, nor in a sign-off section.
const FIELD = /^(?:signature|signed|sign here|initials|name|printed name|date|time|comments?|notes?)$/i;
const ROLE_IN_PARENS = /\(([^()]+)\)/;

/** A sign-off blank: its label as written and the role it names. */
export interface Blank {
  label: string;
  role: string;
}

/** How to read blanks where the section says they are sign-off slots. */
export interface BlankOptions {
  /** Inside a sign-off section: `Signature`, `Date` and `Name` blanks are fields, never slots. */
  signOff?: boolean;
  /** Any label names a slot (`QA tested by: ____`), not only approval words: sign-off items and lines. */
  anyLabel?: boolean;
}

/** Every approval blank in plain text (`Approved By (SRE): ____` → role `SRE`). */
export function readApprovalBlanks(text: string, options: BlankOptions = {}): Blank[] {
  const blanks: Blank[] = [];
  let floor = 0; // end of the previous blank
  let nextNewline = -1; // first newline at or after `floor` (cached: the scan only moves forward)
  for (const m of text.matchAll(BLANK)) {
    const colon = m.index ?? 0;
    if (nextNewline < floor) nextNewline = text.indexOf('\n', floor) >>> 0;
    const firstOnLine = floor === 0 || nextNewline < colon;
    const label = clean(labelBefore(text, floor, colon));
    floor = colon + m[0].length;
    if (!label || NOT_A_SLOT.test(label)) continue;
    if (FIELD.test(label) && (options.signOff || !firstOnLine)) continue;
    if (!options.anyLabel && !APPROVAL_LABEL.test(label)) continue;
    const inParens = ROLE_IN_PARENS.exec(label)?.[1]?.trim();
    blanks.push({ label, role: inParens || label });
  }
  return blanks;
}

/** The label in front of a colon: back to the previous `:`, `_`, `|` or line start (never before `floor`). */
function labelBefore(text: string, floor: number, colon: number): string {
  let start = colon;
  while (start > floor) {
    const c = text.charCodeAt(start - 1);
    if (c === 58 /* : */ || c === 95 /* _ */ || c === 124 /* | */ || c === 10 /* \n */) break;
    start--;
  }
  return text.slice(start, colon);
}

function clean(label: string): string {
  return label.replace(/[*`~]/g, '').replace(/\s+/g, ' ').trim();
}
