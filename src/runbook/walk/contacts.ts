// Contacts as the walk meets them in contact sections: list items ("Role: Name, phone"), a person's
// heading or bold line followed by one bullet per way to reach them, and escalation lists.
import type { List, ListItem, Nodes, Paragraph } from 'mdast';
import {
  isMethodBullet,
  looksLikeContactEntry,
  readContactGroup,
  readContactText,
} from '../contact-items.js';
import { columnOf, lineOf, plainText, splitLines } from '../markdown.js';
import { pseudoHeadings } from '../sections.js';
import type { PendingWho, WalkState } from './state.js';
import type { RawContact } from './types.js';

// A bold label about the ways to reach, never a person: "Contact Methods", "Contact details", "How to reach".
const REACH_LABEL =
  /^(?:(?:primary\s+|preferred\s+)?contact(?:\s+(?:methods?|info(?:rmation)?|details|channels?|options?))?|how\s+to\s+reach(?:\s+them)?|ways?\s+to\s+reach|reach(?:\s+via)?|methods?|channels?|details|info)$/i;

/**
 * "### Jane Roe" or "**Platform on-call**" and then "- Phone: …", "- Slack: @…": one contact. A bold
 * label right under a heading names the person unless it only says how to reach (REACH_LABEL), or is
 * shared by several headings (settled at the end of the walk, see settleSharedLabels).
 */
export function addContactGroup(state: WalkState, who: PendingWho, list: List): boolean {
  const bullets = list.children.map(itemText);
  if (!bullets.length || !bullets.every(isMethodBullet)) return false;
  const read = (text: string, at: Nodes): RawContact => ({
    contact: readContactGroup(text, bullets),
    text,
    line: lineOf(at),
    column: columnOf(at),
    structured: true,
  });
  const { heading } = who;
  if (heading && REACH_LABEL.test(who.text.trim())) {
    state.result.contacts.push(read(heading.text, heading.node));
    return true;
  }
  const raw = read(who.text, who.node);
  state.result.contacts.push(raw);
  if (heading) {
    state.labelled.push({ raw, label: foldLabel(who.text), underHeading: read(heading.text, heading.node) });
  }
  return true;
}

/** One bold label under several headings is a label: each heading is then the person or role. */
export function settleSharedLabels(state: WalkState): void {
  const headingsOf = new Map<string, Set<string>>();
  for (const { label, underHeading } of state.labelled) {
    const set = headingsOf.get(label) ?? new Set();
    set.add(foldLabel(underHeading.text));
    headingsOf.set(label, set);
  }
  for (const { raw, label, underHeading } of state.labelled) {
    if ((headingsOf.get(label)?.size ?? 0) > 1) Object.assign(raw, underHeading);
  }
}

function foldLabel(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A paragraph that is one bold line ("**Platform on-call:**"): who the next list may reach. */
export function boldLine(
  state: WalkState,
  paragraph: Paragraph,
  before: PendingWho | null,
): PendingWho | null {
  const titles = splitLines(paragraph.children).length === 1 ? pseudoHeadings(state.source, paragraph) : [];
  const text = titles.length === 1 ? plainText(paragraph.children).replace(/\s*:\s*$/, '') : '';
  if (!text) return null;
  const heading = before?.node.type === 'heading' ? { text: before.text, node: before.node } : undefined;
  return heading ? { text, node: paragraph, heading } : { text, node: paragraph };
}

/**
 * Adds the contact a list item of a contact section names. Returns the item's nested list of ways to
 * reach when it has one: that list is read here, not walked.
 */
export function addItemContact(
  state: WalkState,
  item: ListItem,
  own: readonly Paragraph[],
  text: string,
): List | undefined {
  const methods = methodList(item);
  const contact = methods
    ? readContactGroup(text, methods.children.map(itemText))
    : readContactText(text, boldLead(own[0]));
  const raw: RawContact = {
    contact,
    text,
    line: lineOf(item),
    column: columnOf(item),
    // "Role: someone" or a person's name: meant as a contact, so say when nobody can reach it.
    structured: looksLikeContactEntry(text) || Boolean(contact.name),
  };
  state.result.contacts.push(raw);
  const list = state.listOfItem.get(item);
  if (state.flags.escalation && list?.ordered === true) pushEscalation(state, list, raw);
  return methods;
}

function pushEscalation(state: WalkState, list: List, raw: RawContact): void {
  const { escalation } = state.result;
  if (list !== state.lastEscalationList || !escalation.length) escalation.push([]);
  state.lastEscalationList = list;
  escalation[escalation.length - 1]?.push(raw);
}

/** An item's own text: its paragraphs, markup removed. */
export function itemText(item: ListItem): string {
  return item.children
    .filter((c): c is Paragraph => c.type === 'paragraph')
    .map((p) => plainText(p.children))
    .join('\n')
    .trim();
}

/** An item's nested list that only gives ways to reach the item's person. */
function methodList(item: ListItem): List | undefined {
  const list = item.children.find((c): c is List => c.type === 'list');
  return list?.children.length && list.children.every((i) => isMethodBullet(itemText(i))) ? list : undefined;
}

/** The item's leading bold text ("**Payments escalation contact:** …"), which names the role whole. */
function boldLead(paragraph: Paragraph | undefined): string | undefined {
  const lead = paragraph?.children.find((c) => !(c.type === 'text' && !c.value.trim()));
  return lead?.type === 'strong' ? plainText(lead.children) : undefined;
}
