// Reads people and ways to reach them out of table cells and list-item text.
import type { Contact } from './model.js';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const HANDLE =
  /<@[A-Z0-9]+(?:\|[^>]*)?>|(?<![\w.@])@[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9_]|(?<![\w.@])@[A-Za-z0-9]/;
const PHONE = /(?<![\w.])(?:\+|\(\+?)?\d[\d\s().\-/]{5,}\d(?:\s*(?:x|ext\.?)\s*\d+)?/;
const DATE_LIKE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/;

/** Text that stands for "nobody yet": neither a name nor a way to reach anyone. */
export const PLACEHOLDER =
  /^\s*(?:tbd|tba|tbc|n\/?a|none|unknown|todo|pending|\?+|-+|—|–|_+|\[[^\]]*\]|<[^>]*>|\{[^}]*\}|x+)\s*$/i;

const ROLE_WORDS =
  /\b(?:lead|leads|engineer|manager|owner|on-?call|primary|secondary|tertiary|dba|sre|ops|devops|support|team|admin|administrator|director|head|captain|commander|developer|architect|vp|cto|ceo|cfo|ciso|officer|security|backup|escalation|vendor|provider|desk|service|hotline|infra|infrastructure|platform|database|network|incident|duty|rotation|responder|specialist|analyst|coordinator|representative|product|customer|success|sales|legal|finance|qa|release|engineering)\b/i;
const PERSON =
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

const LABELS =
  /\b(?:phone|tel|telephone|mobile|cell|pager|e-?mail|mail|slack|handle|contact|reach)\b\s*[:=-]?/gi;

function tidy(text: string): string {
  return text
    .replace(/\(\s*[,;/|]*\s*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:|/–—-]+|[\s,;:|/–—(-]+$/g, '')
    .trim();
}

function isPlaceholder(text: string): boolean {
  return text.trim() === '' || PLACEHOLDER.test(text);
}

/** Sorts free text into a role and a name: "Rafael Mendes" is a name, "DBA secondary" a role. */
function classify(parts: string[]): { role?: string; name?: string } {
  const out: { role?: string; name?: string } = {};
  for (const part of parts.map(tidy).filter((p) => !isPlaceholder(p))) {
    if (!out.name && PERSON.test(part) && !ROLE_WORDS.test(part)) out.name = part;
    else if (!out.role) out.role = part;
    else if (!out.name) out.name = part;
  }
  return out;
}

/** A contact candidate read from one list item's text (markup already removed). */
export function readContactText(text: string): Omit<Contact, 'line'> {
  const firstLine = text.split('\n').find((l) => l.trim()) ?? '';
  const reach = readReach(text);
  const rest = reach.rest.replace(LABELS, ' ').replace(/\[[^\]]*\]/g, ' ');
  let who: { role?: string; name?: string };
  const colon = firstLine.includes(':') ? rest.indexOf(':') : -1;
  if (colon > 0) {
    const left = tidy(rest.slice(0, colon));
    const right = rest.slice(colon + 1).split(/\n/)[0] ?? '';
    const named = classify(splitParts(right));
    who = { ...(isPlaceholder(left) ? {} : { role: left }) };
    const name = named.name ?? named.role;
    if (name) who.name = name;
  } else {
    who = classify(splitParts(rest.split('\n')[0] ?? ''));
  }
  return withReach(who, reach);
}

function splitParts(text: string): string[] {
  // "Name (Role)" and "Name — Role, more" both split into their parts.
  return text
    .split(/\s*[()]\s*|\s+[–—-]\s+|\s*[,;|]\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
}

function withReach(who: { role?: string; name?: string }, reach: Reach): Omit<Contact, 'line'> {
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
      if (text && !isPlaceholder(text) && !who[kind]) who[kind] = text;
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

function mergeReach(into: Reach, from: Reach): void {
  if (from.phone && !into.phone) into.phone = from.phone;
  if (from.email && !into.email) into.email = from.email;
  if (from.handle && !into.handle) into.handle = from.handle;
}

/** True when the contact gives at least one way to reach them. */
export function isReachable(contact: Omit<Contact, 'line'>): boolean {
  return Boolean(contact.phone || contact.email || contact.handle);
}

/** The key two mentions of one contact share: the name, else the role, case-folded. */
export function contactKey(contact: Omit<Contact, 'line'>): string {
  return (contact.name ?? contact.role ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
}

const IMPERATIVE =
  /^(?:check|verify|run|test|review|ensure|confirm|see|read|use|update|deploy|monitor|open|ask|make|set|start|stop|restart|create|delete|remove|add|install|apply|validate|inspect|look)\b/i;

/** True for "Role: someone" text that is meant as a contact entry, even when nobody can be reached. */
export function looksLikeContactEntry(text: string): boolean {
  const line = text.split('\n')[0] ?? '';
  const colon = line.indexOf(':');
  if (colon <= 0) return false;
  const left = line.slice(0, colon).trim();
  const right = line.slice(colon + 1).trim();
  if (left.split(/\s+/).length > 5 || IMPERATIVE.test(left)) return false;
  return ROLE_WORDS.test(left) || PERSON.test(right) || isPlaceholder(right);
}
