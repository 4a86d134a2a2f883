// Who is in the playground workspace: a deployer, everyone the directory lets approve, its admins and
// the runbooks' contacts, with names from the directory. Also what the embedded Slack must know about
// them (emails for users.lookupByEmail, names for users.info).
import type { Directory } from '../directory/schema.js';
import { findPerson } from '../directory/schema.js';
import type { FakeUserProfile } from '../fake-slack/fake-slack.js';
import type { Contact } from '../runbook/model.js';

/** One person the page can switch to. */
export interface PlaygroundPerson {
  id: string;
  name: string;
  /** What they are here: `deployer`, `SRE approver`, `contact: k8s-service-rollout`, `admin`. */
  roles: string[];
}

/** The people, and the embedded Slack's directory options for them. */
export interface PlaygroundPeople {
  people: PlaygroundPerson[];
  emails: Record<string, string>;
  users: Record<string, FakeUserProfile>;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const DEPLOYER: PlaygroundPerson = { id: 'U0DEPLOY', name: 'Dana Deployer', roles: ['deployer'] };

/** A made-up Slack id for an email nobody maps: `U0` and the first letters of its local part. */
export function idForEmail(email: string): string {
  const local = (email.split('@')[0] ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return `U0${local.slice(0, 7) || 'PERSON'}`;
}

/** Gathers the people from the directory and the runbooks' contacts (by runbook name). */
export function playgroundPeople(
  directory: Directory,
  contacts: Record<string, Contact[]>,
): PlaygroundPeople {
  const byId = new Map<string, PlaygroundPerson>([
    [DEPLOYER.id, { ...DEPLOYER, roles: [...DEPLOYER.roles] }],
  ]);
  const emails: Record<string, string> = {};
  const names = namesFromDirectory(directory);
  const add = (id: string, role: string, name?: string) => {
    const person = byId.get(id) ?? { id, name: names.get(id) ?? name ?? '', roles: [] };
    if (!person.roles.includes(role)) person.roles.push(role);
    byId.set(id, person);
  };
  const resolve = (ref: string): string => {
    if (USER_ID.test(ref)) return ref;
    const id = findPerson(directory, ref) ?? emails[ref.toLowerCase()] ?? idForEmail(ref);
    emails[ref.toLowerCase()] = id;
    return id;
  };
  const nameOf = (ref: string) => (EMAIL.test(ref) ? nameFromEmail(ref) : undefined);
  for (const role of Object.values(directory.roles))
    for (const user of role.users) add(resolve(user), `${role.name} approver`, nameOf(user));
  for (const admin of directory.admins) add(resolve(admin), 'admin', nameOf(admin));
  for (const [runbook, list] of Object.entries(contacts)) {
    for (const contact of list) {
      const id = contactId(directory, contact, resolve);
      if (!id) continue;
      add(id, `contact: ${runbook}`, contact.name);
      if (contact.email && EMAIL.test(contact.email)) emails[contact.email.toLowerCase()] = id;
    }
  }
  // Someone known only by an id is named after what they are here, as evenly as the others.
  const people = [...byId.values()].map((p) => (p.name ? p : { ...p, name: nameFromRole(p) }));
  const users = Object.fromEntries(people.map((p) => [p.id, { real_name: p.name, name: slug(p.name) }]));
  return { people, emails, users };
}

/** The id the bot will find for a contact (directory name or handle, mention, email), if any. */
function contactId(directory: Directory, contact: Contact, resolve: (ref: string) => string): string | null {
  const mention = /^<@([UW][A-Z0-9]+)>$/.exec(contact.handle ?? '')?.[1];
  if (mention) return mention;
  for (const ref of [contact.handle, contact.name]) {
    const id = ref ? findPerson(directory, ref) : undefined;
    if (id) return id;
  }
  return contact.email && EMAIL.test(contact.email) ? resolve(contact.email) : null;
}

/** id → the first directory `people` key that is a name (not a handle or an email). */
function namesFromDirectory(directory: Directory): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, id] of Object.entries(directory.people)) {
    if (!key.startsWith('@') && !EMAIL.test(key) && !names.has(id)) names.set(id, key);
  }
  return names;
}

/** `sre.lead@example.com` → `Sre Lead`. */
function nameFromEmail(email: string): string {
  const words = (email.split('@')[0] ?? '').split(/[._+-]+/).filter(Boolean);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ') || email;
}

/** `U0ADMIN1` with the role `admin` → `Admin (U0ADMIN1)`. */
function nameFromRole(person: PlaygroundPerson): string {
  const role = (person.roles[0] ?? 'someone').replace(/^contact: .*/, 'contact');
  return `${role.charAt(0).toUpperCase()}${role.slice(1)} (${person.id})`;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.|\.$/g, '') || 'someone'
  );
}
