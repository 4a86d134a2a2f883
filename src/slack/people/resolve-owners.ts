// The owners of a runbook as Slack users: a mention or user id as written, a name or handle the
// directory's `people` maps, a runbook contact of that name (by its handle or email), or a role the
// directory maps to exactly one person. Anyone else stays a label (shown, never mentioned).
import type { Directory } from '../../directory/schema.js';
import { findPerson, findRole } from '../../directory/schema.js';
import type { Runbook } from '../../runbook/index.js';
import type { RunOwner } from '../../runs/index.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

/** The runbook's owners per phase or step id. */
export async function resolveOwners(
  runbook: Runbook,
  directory: Directory,
  byEmail: (email: string) => Promise<string | null>,
): Promise<Record<string, RunOwner>> {
  const entries = await Promise.all(
    (runbook.owners ?? []).map(async (o) => {
      const owner: RunOwner = {
        label: o.who,
        userId: await userOf(o.who, runbook, directory, byEmail),
        by: null,
        at: null,
      };
      return [o.id, owner] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function userOf(
  who: string,
  runbook: Runbook,
  directory: Directory,
  byEmail: (email: string) => Promise<string | null>,
): Promise<string | null> {
  if (USER_ID.test(who)) return who;
  const mention = MENTION.exec(who)?.[1];
  if (mention) return mention;
  const person = findPerson(directory, who);
  if (person) return person;
  const fold = (s: string | undefined) => (s ?? '').toLowerCase().trim();
  const contact = runbook.contacts.find((c) =>
    [c.name, c.handle, c.role].some((k) => k && fold(k) === fold(who)),
  );
  for (const key of [contact?.handle, contact?.name, contact?.email]) {
    const id = key ? findPerson(directory, key) : undefined;
    if (id) return id;
  }
  const email = contact?.email ?? (who.includes('@') && !who.startsWith('@') ? who : null);
  if (email) {
    const id = await byEmail(email);
    if (id) return id;
  }
  const role = findRole(directory, who);
  const only = role?.users.length === 1 && role.groups.length === 0 ? role.users[0] : undefined;
  return only && USER_ID.test(only) ? only : null;
}
