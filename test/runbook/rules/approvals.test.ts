// Spec "Rules > Approvals": sign-off slots from blanks, sign-off tables and sign-off checklists.
import { describe, expect, it } from 'vitest';
import { at, diagnosticsOf, md, only, parse, summarize } from './helpers.js';

const inPhase = (...lines: string[]) => md('# Release', '', '## Deploy', '- [ ] Ship', '', ...lines);

describe('approvals: Label: ____ blanks', () => {
  it.each([
    ['Approved By: ____', 'Approved By'],
    ['Approved By: ______________', 'Approved By'],
    ['Approved By (SRE): ____', 'SRE'],
    ['**Approved By (SRE):** ____', 'SRE'],
    ['**Approved By:** _________________', 'Approved By'],
    ['Approval: ____', 'Approval'],
    ['Deployment Approval: _______________', 'Deployment Approval'],
    ['Sign-off: ____', 'Sign-off'],
    ['Signed: ____', 'Signed'],
    ['Signature (Release captain): ____', 'Release captain'],
    ['Reviewed by: ____', 'Reviewed by'],
    ['Code Reviewer: ____', 'Code Reviewer'],
    ['Authorized by: ____', 'Authorized by'],
    ['Authorization (Change board): ____', 'Change board'],
    ['APPROVED BY: ____', 'APPROVED BY'],
    ['_Approved by_: ____', 'Approved by'],
  ])('%j -> %j', (line, role) => {
    expect(summarize(inPhase(line)).approvals).toEqual([role]);
  });

  it.each([
    'Date: ____',
    '**Date:** _______________',
    'Executed By: ____',
    'Requested By: ____',
    'Deployed by: ____',
    'Notes: ____',
    'Approved By: __',
    'Approved By: pending',
    'Approved By:',
  ])('%j is not an approval', (line) => {
    expect(summarize(inPhase(line)).approvals).toEqual([]);
  });

  it('counts each qualifying blank on one line, and only those', () => {
    expect(
      summarize(inPhase('**Approved By:** _________________ **Date:** _________________')).approvals,
    ).toEqual(['Approved By']);
    expect(
      summarize(inPhase('Approved By (SRE): ____ Approved By (DBA): ____ Date: ____')).approvals,
    ).toEqual(['SRE', 'DBA']);
  });

  it('counts each qualifying blank of one paragraph split by hard line breaks', () => {
    const summary = summarize(
      inPhase(
        '**Deployment Approval:** _______________  ',
        '**Date:** _______________  ',
        '**Approved By:** _______________  ',
      ),
    );
    expect(summary.approvals).toEqual(['Deployment Approval', 'Approved By']);
  });

  it('finds blanks anywhere outside code: prose, before any heading, in a list item, in a blockquote', () => {
    const summary = summarize(
      md(
        'Requested by: ____ Approved By (Product): ____',
        '',
        '# Release',
        '## Deploy',
        '- Approved By (QA): ____',
        '',
        '> Approved By (Security): ____',
      ),
    );
    expect(summary.approvals).toEqual(['Product', 'QA', 'Security']);
  });

  it('ignores blanks inside fenced, indented and inline code', () => {
    const summary = summarize(
      inPhase(
        '```',
        'Approved By: ____',
        '```',
        '',
        'Text:',
        '',
        '    Approved By (SRE): ____',
        '',
        'Use `Approved By: ____`.',
      ),
    );
    expect(summary.approvals).toEqual([]);
  });

  it('ignores blanks inside HTML comments', () => {
    expect(summarize(inPhase('<!--', 'Approved By: ____', '-->')).approvals).toEqual([]);
  });
});

describe('approvals: tables in a sign-off or approval section', () => {
  it.each(['Sign-off', 'Signoff', 'Approvals', 'Approval Checklist', 'Release sign-off'])(
    'each body row of a table under ## %s gives its first cell',
    (heading) => {
      const summary = summarize(
        md(
          '# R',
          '## Deploy',
          '- [ ] Ship',
          `## ${heading}`,
          '| Role | Name | Signature | Date |',
          '|------|------|-----------|------|',
          '| Release captain | | | |',
          '| **SRE** | Kim Ode | | |',
        ),
      );
      expect(summary.approvals).toEqual(['Release captain', 'SRE']);
    },
  );

  it('reads tables in sub-sections of the sign-off section', () => {
    const summary = summarize(
      md('# R', '## Sign-off', '### Engineering', '| Role |', '|---|', '| Tech lead |'),
    );
    expect(summary.approvals).toEqual(['Tech lead']);
  });

  it('does not read tables outside such sections', () => {
    const summary = summarize(md('# R', '## Deploy', '| Check | Owner |', '|---|---|', '| Backups | SRE |'));
    expect(summary.approvals).toEqual([]);
  });

  it('counts a row with a qualifying blank once, as the blank role', () => {
    const summary = summarize(
      md(
        '# R',
        '## Sign-off',
        '| Slot | Date |',
        '|---|---|',
        '| Approved By (SRE): ____ | Date: ____ |',
        '| QA lead | |',
      ),
    );
    expect(summary.approvals).toEqual(['SRE', 'QA lead']);
  });
});

describe('approvals: checkbox items in a sign-off or approval section', () => {
  it('gives each checkbox item its text, and none of them is a step', () => {
    const summary = summarize(
      md(
        '# R',
        '## Deploy',
        '- [ ] Ship',
        '## Approval Checklist',
        '- [ ] All tests passing',
        '- [x] Rollback plan tested',
        '* [ ] On-call scheduled',
      ),
    );
    expect(summary.approvals).toEqual(['All tests passing', 'Rollback plan tested', 'On-call scheduled']);
    expect(summary.stepCount).toBe(1);
  });

  it('reads checkbox items in sub-sections of the section', () => {
    const summary = summarize(md('# R', '## Sign-off', '### Business', '- [ ] Product owner'));
    expect(summary.approvals).toEqual(['Product owner']);
  });

  it('does not take plain bullets for checkbox items', () => {
    const summary = summarize(md('# R', '## Sign-off', '- Product owner', '- QA lead'));
    expect(summary.approvals).toEqual([]);
  });

  it('counts an item with a qualifying blank once, as the blank role', () => {
    const summary = summarize(
      md('# R', '## Sign-off', '- [ ] Approved By (DBA): ____', '- [ ] Security review done'),
    );
    expect(summary.approvals).toEqual(['DBA', 'Security review done']);
  });

  it('counts checklist items and a blank after them', () => {
    const summary = summarize(
      md(
        '# R',
        '## Approval Checklist',
        '',
        '- [ ] Alerts configured',
        '',
        '**Approved By:** ______ **Date:** ______',
      ),
    );
    expect(summary.approvals).toEqual(['Alerts configured', 'Approved By']);
  });

  it('does not take checkbox items outside such sections for approvals', () => {
    expect(summarize(md('# R', '## Deploy', '- [ ] Product owner approves')).approvals).toEqual([]);
  });
});

describe('approvals: the Approval record', () => {
  it('records source, label, line and phase', () => {
    const runbook = parse(
      md(
        '# R',
        '## Deploy',
        '- [ ] Ship',
        '',
        'Approved By (SRE): ____',
        '## Sign-off',
        '| Role |',
        '|---|',
        '| Release captain |',
        '',
        '- [ ] Product owner',
      ),
    );
    expect(runbook.approvals.map((a) => [a.role, a.source, a.line])).toEqual([
      ['SRE', 'blank', 5],
      ['Release captain', 'table', 9],
      ['Product owner', 'checkbox', 11],
    ]);
    const titles = runbook.approvals.map((a) =>
      a.phaseIndex === null ? null : at(runbook.phases, a.phaseIndex).title,
    );
    expect(titles).toEqual(['Deploy', 'Sign-off', 'Sign-off']);
    expect(at(runbook.approvals, 0).label).toContain('Approved By (SRE)');
  });

  it('counts the non-rollback steps before the slot', () => {
    const runbook = parse(
      md(
        '# R',
        '## Pre-flight',
        '- [ ] One',
        '  - [ ] One.a',
        '## Rollback',
        '- [ ] Undo',
        '## Gate',
        'Approved By (SRE): ____',
        '## Deploy',
        '- [ ] Two',
      ),
    );
    expect(only(runbook.approvals).stepsBefore).toBe(2);
  });

  it('has required = 1 by default', () => {
    expect(only(parse(inPhase('Approved By (SRE): ____')).approvals).required).toBe(1);
  });

  it('takes required from front matter approvals, ignoring case', () => {
    const runbook = parse(
      md(
        '---',
        'approvals:',
        '  sre: 2',
        '  Release Captain: 3',
        '---',
        '# R',
        '## Deploy',
        '- [ ] Ship',
        'Approved By (SRE): ____',
        '## Sign-off',
        '- [ ] Release captain',
        '- [ ] QA',
      ),
    );
    expect(runbook.approvals.map((a) => [a.role, a.required])).toEqual([
      ['SRE', 2],
      ['Release captain', 3],
      ['QA', 1],
    ]);
  });

  it('gives unique ids', () => {
    const runbook = parse(
      md('# R', '## Sign-off', '- [ ] QA', '- [ ] QA', '', 'Approved By: ____ Approved By: ____'),
    );
    expect(runbook.approvals).toHaveLength(4);
    expect(new Set(runbook.approvals.map((a) => a.id)).size).toBe(4);
  });
});

describe('approvals: unmapped roles', () => {
  const source = md(
    '# R',
    '## Deploy',
    '- [ ] Ship',
    '',
    'Approved By (SRE): ____',
    '',
    'Approved By (Release captain): ____',
  );

  it('warns for roles not among knownRoles, ignoring case, at the slot line', () => {
    const runbook = parse(source, { knownRoles: ['sre', 'dba'] });
    const warning = only(diagnosticsOf(runbook, 'runbook.approval_unmapped'));
    expect(warning.severity).toBe('warning');
    expect(warning.line).toBe(7);
    expect(warning.column).toBeGreaterThanOrEqual(1);
    expect(warning.message).toContain('Release captain');
  });

  it('does not warn when every role is known', () => {
    const runbook = parse(source, { knownRoles: ['SRE', 'RELEASE CAPTAIN'] });
    expect(diagnosticsOf(runbook, 'runbook.approval_unmapped')).toEqual([]);
  });

  it('does not warn when knownRoles is not given', () => {
    expect(diagnosticsOf(parse(source), 'runbook.approval_unmapped')).toEqual([]);
    expect(diagnosticsOf(parse(source, { fileName: 'x.md' }), 'runbook.approval_unmapped')).toEqual([]);
  });

  it('warns for every role when knownRoles is empty', () => {
    expect(diagnosticsOf(parse(source, { knownRoles: [] }), 'runbook.approval_unmapped')).toHaveLength(2);
  });
});

describe('approvals: a sign-off line with several blanks, and record lines (issue 20)', () => {
  it('reads a line with several blanks as one slot named by the text before its first blank', () => {
    const summary = summarize(
      inPhase(
        '- QA Lead: __________ Signature: __________',
        '- Product Lead: ____ Date: ____',
        '- Engineering Manager: ____ Signature: ____ Date: ____ Time: ____',
      ),
    );
    expect(summary.approvals).toEqual(['QA Lead', 'Product Lead', 'Engineering Manager']);
  });

  it('never makes a record line a slot, in a sign-off section or not', () => {
    const lines = ['**Launch Completed at**: ____', '', '**Deployed By**: ____', '', 'Started at: ____'];
    expect(summarize(inPhase(...lines)).approvals).toEqual([]);
    expect(summarize(inPhase('## Sign-off', '', ...lines)).approvals).toEqual([]);
  });

  it('keeps slots that name an approval next to record lines', () => {
    expect(
      summarize(inPhase('## Sign-off', '', 'Deployed by: ____', '', 'Approved by: ____')).approvals,
    ).toEqual(['Approved by']);
  });
});
