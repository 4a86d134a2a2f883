// Reads a contact out of a list item's text: "**Role:** Name — phone", "Name (Role), email",
// "Role: instructions, phone …", and a person followed by one bullet per way to reach them.
import {
  isPlaceholder,
  isReachable,
  mergeReach,
  PERSON,
  type Reach,
  ROLE_WORDS,
  readReach,
  tidy,
  unbracket,
  withReach,
} from './contacts.js';
import type { Contact } from './model.js';

type Who = { role?: string; name?: string };

// Words that say which way to reach someone, not who they are.
const LABELS = /\b(?:phone|tel|telephone|mobile|cell|pager|e-?mail|mail|slack|handle|reach)\b\s*[:=-]?/gi;
// A label that names a way to reach ("Phone", "Duty phone", "Slack channel"), never a role.
const METHOD_LABEL =
  /\b(?:phone|tel|telephone|mobile|cell|pager|sms|e-?mail|mail|slack|handle|whatsapp|signal|teams|pagerduty|opsgenie)(?:\s+(?:number|no\.?|address|channel|handle|id))?\s*$/i;
// One bullet per way to reach: "Phone: …", "Slack: @…", "Email: …".
const METHOD_BULLET =
  /^\s*(?:phone|tel|telephone|mobile|cell|pager|sms|text|whatsapp|signal|e-?mail|mail|slack|handle|teams|pagerduty|opsgenie)\b[^:\n]{0,24}:/i;
// A masked number ("+1-XXX-XXX-XXXX") or a fill-in line: placeholders, neither a name nor a phone.
const MASKED = /[+(]?[\dX][\dX\s().-]*X[\dX\s().-]*X[\dX\s().-]*X[\dX().-]*|_{3,}/gi;
const IMPERATIVE =
  /^(?:check|verify|run|test|review|ensure|confirm|see|read|use|update|deploy|monitor|open|ask|make|set|start|stop|restart|create|delete|remove|add|install|apply|validate|inspect|look|file|call|page|email|ping|contact|raise|escalate|post|send|notify)\b/i;

/** A short label that can stand for who someone is ("Platform team"), not a sentence or a symptom. */
function looksLikeWho(text: string): boolean {
  const words = text.split(/\s+/);
  return (
    words.length <= 4 &&
    /^[\p{L}@]/u.test(text) &&
    !/[\d%<>=/\\]/.test(text) &&
    !IMPERATIVE.test(text) &&
    !isPlaceholder(text)
  );
}

function splitParts(text: string): string[] {
  // "Name (Role)" and "Name — Role, more" both split into their parts.
  return text
    .split(/\s*[()]\s*|\s+[–—-]\s+|\s*[,;|]\s*/)
    .map((p) => tidy(p))
    .filter((p) => p && !isPlaceholder(p));
}

/** Sorts free text into a role and a name: "Rafael Mendes" is a name, "DBA secondary" a role. */
function classify(parts: readonly string[]): Who {
  const out: Who = {};
  for (const part of parts) {
    if (!out.name && PERSON.test(part) && !ROLE_WORDS.test(part)) out.name = part;
    else if (!out.role && looksLikeWho(part)) out.role = part;
  }
  return out;
}

/** The name in what follows a role: a person's name, else a short label; never an instruction. */
function nameAfterRole(text: string): string | undefined {
  const parts = splitParts(text);
  return (
    parts.find((p) => PERSON.test(p) && !ROLE_WORDS.test(p)) ??
    (parts[0] && looksLikeWho(parts[0]) ? parts[0] : undefined)
  );
}

function strip(text: string): string {
  return unbracket(text.replace(MASKED, ' '));
}

/** Who a "Left: right" or "Left — right" entry names, given its left label. */
function whoOfLabel(label: string, right: string): Who {
  const left = tidy(label.replace(/:\s*$/, ''));
  if (!left || isPlaceholder(left) || METHOD_LABEL.test(left)) return classify(splitParts(right));
  // A label that is a person's name ("**Jane Roe** — payments lead"): the rest may give the role.
  if (PERSON.test(left) && !ROLE_WORDS.test(left)) {
    const role = splitParts(right).find(looksLikeWho);
    return role ? { name: left, role } : { name: left };
  }
  const name = nameAfterRole(right);
  return name ? { role: left, name } : { role: left };
}

/**
 * A contact candidate read from one list item's text (markup already removed). `label` is the
 * item's leading bold text, when it has one: it names the role whole.
 */
export function readContactText(text: string, label?: string): Omit<Contact, 'line'> {
  const reach = readReach(strip(text));
  const firstLine = reach.rest.split('\n').find((l) => l.trim()) ?? '';
  const bold = label?.trim();
  if (bold && firstLine.trimStart().startsWith(bold)) {
    const right = firstLine.trimStart().slice(bold.length).replace(LABELS, ' ');
    return withReach(whoOfLabel(bold, right), reach);
  }
  const colon = firstLine.indexOf(':');
  if (colon > 0) {
    const right = firstLine.slice(colon + 1).replace(LABELS, ' ');
    return withReach(whoOfLabel(firstLine.slice(0, colon), right), reach);
  }
  return withReach(classify(splitParts(firstLine.replace(LABELS, ' '))), reach);
}

/** True for a bullet that only gives one way to reach someone ("Phone: +1 555 0100", "@jroe"). */
export function isMethodBullet(text: string): boolean {
  if (METHOD_BULLET.test(text)) return true;
  const reach = readReach(text);
  return isReachable(withReach({}, reach)) && tidy(reach.rest.replace(LABELS, ' ')) === '';
}

/** One contact from a person's or role's label and the bullets that give their ways to reach. */
export function readContactGroup(who: string, bullets: readonly string[]): Omit<Contact, 'line'> {
  const reach: Reach = { rest: '' };
  for (const bullet of bullets) mergeReach(reach, readReach(strip(bullet)));
  const named = readContactText(who);
  return withReach(named, { ...reach, ...pick(named) });
}

function pick(contact: Omit<Contact, 'line'>): Partial<Reach> {
  const out: Partial<Reach> = {};
  if (contact.phone) out.phone = contact.phone;
  if (contact.email) out.email = contact.email;
  if (contact.handle) out.handle = contact.handle;
  return out;
}

// The verbs that make "Left: …" an instruction rather than "Role: someone".
const ENTRY_IMPERATIVE =
  /^(?:check|verify|run|test|review|ensure|confirm|see|read|use|update|deploy|monitor|open|ask|make|set|start|stop|restart|create|delete|remove|add|install|apply|validate|inspect|look)\b/i;

/** True for "Role: someone" text that is meant as a contact entry, even when nobody can be reached. */
export function looksLikeContactEntry(text: string): boolean {
  const line = text.split('\n')[0] ?? '';
  const colon = line.indexOf(':');
  if (colon <= 0) return false;
  const left = line.slice(0, colon).trim();
  const right = line.slice(colon + 1).trim();
  if (left.split(/\s+/).length > 5 || ENTRY_IMPERATIVE.test(left) || METHOD_LABEL.test(left)) return false;
  return ROLE_WORDS.test(left) || PERSON.test(right) || isPlaceholder(right);
}
