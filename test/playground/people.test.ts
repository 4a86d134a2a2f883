// Who the playground lets you be: the deployer, the directory's approvers and admins, the runbooks' contacts.
import { describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/directory/load-directory.js';
import { playgroundPeople } from '../../src/playground/people.js';

const DIRECTORY = `roles:
  SRE:
    users: [U0INGRID, sre.lead@example.com]
  DBA: [U0INGRID]
people:
  Ingrid Solberg: U0INGRID
  '@ingrid': U0INGRID
  Rafael Mendes: U0RAFAEL
admins: [U0ADMIN1]
`;

describe('playgroundPeople', () => {
  it('gathers roles per person, names from the directory, and made-up ids for emails it does not map', () => {
    const parsed = parseDirectory(DIRECTORY, 'directory.yml');
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const { people, emails, users } = playgroundPeople(parsed.directory, {
      release: [
        { name: 'Ingrid Solberg', handle: '@ingrid', line: 1 },
        { name: 'Rafael Mendes', email: 'Rafael.Mendes@example.com', line: 2 },
        { name: 'Olga Night', email: 'olga.night@example.com', line: 3 },
        { name: 'Vendor hotline', phone: '+1 555 0199', line: 4 },
      ],
    });
    expect(people).toEqual([
      { id: 'U0DEPLOY', name: 'Dana Deployer', roles: ['deployer'] },
      { id: 'U0INGRID', name: 'Ingrid Solberg', roles: ['SRE approver', 'DBA approver', 'contact: release'] },
      { id: 'U0SRELEAD', name: 'Sre Lead', roles: ['SRE approver'] },
      { id: 'U0ADMIN1', name: 'Admin (U0ADMIN1)', roles: ['admin'] },
      { id: 'U0RAFAEL', name: 'Rafael Mendes', roles: ['contact: release'] },
      { id: 'U0OLGANIG', name: 'Olga Night', roles: ['contact: release'] },
    ]);
    expect(emails).toEqual({
      'sre.lead@example.com': 'U0SRELEAD',
      'rafael.mendes@example.com': 'U0RAFAEL',
      'olga.night@example.com': 'U0OLGANIG',
    });
    expect(users.U0INGRID).toEqual({ real_name: 'Ingrid Solberg', name: 'ingrid.solberg' });
  });
});
