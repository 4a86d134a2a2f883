// Slack's Block Kit limits (../shared/reference/slack-platform.md §2) and the helpers the renderers
// use to stay inside them: long text is split over several blocks, a phase over several messages.
import type { KnownBlock } from '@slack/types';
import { plural } from './format.js';

/** The limits every rendered message and view keeps. */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  /** Slack's real cap on all text in one message is undocumented (~12–13k): keep well under it. */
  messageText: 10_000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  fallbackText: 4000,
  actionsElements: 25,
  stepActions: 5,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** Characters of text in some blocks: every `text` string, at any depth (labels and dialogs too). */
export function textLengthOf(value: unknown): number {
  // Every render sizes every block: plain loops, no entry arrays (this was 12% of a click's CPU).
  if (!value || typeof value !== 'object') return 0;
  let sum = 0;
  if (Array.isArray(value)) {
    for (const v of value) sum += textLengthOf(v);
    return sum;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (key === 'text' && typeof v === 'string') sum += v.length;
    else if (v && typeof v === 'object') sum += textLengthOf(v);
  }
  return sum;
}

/**
 * The largest index ≤ `max` where mrkdwn can be cut without breaking an entity (`&amp;`), a
 * `<…>` link or mention, or a surrogate pair.
 */
export function safeCut(s: string, max: number): number {
  let cut = Math.min(max, s.length);
  const open = s.lastIndexOf('<', cut - 1);
  if (open >= 0 && s.indexOf('>', open) >= cut) cut = open;
  const amp = s.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 6 && !s.slice(amp, cut).includes(';')) cut = amp;
  const code = s.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return cut > 0 ? cut : Math.min(max, s.length);
}

/** Shortens mrkdwn to `max` characters with "…" at a safe place (a last guard, see elements.ts). */
export function truncateMrkdwn(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, safeCut(s, max - 1))}…`;
}

/** Splits mrkdwn into pieces of at most `max` characters, at line breaks, else spaces, never mid-token. */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const hard = safeCut(rest, max);
    const line = rest.lastIndexOf('\n', hard);
    const space = rest.lastIndexOf(' ', hard);
    const soft = line > max / 2 ? line : space > max / 2 ? space : -1;
    const cut = soft > 0 ? safeCut(rest, soft) : hard;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  pieces.push(rest);
  return pieces.filter((p) => p.trim() !== '');
}

/** A command cut to fit one section, and what was left out. */
export interface FittedCode {
  code: string;
  omittedLines: number;
  omittedChars: number;
}

/** Keeps whole lines of (escaped) code up to `max` characters; a single huge line is cut inside. */
export function fitCode(code: string, max: number): FittedCode {
  if (code.length <= max) return { code, omittedLines: 0, omittedChars: 0 };
  const lines = code.split('\n');
  let kept = 0;
  let length = 0;
  while (kept < lines.length && length + (lines[kept]?.length ?? 0) + 1 <= max) {
    length += (lines[kept]?.length ?? 0) + 1;
    kept++;
  }
  if (kept > 0) {
    return { code: lines.slice(0, kept).join('\n'), omittedLines: lines.length - kept, omittedChars: 0 };
  }
  const first = lines[0] ?? '';
  const cut = safeCut(first, max);
  return { code: first.slice(0, cut), omittedLines: lines.length - 1, omittedChars: first.length - cut };
}

/** "412 more lines", "1,200 more characters and 3 more lines". */
export function describeOmitted(fitted: FittedCode): string {
  const parts = [];
  if (fitted.omittedChars) parts.push(`${plural(fitted.omittedChars, 'more character')}`);
  if (fitted.omittedLines) parts.push(`${plural(fitted.omittedLines, 'more line')}`);
  return parts.join(' and ');
}

/** An upper bound on what some blocks will hold, whatever the run's state. */
export interface Size {
  blocks: number;
  chars: number;
}

/** Blocks that go together into one message, with the most room they can ever take. */
export interface Item {
  blocks: KnownBlock[];
  bound: Size;
}

/** Items that should stay in one message when they fit (a step and its buttons). */
export type Unit = Item[];

/**
 * Packs units into messages of at most `budget`, in order. A unit that fits no message on its own
 * is spread over several, item by item. Packing reads only the bounds, which do not depend on the
 * run's state, so a step stays in the same message for the whole run.
 */
export function packUnits(units: Unit[], budget: Size): KnownBlock[][] {
  const parts: Item[][] = [[]];
  let used: Size = { blocks: 0, chars: 0 };
  const fits = (size: Size) =>
    used.blocks + size.blocks <= budget.blocks && used.chars + size.chars <= budget.chars;
  const add = (item: Item) => {
    if (!fits(item.bound) && (parts[parts.length - 1]?.length ?? 0) > 0) {
      parts.push([]);
      used = { blocks: 0, chars: 0 };
    }
    parts[parts.length - 1]?.push(item);
    used = { blocks: used.blocks + item.bound.blocks, chars: used.chars + item.bound.chars };
  };
  for (const unit of units) {
    const total = sumSizes(unit.map((i) => i.bound));
    const alone = total.blocks <= budget.blocks && total.chars <= budget.chars;
    if (alone && !fits(total) && (parts[parts.length - 1]?.length ?? 0) > 0) {
      parts.push([]);
      used = { blocks: 0, chars: 0 };
    }
    for (const item of unit) add(item);
  }
  return parts.map((items) => items.flatMap((i) => i.blocks));
}

/** The sum of some sizes. */
export function sumSizes(sizes: Size[]): Size {
  return sizes.reduce((a, b) => ({ blocks: a.blocks + b.blocks, chars: a.chars + b.chars }), {
    blocks: 0,
    chars: 0,
  });
}

/** The larger of some sizes, field by field. */
export function maxSize(sizes: Size[]): Size {
  return sizes.reduce(
    (a, b) => ({ blocks: Math.max(a.blocks, b.blocks), chars: Math.max(a.chars, b.chars) }),
    {
      blocks: 0,
      chars: 0,
    },
  );
}

/** The size some blocks take now. */
export function sizeOf(blocks: KnownBlock[]): Size {
  return { blocks: blocks.length, chars: textLengthOf(blocks) };
}
