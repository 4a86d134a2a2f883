// Reads people and ways to reach them out of table cells and list-item text.
import type { Contact } from './model.js';

// The look-behind makes a match start only where a word starts: linear on long words with no `@`.
export const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
export const HANDLE =
  /<@[A-Z0-9]+(?:\|[^>]*)?>|(?<![\w.@])@[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9_]|(?<![\w.@])@[A-Za-z0-9]/;
const PHONE = /(?<![\w.])(?:\+|\(\+?)?\d[\d\s().\-/]{5,}\d(?:\s*(?:x|ext\.?)\s*\d+)?/;
const DATE_LIKE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/;

/** Text that stands for "nobody yet": neither a name nor a way to reach anyone. */
export const PLACEHOLDER =
  /^\s*(?:tbd|tba|tbc|n\/?a|none|unknown|todo|pending|\?+|-+|—|–|_+|\[[^\]]*\]|<[^>]*>|\{[^}]*\}|x+)\s*$/i;

export const ROLE_WORDS =
  /\b(?:lead|leads|engineer|manager|owner|on-?call|primary|secondary|tertiary|dba|sre|ops|devops|support|team|admin|administrator|director|head|captain|commander|developer|architect|vp|cto|ceo|cfo|ciso|officer|security|backup|escalation|vendor|provider|desk|service|hotline|infra|infrastructure|platform|database|network|incident|duty|rotation|responder|specialist|analyst|coordinator|representative|product|customer|success|sales|legal|finance|qa|release|engineering)\b/i;
export const PERSON =
  /^\p{Lu}[\p{L}'’.-]*(?:\s+(?:\p{Lu}[\p{L}'’.-]*|van|von|de|da|del|der|di|le|la|bin|al)){1,3}$/u;

/** Ways to reach someone found in a piece of text, and the text left over. */
export interface Reach {
  phone?: string;
  email?: string;
  handle?: string;
  rest: string;
}

function take(text: string, pattern: RegExp, accept: (s: string) => boolean = () => true) {
  const global = new RegExp(pattern.source, 'g');
  for (const m of text.matchAll(global)) {
    const value = m[0].trim();
    if (!accept(value)) continue;
    const index = m.index ?? 0;
    return { value, rest: `${text.slice(0, index)} ${text.slice(index + m[0].length)}` };
  }
  return null;
}

function isPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 16 && !DATE_LIKE.test(value.trim());
}

/** Finds an email, a Slack handle and a phone number in text. */
export function readReach(text: string): Reach {
  let rest = text;
  const reach: Reach = { rest };
  const email = take(rest, EMAIL);
  if (email) {
    reach.email = email.value;
    rest = email.rest;
  }
  const handle = take(rest, HANDLE);
  if (handle) {
    reach.handle = handle.value;
    rest = handle.rest;
  }
  const phone = take(rest, PHONE, isPhone);
  if (phone) {
    reach.phone = phone.value.replace(/[\s,;]+$/, '');
    rest = phone.rest;
  }
  reach.rest = rest;
  return reach;
}

const ROTA_KEY =
  /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|weekdays?|weekends?|(?:week|day)\s*\d+|\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?)$/i;

/** True for the first cell of a rota row: a weekday, a week or a date, not a person or role. */
export function isRotaKey(cell: string): boolean {
  return ROTA_KEY.test(cell.trim());
}

/** Trims separators and empty brackets left over once the ways to reach are taken out. */
export function tidy(text: string): string {
  const spaced = text.replace(/\(\s*[,;/|]*\s*\)/g, ' ').replace(/\s+/g, ' ');
  // Trimmed by hand at the end: `[…]+$` retries from every separator of a long run (quadratic).
  let end = spaced.length;
  while (end > 0 && TRAILING.has(spaced[end - 1] ?? '')) end--;
  return spaced
    .slice(0, end)
    .replace(/^[\s,;:|/–—-]+/, '')
    .trim();
}

const TRAILING = new Set([' ', ',', ';', ':', '|', '/', '–', '—', '(', '-']);

/** True for empty text and for `TBD`, `N/A`, `____`, `[contact-info]` and the like. */
export function isPlaceholder(text: string): boolean {
  if (text.trim() === '') return true;
  if (!PLACEHOLDER.test(text)) return false;
  // Brackets around a real handle, email or phone ("[@oncall]", "<ops@example.com>") are style.
  const bracketed = BRACKETED.exec(text);
  return !(bracketed && hasReach(bracketed[1] ?? ''));
}

const BRACKETED = /^\s*[[<{]([^\]>}]*)[\]>}]\s*$/;

/** True when the text holds a way to reach someone: a handle, an email or a phone number. */
export function hasReach(text: string): boolean {
  return isReachable(withReach({}, readReach(text)));
}

/**
 * Takes brackets out of contact text: around a way to reach they are style and only the brackets
 * go ("[Slack: @oncall]" → "Slack: @oncall"); around anything else ("[contact-info]", "[name]",
 * "[TBD]") they mark a placeholder, which goes whole.
 */
export function unbracket(text: string): string {
  return text.replace(/\[([^\]]*)\]/g, (_whole, inner: string) => (hasReach(inner) ? ` ${inner} ` : ' '));
}

/** The contact made of who someone is and how to reach them. */
export function withReach(who: { role?: string; name?: string }, reach: Reach): Omit<Contact, 'line'> {
  const contact: Omit<Contact, 'line'> = {};
  if (who.role) contact.role = who.role;
  if (who.name) contact.name = who.name;
  if (reach.phone) contact.phone = reach.phone;
  if (reach.email) contact.email = reach.email;
  if (reach.handle) contact.handle = reach.handle;
  return contact;
}

/** What a table column holds, judged from its header. */
export type ColumnKind = 'role' | 'name' | 'phone' | 'email' | 'handle' | 'any' | 'other';

/** Reads a contact table header cell. */
export function columnKind(header: string): ColumnKind {
  const h = header.toLowerCase();
  // "Method", "Channel", "Contact via": how to reach, never who ("PagerDuty", "Phone" are not people).
  if (/method|channel|medium|\bvia\b|\bhow\b/.test(h)) return 'any';
  if (/name|person|who|owner|engineer/.test(h)) return 'name';
  if (/role|title|position|function|team|responsib|area|service|escalation|level|tier/.test(h)) return 'role';
  if (/phone|mobile|cell|tel|pager/.test(h)) return 'phone';
  if (/e-?mail/.test(h)) return 'email';
  if (/slack|handle/.test(h)) return 'handle';
  if (/contact|reach|details|info/.test(h)) return 'any';
  return 'other';
}

/** A contact candidate read from one table row, given the kinds of its columns. */
export function readContactRow(cells: string[], kinds: ColumnKind[]): Omit<Contact, 'line'> {
  const who: { role?: string; name?: string } = {};
  const reach: Reach = { rest: '' };
  const hasWho = kinds.includes('role') || kinds.includes('name');
  cells.forEach((raw, i) => {
    const cell = raw.trim();
    if (isPlaceholder(cell)) return;
    let kind = kinds[i] ?? 'other';
    if (!hasWho && i === 0) kind = 'name';
    if (kind === 'role' || kind === 'name') {
      const found = readReach(cell);
      const text = tidy(found.rest);
      // A level or an order ("1", "L2", "SEV1", "Tier 3") says when to reach someone, not who.
      if (text && !isPlaceholder(text) && !LEVEL.test(text) && !who[kind]) who[kind] = text;
      mergeReach(reach, found);
    } else if (kind !== 'other' || EMAIL.test(cell) || HANDLE.test(cell)) {
      mergeReach(reach, readReach(cell));
    }
  });
  if (who.name && !who.role && ROLE_WORDS.test(who.name) && !PERSON.test(who.name)) {
    who.role = who.name;
    delete who.name;
  }
  return withReach(who, reach);
}

const LEVEL = /^(?:l|p|sev|tier|level|step)?\s*-?\s*\d+\.?$/i;

/** Copies the ways to reach that `into` does not have yet. */
export function mergeReach(into: Reach, from: Reach): void {
  if (from.phone && !into.phone) into.phone = from.phone;
  if (from.email && !into.email) into.email = from.email;
  if (from.handle && !into.handle) into.handle = from.handle;
}

/** True when the contact gives at least one way to reach them. */
export function isReachable(contact: Omit<Contact, 'line'>): boolean {
  return Boolean(contact.phone || contact.email || contact.handle);
}

// ROLE_WORDS as whole words only: "Self-service" and "on-call-bot" are not roles.
const WHOLE_ROLE_WORD = new RegExp(
  `(?<![-\\w])(?:${ROLE_WORDS.source.replace(/^\\b|\\b$/g, '')})(?![-\\w])`,
  'i',
);
// The names of ways to reach, which a method column or a symptom list holds: never a person or role.
const METHOD_WORD =
  /^(?:pagerduty|opsgenie|phone|telephone|mobile|cell|pager|sms|text|e-?mail|mail|slack|teams|zoom|whatsapp|signal|ticket|jira|call|page)$/i;

/**
 * True when an entry names a person ("Priya Nair") or a role ("Backup DBA", "Payments team"): only
 * those are worth a diagnostic when nobody can reach them. Symptoms ("5xx above 1%"), channels
 * ("Automated alerts to #releases"), "Self-service" and method words ("PagerDuty", "Phone") are not.
 */
export function namesWho(contact: Omit<Contact, 'line'>): boolean {
  return [contact.name, contact.role].some(
    (who) =>
      who !== undefined &&
      !METHOD_WORD.test(who.trim()) &&
      !/[#%<>=\d]/.test(who) &&
      (PERSON.test(who) || WHOLE_ROLE_WORD.test(who)),
  );
}

/** Contacts with different roles are different contacts, even under one name; a missing role matches any. */
export function sameRoles(a: Omit<Contact, 'line'>, b: Omit<Contact, 'line'>): boolean {
  const fold = (s: string | undefined) => (s ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  return !a.role || !b.role || fold(a.role) === fold(b.role);
}

/** The key two mentions of one contact share: the name, else the role, case-folded. */
export function contactKey(contact: Omit<Contact, 'line'>): string {
  return (contact.name ?? contact.role ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
}
