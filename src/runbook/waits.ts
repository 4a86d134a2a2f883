// Reads a wait ("watch the canary for 10 minutes") out of a step's own text.
// The text is already plain (no Markdown, inline code removed); this is word-level work.
import type { Wait } from './model.js';

const WAIT_VERB =
  /\b(?:wait(?:s|ing)?|monitor(?:s|ing)?|watch(?:es|ing)?|soak(?:s|ing)?|hold(?:s|ing)?|observe[sd]?|observing|bake[sd]?|baking|keep(?:s|ing)? an eye on)\b/gi;

const WORD_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  'forty-five': 45,
  sixty: 60,
  ninety: 90,
  half: 0.5,
  'half an': 0.5,
  'half a': 0.5,
};

const UNIT_MINUTES: [RegExp, number][] = [
  [/^(?:s|secs?|seconds?)$/i, 1 / 60],
  [/^(?:m|mins?|minutes?)$/i, 1],
  [/^(?:h|hrs?|hours?)$/i, 60],
  [/^(?:d|days?)$/i, 1440],
  [/^(?:w|wks?|weeks?)$/i, 10080],
];

const WORD_NUMBER = `(?:half an?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty-five|forty|sixty|ninety|half)`;
const DIGITS = String.raw`\d+(?:[.,]\d+)?`;
const LONG_UNIT = `(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)`;
const UNIT = `(?:${LONG_UNIT}|s|m|h|d|w)`;
// One duration: "10 minutes", "2h", "1h 30m", "10-15 min", "a week", "90 s". Word numbers take a
// whole-word unit after a space ("a week"), so "and" and "as" are never read as "a d" or "a s".
const DURATION = new RegExp(
  String.raw`(?<![\w.+-])(?:(${DIGITS}|${WORD_NUMBER})\s*(?:-|–|—|to)\s*)?(?:(${DIGITS})[\s-]?(${UNIT})|(${WORD_NUMBER})[\s-](${LONG_UNIT}))(?:\s*(\d+)\s?(${UNIT}))?(?![\w%])`,
  'gi',
);

// Words between the verb and the duration that make it a condition, not a wait.
const CONDITION =
  /\b(?:if|when|whenever|unless|above|below|exceed\w*|more than|less than|greater than|fewer than|higher than|lower than|over\s+\d|under\s+\d|at most|at least\s+\d+\s*%|threshold|timeout|time-out|within|every|each|per)\b|[<>≥≤]/i;
// Words right before a duration that make it a time stamp, an age or a frequency.
const NOT_A_SPAN =
  /(?:\bT\s*[+-]\s*|\b(?:last|past|every|each|per|ago|older than|newer than|after|since|expiry|expires?)\s+(?:the\s+)?)$/i;
// ("before …" and "after …" are clauses that do not cancel a wait: "hold for 15 minutes before widening".)
const NOT_A_SPAN_AFTER = /^\s*(?:ago|old|expiry|expiration|later|from now|intervals?)\b/i;

// Leave, let or keep something as it is for a duration: "leave the flag at 10% for 2h", "let it bake
// for 30 min", "keep it running for 1 hour". Only with "for" right before the duration; "keep" also
// needs a state ("running", "at 10%", "in place"), so "keep the backups for 7 days" is no wait.
const HOLD_VERB = /\b(?:leav(?:e|es|ing)|let(?:s|ting)?|keep(?:s|ing)?)\b/gi;
const HOLD_VERB_ONE = new RegExp(HOLD_VERB.source, 'i');
const FOR_BEFORE = /\bfor\s+(?:about\s+|around\s+|roughly\s+|at least\s+|~\s*)?$/i;
const KEEP_STATE =
  /\b(?:\w+ing|at|on|off|in place|as is|as-is|live|enabled|disabled|paused|up|steady|stable|unchanged|open|there|alone)\b/i;

// How far a duration may stand from its verb ("Watch the error rate, latency and saturation
// dashboards of the payments API for 30 minutes" is 80 characters): bounds the work per verb.
const VERB_REACH = 240;

// A duration that comes before its verb: "30-minute soak", "10 min bake".
const NOUN_AFTER = /^\s*(?:of\s+)?(?:soak|bake|wait|hold|observation|monitoring|watch)\b/i;

function toNumber(word: string): number {
  const lower = word.toLowerCase();
  if (lower in WORD_NUMBERS) return WORD_NUMBERS[lower] ?? Number.NaN;
  return Number(lower.replace(',', '.'));
}

function unitMinutes(unit: string): number {
  // Single-letter units are read in lower case only: "10M" is ten million, not ten minutes.
  if (unit.length === 1 && unit !== unit.toLowerCase()) return Number.NaN;
  for (const [pattern, minutes] of UNIT_MINUTES) if (pattern.test(unit)) return minutes;
  return Number.NaN;
}

interface FoundDuration {
  minutes: number;
  phrase: string;
  index: number;
  end: number;
}

function findDurations(text: string): FoundDuration[] {
  const found: FoundDuration[] = [];
  for (const m of text.matchAll(DURATION)) {
    const [phrase, low, digits, digitUnit, word, wordUnit, extra, extraUnit] = m;
    const high = digits ?? word;
    const unit = digitUnit ?? wordUnit;
    if (!high || !unit) continue;
    const per = unitMinutes(unit);
    let minutes = toNumber(high) * per;
    if (low) minutes = Math.max(minutes, toNumber(low) * per);
    if (extra && extraUnit) minutes += Number(extra) * unitMinutes(extraUnit);
    if (!Number.isFinite(minutes) || minutes <= 0) continue;
    const index = m.index ?? 0;
    const end = index + phrase.length;
    if (NOT_A_SPAN.test(text.slice(Math.max(0, index - 24), index))) continue;
    if (NOT_A_SPAN_AFTER.test(text.slice(end, end + 24))) continue;
    found.push({ minutes: Math.round(minutes * 1000) / 1000, phrase, index, end });
  }
  return found;
}

/** Sentences: a wait and its duration are read within one sentence or line. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+/);
}

/** The wait a step's text asks for, or null. `hasVerb` tells a wait with no duration apart. */
export function readWait(text: string): { wait: Wait | null; hasVerb: boolean } {
  let hasVerb = false;
  for (const sentence of sentences(text)) {
    const verbs = [...sentence.matchAll(WAIT_VERB)];
    if (verbs.length === 0) continue;
    hasVerb = true;
    const durations = findDurations(sentence);
    let next = 0; // the first duration after the current verb: verbs come in order, so does this
    for (const verb of verbs) {
      const verbStart = verb.index ?? 0;
      const verbEnd = verbStart + verb[0].length;
      while (next < durations.length && (durations[next]?.index ?? 0) < verbEnd) next++;
      // "30-minute soak": the duration right before the verb, followed by it.
      const before = durations[next - 1];
      if (before && before.end <= verbStart && NOUN_AFTER.test(sentence.slice(before.end, before.end + 40))) {
        return { wait: { minutes: before.minutes, phrase: before.phrase.trim() }, hasVerb };
      }
      const after = durations[next];
      if (after && isSpan(sentence, verbEnd, after)) {
        return { wait: { minutes: after.minutes, phrase: after.phrase.trim() }, hasVerb };
      }
    }
  }
  for (const sentence of sentences(text)) {
    if (!HOLD_VERB_ONE.test(sentence)) continue;
    const held = readHold(sentence, findDurations(sentence));
    if (held) return { wait: held, hasVerb: true };
  }
  return { wait: null, hasVerb };
}

/** "Leave the flag at 10% for 2h": a hold verb, then "for" and a duration, with no condition between. */
function readHold(sentence: string, durations: readonly FoundDuration[]): Wait | null {
  let next = 0;
  for (const verb of sentence.matchAll(HOLD_VERB)) {
    const verbEnd = (verb.index ?? 0) + verb[0].length;
    while (next < durations.length && (durations[next]?.index ?? 0) < verbEnd) next++;
    const d = durations[next];
    if (!d || !isSpan(sentence, verbEnd, d)) continue;
    const between = sentence.slice(verbEnd, d.index);
    if (!FOR_BEFORE.test(between)) continue;
    const keep = /^keep/i.test(verb[0]);
    if (keep && /\ban eye on\b/i.test(between)) continue;
    if (keep && !KEEP_STATE.test(between.replace(FOR_BEFORE, ''))) continue;
    return { minutes: d.minutes, phrase: d.phrase.trim() };
  }
  return null;
}

/** A verb's duration: within reach of the verb, with no condition between them ("if above 1% for"). */
function isSpan(sentence: string, verbEnd: number, d: FoundDuration): boolean {
  return d.index - verbEnd <= VERB_REACH && !CONDITION.test(sentence.slice(verbEnd, d.index));
}
