import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryResult, loadDirectory, parseDirectory } from '../../src/directory/load-directory.js';
import { type Directory, findPerson, findRole } from '../../src/directory/schema.js';
import { parseRunbook } from '../../src/runbook/index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploybot-directory-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
/** Writes a directory file into the temp folder and loads it from there. */
async function load(yaml: string): Promise<DirectoryResult> {
  const path = join(dir, `directory-${++fileCount}.yml`);
  await writeFile(path, yaml);
  return loadDirectory(path);
}

function directoryOf(result: DirectoryResult): Directory {
  if (!result.ok) throw new Error(`expected a valid directory, got:\n${result.errors.join('\n')}`);
  return result.directory;
}

function errorsOf(result: DirectoryResult): string[] {
  if (result.ok) throw new Error('expected the directory to be rejected');
  return result.errors;
}

const EXAMPLE = `roles:
  SRE:
    users: [U0SRE001, sre.lead@example.com]
    groups: ['@sre-team']
    required: 2
  Release captain: { users: [U0CAPT01] }
people:
  Ingrid Solberg: U0INGRID
  '@rmendes': U0RAFAEL
escalation:
  timeout_minutes: 5
  rounds: 2
admins: [U0ADMIN1]
allow_self_approval: false
`;

describe('loadDirectory', () => {
  it('reads a complete directory file into its normalised form', async () => {
    const directory = directoryOf(await load(EXAMPLE));
    expect(directory).toEqual({
      roles: {
        SRE: {
          name: 'SRE',
          users: ['U0SRE001', 'sre.lead@example.com'],
          groups: ['@sre-team'],
          required: 2,
        },
        'Release captain': { name: 'Release captain', users: ['U0CAPT01'], groups: [], required: 1 },
      },
      people: { 'Ingrid Solberg': 'U0INGRID', '@rmendes': 'U0RAFAEL' },
      escalation: { timeoutMinutes: 5, rounds: 2 },
      admins: ['U0ADMIN1'],
      allowSelfApproval: false,
      pagerduty: null,
    });
  });

  it('finds roles and people ignoring case and spacing', async () => {
    const directory = directoryOf(await load(EXAMPLE));
    expect(findRole(directory, 'sre')?.name).toBe('SRE');
    expect(findRole(directory, ' release   CAPTAIN ')?.users).toEqual(['U0CAPT01']);
    expect(findRole(directory, 'DBA')).toBeUndefined();
    expect(findPerson(directory, 'ingrid solberg')).toBe('U0INGRID');
    expect(findPerson(directory, '@RMendes')).toBe('U0RAFAEL');
    expect(findPerson(directory, 'Nobody')).toBeUndefined();
  });

  it('fills in the defaults', async () => {
    const directory = directoryOf(await load('roles:\n  SRE:\n    users: [U0SRE001]\n'));
    expect(directory.roles.SRE?.required).toBe(1);
    expect(directory.escalation).toEqual({ timeoutMinutes: 5, rounds: 1 });
    expect(directory.admins).toEqual([]);
    expect(directory.allowSelfApproval).toBe(false);
    expect(directoryOf(await load(''))).toEqual({
      roles: {},
      people: {},
      escalation: { timeoutMinutes: 5, rounds: 1 },
      admins: [],
      allowSelfApproval: false,
      pagerduty: null,
    });
  });

  it('reads the PagerDuty hand-off: the variable that holds the routing key, and when to trigger', async () => {
    const directory = directoryOf(
      await load('pagerduty:\n  routing_key_env: PAGERDUTY_PAYMENTS\n  trigger_on: [rollback, exhausted]\n'),
    );
    expect(directory.pagerduty).toEqual({
      routingKeyEnv: 'PAGERDUTY_PAYMENTS',
      triggerOn: ['rollback', 'exhausted'],
    });
    expect(
      directoryOf(await load('pagerduty:\n  routing_key_env: PAGERDUTY_KEY\n')).pagerduty?.triggerOn,
    ).toEqual(['exhausted']);
    const bad = await load('pagerduty:\n  routing_key_env: R0UTINGKEY123\n  trigger_on: [sometimes]\n');
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain('must name an environment variable starting with PAGERDUTY_');
    expect(JSON.stringify(bad)).toContain('must be exhausted or rollback');
  });

  it('accepts a role given as a bare list of users', async () => {
    const directory = directoryOf(
      await load('roles:\n  SRE: [U0SRE001, U0SRE002]\n  DBA:\n    - dba@example.com\n'),
    );
    expect(findRole(directory, 'SRE')).toEqual({
      name: 'SRE',
      users: ['U0SRE001', 'U0SRE002'],
      groups: [],
      required: 1,
    });
    expect(findRole(directory, 'dba')?.users).toEqual(['dba@example.com']);
  });

  it('rejects a quorum that is not a whole number of at least 1, with its path and line', async () => {
    for (const bad of ['0', '1.5', '-2', "'2'"]) {
      const errors = errorsOf(
        await load(`roles:\n  SRE:\n    users: [U0SRE001, U0SRE002]\n    required: ${bad}\n`),
      );
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/directory-\d+\.yml:4:15: roles\.SRE\.required: must be a whole number ≥ 1$/);
    }
  });

  it('rejects a quorum larger than the users a role lists', async () => {
    const errors = errorsOf(await load("roles:\n  'Release captain': { users: [U0CAPT01], required: 2 }\n"));
    expect(errors).toEqual([
      expect.stringMatching(
        /:2:\d+: roles\["Release captain"\]\.required: needs 2 approvals but the role lists only 1 user$/,
      ),
    ]);
    // With a user group the size is only known at run time, so the quorum is accepted.
    expect((await load("roles:\n  SRE: { groups: ['@sre-team'], required: 3 }\n")).ok).toBe(true);
  });

  it('rejects unknown keys, saying where they are and which keys are allowed', async () => {
    const nested = errorsOf(await load('roles:\n  SRE:\n    users: [U0SRE001]\n    quorum: 2\n'));
    expect(nested).toEqual([
      expect.stringMatching(/:4:5: roles\.SRE: unknown key "quorum" \(allowed: users, groups, required\)$/),
    ]);
    const top = errorsOf(await load('roles: {}\nescalation:\n  timeout: 5\nadmin: [U0ADMIN1]\n'));
    expect(top).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /:3:3: escalation: unknown key "timeout" \(allowed: timeout_minutes, rounds\)$/,
        ),
        expect.stringMatching(/:4:1: top level: unknown key "admin" \(allowed: roles, .*admins.*\)$/),
      ]),
    );
  });

  it('rejects values that are not Slack ids, emails or group handles', async () => {
    const errors = errorsOf(
      await load(
        'roles:\n  SRE:\n    users: [U0SRE001, bob]\n    groups: [sre-team]\npeople:\n  Ingrid: ingrid\n',
      ),
    );
    expect(errors).toEqual([
      expect.stringMatching(
        /:3:23: roles\.SRE\.users\[1\]: must be a Slack user id .* or an email address, not "bob"$/,
      ),
      expect.stringMatching(
        /:4:14: roles\.SRE\.groups\[0\]: must be a user group handle .*, not "sre-team"$/,
      ),
      expect.stringMatching(
        /:6:11: people\.Ingrid: must be a Slack user id such as U0123ABCD, not "ingrid"$/,
      ),
    ]);
  });

  it('rejects a role that lists nobody and role names that differ only in case', async () => {
    const errors = errorsOf(await load('roles:\n  SRE: []\n  DBA: [U0DBA001]\n  dba: [U0DBA002]\n'));
    expect(errors).toEqual([
      expect.stringMatching(/:2:8: roles\.SRE: lists nobody: give at least one user or group$/),
      expect.stringMatching(/:4:8: roles\.dba: same role as "DBA" \(role names are case-insensitive\)$/),
    ]);
  });

  it('reports YAML syntax errors with their line and column', async () => {
    const errors = errorsOf(
      await load('roles:\n  SRE:\n    users: [U0SRE001, U0SRE002\n  DBA: [U0DBA001]\n'),
    );
    expect(errors[0]).toMatch(/directory-\d+\.yml:4:3: YAML syntax error: /);
    const duplicate = errorsOf(await load('roles:\n  SRE: [U0SRE001]\n  SRE: [U0SRE002]\n'));
    expect(duplicate[0]).toMatch(/YAML syntax error: Map keys must be unique/);
  });

  it('treats a missing file as an empty directory only when the caller says it is optional', async () => {
    const missing = join(dir, 'no-such-directory.yml');
    expect(errorsOf(await loadDirectory(missing))).toEqual([`${missing}: no such file`]);
    const optional = directoryOf(await loadDirectory(missing, { optional: true }));
    expect(optional.roles).toEqual({});
    expect(errorsOf(await loadDirectory(dir, { optional: true }))).toEqual([`${dir}: not a file`]);
  });

  it('names the source it was given in its messages', () => {
    expect(parseDirectory('admins: U0ADMIN1\n', 'DIRECTORY_FILE')).toEqual({
      ok: false,
      errors: ['DIRECTORY_FILE:1:9: admins: must be a list, e.g. [U0123ABCD]'],
    });
  });
});

describe('the example directory, runbooks/directory.example.yml', () => {
  const runbooks = join(import.meta.dirname, '..', '..', 'runbooks');
  const examples = ['k8s-service-rollout', 'database-migration', 'feature-flag-rollout'];

  it('validates', async () => {
    const directory = directoryOf(await loadDirectory(join(runbooks, 'directory.example.yml')));
    expect(findRole(directory, 'SRE')?.required).toBe(2);
    expect(directory.escalation.timeoutMinutes).toBe(5);
  });

  it.each(examples)('maps every approval role and escalation contact of %s', async (name) => {
    const directory = directoryOf(await loadDirectory(join(runbooks, 'directory.example.yml')));
    const runbook = parseRunbook(await readFile(join(runbooks, `${name}.md`), 'utf8'), { fileName: name });
    expect(runbook.approvals.length).toBeGreaterThan(0);
    for (const approval of runbook.approvals)
      expect(findRole(directory, approval.role), approval.role).toBeDefined();
    for (const person of runbook.escalationOrder ?? [])
      expect(findPerson(directory, person), person).toBeDefined();
  });
});
