// Reads `Label: ____` sign-off blanks out of plain text, in time linear in the text.

// The blank itself: a colon, optional space, three or more underscores. The label is found by
// scanning back from the colon (see labelBefore), never by a regex that can backtrack over a line.
const BLANK = /:[ \t]*_{3,}/g;
const APPROVAL_LABEL = /approv|sign|authori[sz]|review/i;
// A record line: a blank for what the run itself records, never a slot. When something was done
// ("Launch completed at", "Started at", "Approval date", "Time") or who carried it out ("Deployed
// by", "Executed by"; the spec's "Requested By"). Approving verbs are not among them: "Approved by",
// "Reviewed by" and "Signed by" name a sign-off.
const RECORD_WHEN =
  /\b(?:at|on|date|dated|time|timestamp|when|started|completed|finished|ended|duration|start|end)\s*$/i;
const RECORD_WHO =
  /\b(?:deployed|executed|performed|run|ran|carried\s+out|completed|done|started|initiated|triggered|launched|released|rolled\s+back|implemented|requested|operated|logged|recorded|filled(?:\s+in)?|prepared|updated)\s+by\b/i;
// The fill-in fields of a slot ("QA Lead: ____ Signature: ____ Date: ____"): never a slot of their own
// after another blank on the line, nor in a sign-off section.
const FIELD = /^(?:signature|signed|sign here|initials|name|printed name|date|time|comments?|notes?)$/i;
// A field that makes the line a sign-off line: a blank to sign, or the date or time of signing.
const SIGNING_FIELD = /^(?:signature|signed|sign here|initials)$/i;
const DATED_FIELD = /^(?:date|time)$/i;
// Words that name a role that can approve ("QA Lead", "Product owner", "Release manager").
const APPROVER =
  /\b(?:lead|leads|manager|owner|head|director|captain|commander|officer|architect|sre|dba|qa|cto|ceo|cfo|ciso|vp|engineer|on-?call|board|team|approver|reviewer)\b/i;
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

/** True for a record line's label: when something was done or who carried it out (never a slot). */
export function isRecordLabel(label: string): boolean {
  return RECORD_WHEN.test(label) || RECORD_WHO.test(label);
}

/** A record blank on one line: what it records, and where its underscores are. */
export interface RecordBlank {
  label: string;
  kind: 'who' | 'when';
  /** The underscores: `line.slice(start, end)`. */
  start: number;
  end: number;
}

/** The record blanks of one line (`Deployed by: ____`, `Completed at: ____`), in order. */
export function readRecordBlanks(line: string): RecordBlank[] {
  const found: RecordBlank[] = [];
  let floor = 0;
  for (const m of line.matchAll(BLANK)) {
    const colon = m.index ?? 0;
    const label = clean(labelBefore(line, floor, colon));
    floor = colon + m[0].length;
    if (!label) continue;
    const kind = RECORD_WHO.test(label) ? 'who' : RECORD_WHEN.test(label) ? 'when' : null;
    if (kind) found.push({ label, kind, start: line.indexOf('_', colon), end: floor });
  }
  return found;
}

/** A blank found on a line, with the label in front of it. */
interface Found {
  label: string;
}

/**
 * Every approval blank in plain text (`Approved By (SRE): ____` → role `SRE`). A line with several
 * blanks is one slot at most: the role is the label of its first blank, and the `Signature`, `Date`
 * and `Time` blanks after it are that slot's fields.
 */
export function readApprovalBlanks(text: string, options: BlankOptions = {}): Blank[] {
  const blanks: Blank[] = [];
  let line: Found[] = [];
  let floor = 0; // end of the previous blank
  let lineEnd = -1; // the newline ending the current line (cached: the scan only moves forward)
  for (const m of text.matchAll(BLANK)) {
    const colon = m.index ?? 0;
    if (colon > lineEnd && line.length) {
      readLine(line, options, blanks);
      line = [];
    }
    if (!line.length) {
      lineEnd = text.indexOf('\n', colon) >>> 0;
      floor = Math.max(floor, text.lastIndexOf('\n', colon) + 1);
    }
    line.push({ label: clean(labelBefore(text, floor, colon)) });
    floor = colon + m[0].length;
  }
  if (line.length) readLine(line, options, blanks);
  return blanks;
}

/** The slots of one line's blanks, in order. */
function readLine(found: readonly Found[], options: BlankOptions, out: Blank[]): void {
  const later = found.slice(1).map((f) => f.label);
  const signedLine = later.some((l) => SIGNING_FIELD.test(l));
  const datedLine = later.some((l) => DATED_FIELD.test(l));
  found.forEach(({ label }, i) => {
    if (!label || isRecordLabel(label)) return;
    // After the first blank, the line's fields belong to the first blank's slot.
    if (FIELD.test(label) && (options.signOff || i > 0)) return;
    const slot =
      options.anyLabel ||
      APPROVAL_LABEL.test(label) ||
      // "QA Lead: ____ Signature: ____", "Product owner: ____ Date: ____": the first blank is a slot.
      (i === 0 && (signedLine || (datedLine && APPROVER.test(label))));
    if (!slot) return;
    const inParens = ROLE_IN_PARENS.exec(label)?.[1]?.trim();
    out.push({ label, role: inParens || label });
  });
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
