// Spec "Rules > Contacts": the escalation order from a numbered list under an escalation heading.
import { describe, expect, it } from 'vitest';
import { md, parse, summarize } from './helpers.js';

const contactsTable = [
  '## Contacts',
  '',
  '| Role | Name | Email |',
  '|---|---|---|',
  '| Release captain | Ingrid Solberg | ingrid@example.com |',
  '| DBA secondary | Rafael Mendes | rafael@example.com |',
  '',
];

describe('escalation: order from a numbered list', () => {
  it('gives the names in list order', () => {
    const summary = summarize(
      md(
        '# R',
        '## Deploy',
        '- [ ] Ship',
        ...contactsTable,
        '## Escalation',
        '',
        '1. Ingrid Solberg',
        '2. Rafael Mendes',
      ),
    );
    expect(summary.escalationOrder).toEqual(['Ingrid Solberg', 'Rafael Mendes']);
  });

  it('follows the list order, not the contact order', () => {
    const summary = summarize(
      md('# R', ...contactsTable, '## Escalation', '1. Rafael Mendes', '2. Ingrid Solberg'),
    );
    expect(summary.escalationOrder).toEqual(['Rafael Mendes', 'Ingrid Solberg']);
  });

  it.each(['Escalation', 'Escalation path', 'Escalation order', 'Contacts and escalation', '🚨 ESCALATION'])(
    'reads the list under ## %s',
    (heading) => {
      const runbook = parse(
        md('# R', ...contactsTable, `## ${heading}`, '1. Ingrid Solberg', '2. Rafael Mendes'),
      );
      expect(runbook.escalationOrder).toEqual(['Ingrid Solberg', 'Rafael Mendes']);
    },
  );

  it('reads it in a sub-section of the escalation section', () => {
    const runbook = parse(
      md('# R', ...contactsTable, '## Escalation', '### Order', '1. Rafael Mendes', '2. Ingrid Solberg'),
    );
    expect(runbook.escalationOrder).toEqual(['Rafael Mendes', 'Ingrid Solberg']);
  });

  it('accepts 1) and lazy 1. 1. numbering', () => {
    expect(
      parse(md('# R', ...contactsTable, '## Escalation', '1) Ingrid Solberg', '2) Rafael Mendes'))
        .escalationOrder,
    ).toEqual(['Ingrid Solberg', 'Rafael Mendes']);
    expect(
      parse(md('# R', ...contactsTable, '## Escalation', '1. Ingrid Solberg', '1. Rafael Mendes'))
        .escalationOrder,
    ).toEqual(['Ingrid Solberg', 'Rafael Mendes']);
  });

  it('matches a listed contact by role, ignoring case', () => {
    const runbook = parse(
      md(
        '# R',
        '## Contacts',
        '| Role | Email |',
        '|---|---|',
        '| On-call SRE | sre@example.com |',
        '## Escalation',
        '1. on-call sre',
      ),
    );
    expect(runbook.escalationOrder?.map((e) => e.toLowerCase())).toEqual(['on-call sre']);
  });

  it('uses the role when the contact has no name', () => {
    const summary = summarize(
      md(
        '# R',
        '## Contacts',
        '| Role | Email |',
        '|---|---|',
        '| On-call SRE | sre@example.com |',
        '| Engineering manager | em@example.com |',
        '## Escalation',
        '1. On-call SRE',
        '2. Engineering manager',
      ),
    );
    expect(summary.escalationOrder).toEqual(['On-call SRE', 'Engineering manager']);
  });

  it('gives the name when an entry names both the person and the role', () => {
    const runbook = parse(
      md('# R', ...contactsTable, '## Escalation', '1. **Release captain**: Ingrid Solberg'),
    );
    expect(runbook.escalationOrder).toEqual(['Ingrid Solberg']);
  });

  it('matches listed contacts ignoring case', () => {
    const runbook = parse(
      md('# R', ...contactsTable, '## Escalation', '1. ingrid solberg', '2. RAFAEL MENDES'),
    );
    expect(runbook.escalationOrder?.map((e) => e.toLowerCase())).toEqual(['ingrid solberg', 'rafael mendes']);
  });

  it('drops entries that are neither reachable nor a listed contact', () => {
    const runbook = parse(
      md(
        '# R',
        ...contactsTable,
        '## Escalation',
        '1. Ingrid Solberg',
        '2. Someone Unknown',
        '3. Rafael Mendes',
      ),
    );
    expect(runbook.escalationOrder).toEqual(['Ingrid Solberg', 'Rafael Mendes']);
  });

  it('adds a reachable entry that is listed only there to the contacts', () => {
    const summary = summarize(
      md(
        '# R',
        ...contactsTable,
        '## Escalation',
        '1. Ingrid Solberg',
        '2. **Head of engineering**: Pat Doe, +1 555 010 0142',
      ),
    );
    expect(summary.escalationOrder).toEqual(['Ingrid Solberg', 'Pat Doe']);
    expect(summary.contacts).toContainEqual({
      role: 'Head of engineering',
      name: 'Pat Doe',
      phone: '+1 555 010 0142',
    });
    expect(summary.contacts).toHaveLength(3);
  });

  it('works with no separate contact table when every entry is reachable', () => {
    const summary = summarize(
      md(
        '# R',
        '## Escalation',
        '1. **On-call**: @payments-oncall',
        '2. **Engineering manager**: Lee Park, lee@example.com',
      ),
    );
    expect(summary.escalationOrder).toEqual(['On-call', 'Lee Park']);
    expect(summary.contacts).toStrictEqual([
      { role: 'On-call', handle: '@payments-oncall' },
      { role: 'Engineering manager', name: 'Lee Park', email: 'lee@example.com' },
    ]);
  });

  it('does not count escalation entries as steps', () => {
    const summary = summarize(
      md(
        '# R',
        '## Deploy',
        '- [ ] Ship',
        ...contactsTable,
        '## Escalation',
        '1. Ingrid Solberg',
        '2. Rafael Mendes',
      ),
    );
    expect(summary.stepCount).toBe(1);
  });
});

describe('escalation: when there is none', () => {
  it.each([
    ['no escalation section', md('# R', '## Deploy', '- [ ] Ship', ...contactsTable)],
    [
      'a bullet list under the escalation heading',
      md('# R', ...contactsTable, '## Escalation', '- Ingrid Solberg', '- Rafael Mendes'),
    ],
    [
      'a numbered list under a contacts heading',
      md('# R', ...contactsTable, '1. Ingrid Solberg', '2. Rafael Mendes'),
    ],
    [
      'a numbered list under an on-call heading',
      md('# R', ...contactsTable, '## On-call', '1. Ingrid Solberg'),
    ],
    [
      'only unknown entries',
      md('# R', ...contactsTable, '## Escalation', '1. Nobody Known', '2. Also Unknown'),
    ],
    [
      'a numbered list in a code block',
      md('# R', ...contactsTable, '## Escalation', '```', '1. Ingrid Solberg', '```'),
    ],
  ])('%s: escalationOrder is null and absent from the summary', (_name, source) => {
    const runbook = parse(source);
    expect(runbook.escalationOrder).toBeNull();
    expect('escalationOrder' in summarize(source)).toBe(false);
  });

  it('leaves the numbered list of a "Steps" section alone even when it mentions escalation', () => {
    const runbook = parse(md('# R', '## Deploy', '1. Ingrid Solberg approves escalation', ...contactsTable));
    expect(runbook.escalationOrder).toBeNull();
  });
});
