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
import type { WalkState } from './state.js';
import type { RawContact } from './types.js';

/** "### Jane Roe" or "**Platform on-call**" and then "- Phone: …", "- Slack: @…": one contact. */
export function addContactGroup(state: WalkState, who: string, list: List, at: Nodes): boolean {
  const bullets = list.children.map(itemText);
  if (!bullets.length || !bullets.every(isMethodBullet)) return false;
  const contact = readContactGroup(who, bullets);
  state.result.contacts.push({
    contact,
    text: who,
    line: lineOf(at),
    column: columnOf(at),
    structured: true,
  });
  return true;
}

/** A paragraph that is one bold line ("**Platform on-call:**"): who the next list may reach. */
export function boldLine(state: WalkState, paragraph: Paragraph): { text: string; node: Nodes } | null {
  const titles = splitLines(paragraph.children).length === 1 ? pseudoHeadings(state.source, paragraph) : [];
  const text = titles.length === 1 ? plainText(paragraph.children).replace(/\s*:\s*$/, '') : '';
  return text ? { text, node: paragraph } : null;
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
