// Spec "Rules > Contacts": people or roles to reach, from tables and lists in contact sections.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, md, only, parse, summarize } from './helpers.js';

const withContacts = (heading: string, ...lines: string[]) =>
  md('# Release', '', '## Deploy', '- [ ] Ship', '', `## ${heading}`, '', ...lines);

describe('contacts: tables', () => {
  it('reads Role / Name / Phone / Email / Slack columns', () => {
    const summary = summarize(
      withContacts(
        'Contacts',
        '| Role | Name | Phone | Email | Slack |',
        '|------|------|-------|-------|-------|',
        '| Release captain | Ingrid Solberg | +47 555 01 234 | ingrid@example.com | @isolberg |',
        '| DBA secondary | Rafael Mendes | +55 11 5555 0190 | rafael.mendes@example.com | @rmendes |',
      ),
    );
    expect(summary.contacts).toStrictEqual([
      {
        role: 'Release captain',
        name: 'Ingrid Solberg',
        phone: '+47 555 01 234',
        email: 'ingrid@example.com',
        handle: '@isolberg',
      },
      {
        role: 'DBA secondary',
        name: 'Rafael Mendes',
        phone: '+55 11 5555 0190',
        email: 'rafael.mendes@example.com',
        handle: '@rmendes',
      },
    ]);
  });

  it('reads a Handle column and columns in any order', () => {
    const summary = summarize(
      withContacts('On-call', '| Handle | Name | Role |', '|---|---|---|', '| @oncall-sre | Kim Ode | SRE |'),
    );
    expect(summary.contacts).toStrictEqual([{ role: 'SRE', name: 'Kim Ode', handle: '@oncall-sre' }]);
  });

  it.each([
    ['devops@example.com', { email: 'devops@example.com' }],
    ['+1 555 010 0199', { phone: '+1 555 010 0199' }],
    ['@devops-oncall', { handle: '@devops-oncall' }],
  ])('classifies a Contact column value %j by its shape', (value, field) => {
    const summary = summarize(
      withContacts('Contacts', '| Role | Contact |', '|---|---|', `| DevOps Lead | ${value} |`),
    );
    expect(summary.contacts).toStrictEqual([{ role: 'DevOps Lead', ...field }]);
  });

  it('keeps only the fields present: no name when the name is TBD or N/A', () => {
    const summary = summarize(
      withContacts(
        'Contacts',
        '| Role | Name | Contact |',
        '|------|------|---------|',
        '| DevOps Lead | TBD | devops@example.com |',
        '| Vendor Support | N/A | support@vendor.example |',
      ),
    );
    expect(summary.contacts).toStrictEqual([
      { role: 'DevOps Lead', email: 'devops@example.com' },
      { role: 'Vendor Support', email: 'support@vendor.example' },
    ]);
  });

  it('records the line of the row', () => {
    const runbook = parse(
      md('# R', '## Contacts', '', '| Role | Email |', '|---|---|', '| SRE | sre@example.com |'),
    );
    expect(only(runbook.contacts).line).toBe(6);
  });

  it('does not take the header row for a contact', () => {
    const summary = summarize(
      withContacts('Contacts', '| Role | Email |', '|---|---|', '| SRE | sre@example.com |'),
    );
    expect(summary.contacts).toHaveLength(1);
  });
});

describe('contacts: list items', () => {
  it('reads `**Role**: Name (@handle), phone, email`', () => {
    const summary = summarize(
      withContacts(
        'Contacts',
        '- **DBA secondary**: Rafael Mendes (@rmendes), +55 11 5555 0190, rafael.mendes@example.com',
      ),
    );
    expect(summary.contacts).toStrictEqual([
      {
        role: 'DBA secondary',
        name: 'Rafael Mendes',
        handle: '@rmendes',
        phone: '+55 11 5555 0190',
        email: 'rafael.mendes@example.com',
      },
    ]);
  });

  it('reads `Name (Role)` as a name and a role', () => {
    const summary = summarize(
      withContacts('Contacts', '- Ingrid Solberg (Release captain), ingrid@example.com'),
    );
    expect(summary.contacts).toStrictEqual([
      { role: 'Release captain', name: 'Ingrid Solberg', email: 'ingrid@example.com' },
    ]);
  });

  it('reads a role with only a handle', () => {
    const summary = summarize(withContacts('On-call', '- **Primary on-call**: @payments-oncall'));
    expect(summary.contacts).toStrictEqual([{ role: 'Primary on-call', handle: '@payments-oncall' }]);
  });

  it('reads numbered and task items in a contact section too', () => {
    const summary = summarize(
      withContacts(
        'Contacts',
        '1. **SRE**: Kim Ode, kim@example.com',
        '- [ ] **QA**: Lee Park, +1 555 010 0100',
      ),
    );
    expect(summary.contacts).toStrictEqual([
      { role: 'SRE', name: 'Kim Ode', email: 'kim@example.com' },
      { role: 'QA', name: 'Lee Park', phone: '+1 555 010 0100' },
    ]);
    expect(summary.stepCount).toBe(1);
  });
});

describe('contacts: which sections', () => {
  it.each(['Contacts', 'Emergency contact list', 'Escalation', 'Escalation path', 'On-call', 'On-Call rota'])(
    'reads contacts under ## %s',
    (heading) => {
      const summary = summarize(
        withContacts(heading, '| Role | Email |', '|---|---|', '| SRE | sre@example.com |'),
      );
      expect(summary.contacts).toStrictEqual([{ role: 'SRE', email: 'sre@example.com' }]);
    },
  );

  it('reads contacts in sub-sections of a contact section', () => {
    const summary = summarize(
      md(
        '# R',
        '## 📞 EMERGENCY CONTACTS',
        '### Technical Team',
        '- **Lead developer**: Ana Ruiz, ana@example.com',
        '### External Vendors',
        '| Role | Email |',
        '|---|---|',
        '| Hosting provider | noc@host.example |',
      ),
    );
    expect(summary.contacts).toStrictEqual([
      { role: 'Lead developer', name: 'Ana Ruiz', email: 'ana@example.com' },
      { role: 'Hosting provider', email: 'noc@host.example' },
    ]);
  });

  it('does not read tables or lists outside contact sections', () => {
    const summary = summarize(
      md(
        '# R',
        '## Team',
        '| Role | Name | Email |',
        '|---|---|---|',
        '| SRE | Kim Ode | kim@example.com |',
        '',
        '- **QA**: Lee Park, lee@example.com',
        '## Deploy',
        '- [ ] Email ops@example.com when done',
        '## Support',
        '1. Page @oncall if it breaks',
      ),
    );
    expect(summary.contacts).toEqual([]);
  });

  it('stops reading at the next heading of the same level', () => {
    const summary = summarize(
      md('# R', '## Contacts', '- **SRE**: sre@example.com', '## Notes', '- **QA**: qa@example.com'),
    );
    expect(summary.contacts).toStrictEqual([{ role: 'SRE', email: 'sre@example.com' }]);
  });
});

describe('contacts: placeholders and unreachable contacts', () => {
  it.each([
    '- Lead Developer: [contact-info]',
    '- **DevOps Engineer**: TBD',
    '- **Product manager**: N/A',
    '- Ana Ruiz (Product manager)',
  ])('does not list %j and warns that nobody can reach it', (line) => {
    const runbook = parse(md('# R', '## Contacts', '', line));
    expect(runbook.contacts).toEqual([]);
    const warning = only(diagnosticsOf(runbook, 'runbook.contact_unreachable'));
    expect(warning.severity).toBe('warning');
    expect(warning.line).toBe(4);
    expect(warning.column).toBeGreaterThanOrEqual(1);
  });

  it('does not list a table row whose ways to reach are placeholders', () => {
    const runbook = parse(
      md(
        '# R',
        '## Contacts',
        '| Role | Name | Phone | Email |',
        '|---|---|---|---|',
        '| SRE | Kim Ode | TBD | N/A |',
      ),
    );
    expect(runbook.contacts).toEqual([]);
    expect(diagnosticsOf(runbook, 'runbook.contact_unreachable').map((d) => d.line)).toEqual([5]);
  });

  it('lists the reachable ones and warns once per unreachable one', () => {
    const runbook = parse(
      md(
        '# R',
        '## Contacts',
        '- Lead Developer: [contact-info]',
        '- **SRE**: sre@example.com',
        '- Database Administrator: [contact-info]',
      ),
    );
    expect(buildContacts(runbook)).toStrictEqual([{ role: 'SRE', email: 'sre@example.com' }]);
    expect(diagnosticsOf(runbook, 'runbook.contact_unreachable').map((d) => d.line)).toEqual([3, 5]);
  });
});

describe('contacts: duplicates merge', () => {
  it('merges the same name listed twice into one contact with all its ways to reach', () => {
    const summary = summarize(
      md(
        '# R',
        '## Contacts',
        '| Role | Name | Email |',
        '|---|---|---|',
        '| DBA | Rafael Mendes | rafael@example.com |',
        '## Escalation',
        '- **DBA**: Rafael Mendes, +55 11 5555 0190',
      ),
    );
    expect(summary.contacts).toStrictEqual([
      { role: 'DBA', name: 'Rafael Mendes', email: 'rafael@example.com', phone: '+55 11 5555 0190' },
    ]);
  });

  it('merges the same role when there is no name', () => {
    const summary = summarize(
      md(
        '# R',
        '## Contacts',
        '- **On-call SRE**: @sre-oncall',
        '',
        '## On-call',
        '- **On-call SRE**: +1 555 010 0123',
      ),
    );
    expect(summary.contacts).toHaveLength(1);
    expect(summary.contacts[0]?.role).toBe('On-call SRE');
    expect(summary.contacts[0]?.handle).toBe('@sre-oncall');
    expect(summary.contacts[0]?.phone).toBe('+1 555 010 0123');
  });

  it('keeps two people with the same role but different names apart', () => {
    const summary = summarize(
      md('# R', '## Contacts', '- **SRE**: Kim Ode, kim@example.com', '- **SRE**: Lee Park, lee@example.com'),
    );
    expect(summary.contacts.map((c) => c.name)).toEqual(['Kim Ode', 'Lee Park']);
  });
});

function buildContacts(runbook: ReturnType<typeof parse>) {
  return runbook.contacts.map(({ line: _line, ...rest }) => rest);
}

describe('contacts: shared labels, bracketed handles, and who is worth a diagnostic (issue 20)', () => {
  const contacts = (...lines: string[]) =>
    parse(md('# Release', '', '## Deploy', '- [ ] Ship', '', '## Contacts', '', ...lines));

  it('reads a bold label shared under per-person headings as a label: the heading is the person', () => {
    const runbook = contacts(
      '### Technical Lead',
      '**Contact Methods:**',
      '- Slack: @tech-lead',
      '- Email: tl@example.com',
      '',
      '### Product Manager',
      '**Contact Methods:**',
      '- Slack: @pm',
      '- Email: pm@example.com',
    );
    expect(runbook.contacts.map((c) => [c.role, c.handle])).toEqual([
      ['Technical Lead', '@tech-lead'],
      ['Product Manager', '@pm'],
    ]);
  });

  it('reads a handle in brackets as a handle, and placeholder words in brackets as nobody', () => {
    const runbook = contacts(
      '- **On-call Engineer**: [Slack: @oncall-engineer]',
      '- **DBA**: [contact-info]',
    );
    expect(runbook.contacts.map((c) => [c.role, c.handle])).toEqual([
      ['On-call Engineer', '@oncall-engineer'],
    ]);
    expect(diagnosticsOf(runbook, 'runbook.contact_unreachable').map((d) => d.message)).toEqual([
      'contact "DBA" has no phone, email or Slack handle, so nobody can reach them',
    ]);
  });

  it('says nothing about symptoms, channels, self-service or method words', () => {
    const runbook = parse(
      md(
        '# Release',
        '## Deploy',
        '- [ ] Ship',
        '## Escalation',
        '1. 5xx above 1%',
        '2. Automated alerts to #releases',
        '3. Self-service',
        '4. SRE on-call: @sre',
        '',
        '| Step | Escalation method |',
        '|---|---|',
        '| 1 | PagerDuty |',
        '| 2 | Phone |',
        '| 3 | Email |',
      ),
    );
    expect(diagnosticsOf(runbook, 'runbook.contact_unreachable')).toEqual([]);
    expect(diagnosticsOf(runbook, 'runbook.escalation_unknown')).toEqual([]);
  });
});
