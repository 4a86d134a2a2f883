// The directory file: who is who. Maps the approval roles and people named in runbooks to Slack,
// and holds the escalation settings. Validated here, once, into a normalised `Directory`.
import { z } from 'zod';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_GROUP_ID = /^S[A-Z0-9]{2,}$/;
const GROUP_HANDLE = /^@[a-z0-9][a-z0-9._-]*$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Escalation defaults: five minutes to acknowledge, one pass through the contacts. */
export const DEFAULT_ESCALATION = { timeoutMinutes: 5, rounds: 1 } as const;

const WHOLE_AT_LEAST_1 = 'must be a whole number ≥ 1';

/** A strict object whose unknown keys are reported with the keys that are allowed. */
function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape, expected: string) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => `"${k}"`).join(', ');
        return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys} (allowed: ${allowed})`;
      }
      return issue.code === 'invalid_type' ? `must be ${expected}` : undefined;
    },
  });
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}

const slackUserId = z
  .string({ error: 'must be a Slack user id such as U0123ABCD' })
  .trim()
  .refine((v) => SLACK_USER_ID.test(v), {
    error: (issue) => `must be a Slack user id such as U0123ABCD, not ${quoted(issue.input)}`,
  });

const userRef = z
  .string({ error: 'must be a Slack user id (U0123ABCD) or an email address' })
  .trim()
  .refine((v) => SLACK_USER_ID.test(v) || EMAIL.test(v), {
    error: (issue) => `must be a Slack user id (U0123ABCD) or an email address, not ${quoted(issue.input)}`,
  });

const groupRef = z
  .string({ error: 'must be a user group handle (@sre-team) or id (S0123ABCD)' })
  .trim()
  .refine((v) => GROUP_HANDLE.test(v) || SLACK_GROUP_ID.test(v), {
    error: (issue) => `must be a user group handle (@sre-team) or id (S0123ABCD), not ${quoted(issue.input)}`,
  });

const list = <T extends z.ZodType>(item: T, example: string) =>
  z.array(item, { error: `must be a list, e.g. ${example}` }).default([]);

const roleObject = strictObject(
  {
    users: list(userRef, '[U0123ABCD, lead@example.com]'),
    groups: list(groupRef, "['@sre-team']"),
    required: z
      .number({ error: WHOLE_AT_LEAST_1 })
      .int({ error: WHOLE_AT_LEAST_1 })
      .min(1, { error: WHOLE_AT_LEAST_1 })
      .default(1),
  },
  'a list of users, or a mapping with users, groups and required',
).superRefine((role, ctx) => {
  const users = new Set(role.users).size;
  if (users === 0 && role.groups.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'lists nobody: give at least one user or group', path: [] });
  } else if (role.groups.length === 0 && role.required > users) {
    ctx.addIssue({
      code: 'custom',
      path: ['required'],
      message: `needs ${role.required} approvals but the role lists only ${users} user${users === 1 ? '' : 's'}`,
    });
  }
});

/** A role given as a bare list (`SRE: [U1, U2]`) is the same as `SRE: { users: [U1, U2] }`. */
const roleSchema = z.preprocess((value) => (Array.isArray(value) ? { users: value } : value), roleObject);

/** Case- and space-insensitive form of a role, person or handle name. */
export function foldName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A record whose keys must stay distinct once case and spacing are folded. */
function foldedRecord<T extends z.ZodType>(value: T, what: string) {
  return z
    .record(
      z
        .string()
        .trim()
        .min(1, { error: `${what} names must not be empty` }),
      value,
      {
        error: `must be a mapping of ${what} names`,
      },
    )
    .superRefine((record, ctx) => {
      const seen = new Map<string, string>();
      for (const key of Object.keys(record)) {
        const first = seen.get(foldName(key));
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `same ${what} as "${first}" (${what} names are case-insensitive)`,
          });
        } else seen.set(foldName(key), key);
      }
    })
    .default({});
}

const escalationSchema = strictObject(
  {
    // Whole minutes: the escalation's timeout is stored as an integer (a fraction would make the
    // rollback fail to start long after this file was accepted).
    timeout_minutes: z
      .number({ error: 'must be a whole number of minutes from 1 to 1440' })
      .int({ error: 'must be a whole number of minutes from 1 to 1440' })
      .min(1, { error: 'must be a whole number of minutes from 1 to 1440' })
      .max(1440, { error: 'must be a whole number of minutes from 1 to 1440' })
      .default(DEFAULT_ESCALATION.timeoutMinutes),
    rounds: z
      .number({ error: 'must be a whole number from 1 to 10' })
      .int({ error: 'must be a whole number from 1 to 10' })
      .min(1, { error: 'must be a whole number from 1 to 10' })
      .max(10, { error: 'must be a whole number from 1 to 10' })
      .default(DEFAULT_ESCALATION.rounds),
  },
  'a mapping with timeout_minutes and rounds',
).prefault({});

const pagerdutySchema = strictObject(
  {
    routing_key_env: z
      .string({ error: 'must name an environment variable such as PAGERDUTY_ROUTING_KEY' })
      .regex(/^PAGERDUTY_[A-Z0-9_]+$/, {
        error:
          'must name an environment variable starting with PAGERDUTY_ (the key itself never goes in this file)',
      }),
    trigger_on: z
      .array(z.enum(['exhausted', 'rollback'], { error: 'must be exhausted or rollback' }))
      .min(1, { error: 'must list exhausted, rollback or both' })
      .default(['exhausted']),
  },
  'a mapping with routing_key_env and trigger_on',
)
  .transform((p) => ({ routingKeyEnv: p.routing_key_env, triggerOn: [...new Set(p.trigger_on)] }))
  .nullable()
  .default(null);

/** The directory file as written (snake_case keys), turned into a normalised `Directory`. */
export const directorySchema = z.preprocess(
  // An empty file is an empty directory.
  (value) => value ?? {},
  strictObject(
    {
      roles: foldedRecord(roleSchema, 'role'),
      people: foldedRecord(slackUserId, 'person'),
      escalation: escalationSchema,
      admins: list(userRef, '[U0123ABCD]'),
      allow_self_approval: z.boolean({ error: 'must be true or false' }).default(false),
      pagerduty: pagerdutySchema,
    },
    'a mapping with roles, people, escalation, admins, allow_self_approval and pagerduty',
  ).transform((file) => ({
    roles: Object.fromEntries(
      Object.entries(file.roles).map(([name, role]) => [
        name,
        { name, users: [...new Set(role.users)], groups: [...new Set(role.groups)], required: role.required },
      ]),
    ),
    people: file.people,
    escalation: { timeoutMinutes: file.escalation.timeout_minutes, rounds: file.escalation.rounds },
    admins: [...new Set(file.admins)],
    allowSelfApproval: file.allow_self_approval,
    /** The PagerDuty hand-off, when the directory asks for one. */
    pagerduty: file.pagerduty,
  })),
);

/** Who is who: approval roles, people, escalation settings and admins, normalised. */
export type Directory = z.output<typeof directorySchema>;

/** One approval role: who may approve (users by Slack id or email, user groups) and how many must. */
export type DirectoryRole = Directory['roles'][string];

/** A directory with nothing in it and every default: what the bot uses when there is no file. */
export function createEmptyDirectory(): Directory {
  return directorySchema.parse({});
}

/** The role with this name, ignoring case and spacing (`release  Captain` finds `Release captain`). */
export function findRole(directory: Directory, name: string): DirectoryRole | undefined {
  const wanted = foldName(name);
  return Object.values(directory.roles).find((role) => foldName(role.name) === wanted);
}

/** The Slack user id the directory gives for a name, handle or email used in a runbook. */
export function findPerson(directory: Directory, nameOrHandle: string): string | undefined {
  const wanted = foldName(nameOrHandle);
  for (const [key, userId] of Object.entries(directory.people)) if (foldName(key) === wanted) return userId;
  return undefined;
}
