// Who is who in Slack: approvers of a role and contacts to page, from the directory, ids in the
// runbook and email look-ups (cached: Slack rate-limits them, and they rarely change).
import type { Directory } from '../../directory/schema.js';
import { findPerson, findRole } from '../../directory/schema.js';
import type { Contact, Runbook } from '../../runbook/index.js';
import type { EscalationContact, EscalationPolicy } from '../../runs/index.js';
import type { SlackWriter } from '../outbound/slack-writer.js';
import { resolveOwners } from './resolve-owners.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
const TTL_MS = 60 * 60 * 1000;

/** Creates the resolver over the writer (for users.lookupByEmail and usergroups.users.list). */
export function createPeopleResolver(writer: SlackWriter, getDirectory: () => Directory) {
  const cache = new Map<string, { value: string[]; at: number }>();

  async function cached(key: string, load: () => Promise<string[]>): Promise<string[]> {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = await load();
    cache.set(key, { value, at: Date.now() });
    return value;
  }

  async function byEmail(email: string): Promise<string | null> {
    const [id] = await cached(`email:${email.toLowerCase()}`, async () => {
      try {
        const res = await writer.reads.userByEmail(email);
        return res.user?.id ? [res.user.id] : [];
      } catch {
        return [];
      }
    });
    return id ?? null;
  }

  /** A user group's id: given as `S…`, or found by its handle (`@sre-team`) with usergroups.list. */
  async function groupId(group: string): Promise<string | null> {
    if (/^S[A-Z0-9]+$/.test(group)) return group;
    const handle = group.replace(/^@/, '');
    const [id] = await cached(`group-id:${handle}`, async () => {
      try {
        const res = await writer.reads.usergroups();
        const found = res.usergroups?.find((g) => g.handle === handle);
        return found ? [found.id] : [];
      } catch {
        return [];
      }
    });
    return id ?? null;
  }

  async function groupMembers(group: string): Promise<string[]> {
    const id = await groupId(group);
    if (!id) return [];
    return cached(`group:${id}`, async () => {
      try {
        const res = await writer.reads.usergroupMembers(id);
        return res.users ?? [];
      } catch {
        return [];
      }
    });
  }

  /** Users who may sign a role, or null when the directory does not map it (then anyone but the starter). */
  async function approversOf(role: string): Promise<string[] | null> {
    const mapped = findRole(getDirectory(), role);
    if (!mapped) return null;
    const ids = await Promise.all(mapped.users.map((u) => (USER_ID.test(u) ? u : byEmail(u))));
    const groups = await Promise.all(mapped.groups.map(groupMembers));
    return [...new Set([...ids.filter((x): x is string => x !== null), ...groups.flat()])];
  }

  /** The Slack user of a runbook contact, or null when only a phone reaches them. */
  async function slackUserOf(contact: Omit<Contact, 'line'>): Promise<string | null> {
    const directory = getDirectory();
    for (const key of [contact.handle, contact.name, contact.email, contact.role]) {
      const id = key ? findPerson(directory, key) : undefined;
      if (id) return id;
    }
    const mention = contact.handle ? MENTION.exec(contact.handle)?.[1] : undefined;
    if (mention) return mention;
    return contact.email ? byEmail(contact.email) : null;
  }

  /** The contacts to page, in the runbook's escalation order or the order listed. */
  async function escalationContacts(runbook: Runbook): Promise<EscalationContact[]> {
    const label = (c: Omit<Contact, 'line'>) => c.name ?? c.role ?? c.email ?? c.handle ?? c.phone ?? '?';
    const ordered = runbook.escalationOrder
      ? [
          ...runbook.escalationOrder
            .map((name) => runbook.contacts.find((c) => c.name === name || c.role === name))
            .filter((c): c is Contact => c !== undefined),
          ...runbook.contacts.filter((c) => !runbook.escalationOrder?.includes(label(c))),
        ]
      : runbook.contacts;
    return Promise.all(
      ordered.map(async (c) => ({
        label: label(c),
        slackUserId: await slackUserOf(c),
        phone: c.phone ?? null,
      })),
    );
  }

  /** Timeout and rounds: the runbook's front matter first, then the directory, then 5 minutes, one round. */
  function escalationPolicy(runbook: Runbook): EscalationPolicy {
    const directory = getDirectory();
    return {
      timeoutMinutes: runbook.frontMatter.escalationTimeoutMinutes ?? directory.escalation.timeoutMinutes,
      rounds: directory.escalation.rounds,
    };
  }

  /** Approvals needed per approval id: the larger of the runbook's and the directory's quorum. */
  function quorum(runbook: Runbook): Record<string, number> {
    const directory = getDirectory();
    return Object.fromEntries(
      runbook.approvals.map((a) => [a.id, Math.max(a.required, findRole(directory, a.role)?.required ?? 1)]),
    );
  }

  /** The runbook's owners as Slack users where they can be found. */
  const owners = (runbook: Runbook) => resolveOwners(runbook, getDirectory(), byEmail);

  return { approversOf, escalationContacts, escalationPolicy, quorum, owners };
}

/** The resolver's type. */
export type PeopleResolver = ReturnType<typeof createPeopleResolver>;
