// Spec "The model > diagnostics" and the diagnostic decisions: codes, severities, positions.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, md, only, parse, summarize } from './helpers.js';

describe('diagnostics: no_steps', () => {
  it.each([
    ['an empty file', ''],
    ['only a title', '# Release'],
    ['only prose and plain bullets', md('# R', '## Notes', 'Prose.', '', '- plain', '- bullets')],
    [
      'only items in contact and sign-off sections',
      md('# R', '## Contacts', '1. SRE', '## Sign-off', '- [ ] QA'),
    ],
    ['only items in code and blockquotes', md('# R', '## Deploy', '```', '- [ ] x', '```', '', '> 1. y')],
  ])('is an error for %s', (_name, source) => {
    const runbook = parse(source);
    const error = only(diagnosticsOf(runbook, 'runbook.no_steps'));
    expect(error.severity).toBe('error');
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('is not reported when there is a step', () => {
    expect(diagnosticsOf(parse(md('# R', '- [ ] One')), 'runbook.no_steps')).toEqual([]);
  });

  it('is not reported when the only steps are rollback steps', () => {
    expect(diagnosticsOf(parse(md('# R', '## Rollback', '1. Undo')), 'runbook.no_steps')).toEqual([]);
  });
});

describe('diagnostics: a clean runbook has none', () => {
  it('reports nothing for steps, a rollback section, reachable contacts and defaulted placeholders', () => {
    const runbook = parse(
      md(
        '---',
        'params:',
        '  TAG: v1',
        '---',
        '# Release',
        '## Deploy',
        '- [ ] Deploy ${TAG} to ${REGION:-eu-west-1}',
        '  ```bash',
        '  helm upgrade api --set tag=${TAG}',
        '  ```',
        '- [ ] Watch the canary for 10 minutes',
        '## Rollback',
        '1. Revert',
        '## Contacts',
        '- **SRE**: @sre',
        '## Sign-off',
        '- [ ] SRE',
      ),
      { knownRoles: ['SRE'] },
    );
    expect(runbook.diagnostics).toEqual([]);
  });
});

describe('diagnostics: placeholder_no_default', () => {
  it('warns for ${KEY} in step text with no default, at its line', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Ship', '- [ ] Deploy to ${REGION}'));
    const warning = only(diagnosticsOf(runbook, 'runbook.placeholder_no_default'));
    expect(warning.severity).toBe('warning');
    expect(warning.line).toBe(4);
    expect(warning.column).toBeGreaterThanOrEqual(1);
    expect(warning.message).toContain('REGION');
    expect(runbook.placeholders).toEqual([{ key: 'REGION', defaultValue: null, line: 4 }]);
  });

  it('warns for ${KEY} in a command with no default', () => {
    const runbook = parse(
      md('# R', '## Deploy', '- [ ] Deploy', '  ```bash', '  helm upgrade --set tag=${TAG}', '  ```'),
    );
    expect(only(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).line).toBe(5);
    expect(runbook.placeholders).toEqual([{ key: 'TAG', defaultValue: null, line: 5 }]);
  });

  it('warns in a continuation paragraph of a step', () => {
    const runbook = parse(md('# R', '## Deploy', '1. Deploy', '', '   Target: ${CLUSTER}'));
    expect(only(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).line).toBe(5);
  });

  it('does not warn when ${KEY:-default} gives a default', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Deploy to ${REGION:-eu-west-1}'));
    expect(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).toEqual([]);
    expect(runbook.placeholders).toEqual([{ key: 'REGION', defaultValue: 'eu-west-1', line: 3 }]);
  });

  it('does not warn when front matter params give a default', () => {
    const runbook = parse(
      md('---', 'params: {REGION: us-east-1}', '---', '# R', '## Deploy', '- [ ] Deploy to ${REGION}'),
    );
    expect(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).toEqual([]);
    expect(runbook.placeholders.map((p) => [p.key, p.defaultValue])).toEqual([['REGION', 'us-east-1']]);
  });

  it('warns once per key and lists each key once, at its first use', () => {
    const runbook = parse(
      md(
        '# R',
        '## Deploy',
        '- [ ] Build ${TAG}',
        '- [ ] Push ${TAG}',
        '  ```',
        '  docker push api:${TAG}',
        '  ```',
      ),
    );
    expect(runbook.placeholders).toEqual([{ key: 'TAG', defaultValue: null, line: 3 }]);
    expect(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).toHaveLength(1);
    expect(summarize(md('# R', '## Deploy', '- [ ] ${A} ${B} ${A}')).placeholders).toEqual(['A', 'B']);
  });

  it('does not take $KEY or {KEY} for placeholders', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Export $HOME and {NAME}'));
    expect(runbook.placeholders).toEqual([]);
    expect(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).toEqual([]);
  });
});

describe('diagnostics: every one has a position and a message', () => {
  it('gives line >= 1, column >= 1 and a message to each diagnostic of a runbook with many problems', () => {
    const runbook = parse(
      md(
        '---',
        'title: [broken',
        '---',
        '# R',
        '## Notes',
        '- Wait until lag is 0',
        '## Contacts',
        '- Lead: [contact-info]',
        '',
        'Approved By (Ghost): ____',
        '```',
        'unclosed',
      ),
      { knownRoles: ['SRE'] },
    );
    const codes = new Set(runbook.diagnostics.map((d) => d.code));
    for (const code of [
      'runbook.front_matter_invalid',
      'runbook.no_steps',
      'runbook.no_rollback',
      'runbook.contact_unreachable',
      'runbook.approval_unmapped',
      'runbook.unclosed_fence',
    ] as const) {
      expect(codes.has(code), code).toBe(true);
    }
    for (const d of runbook.diagnostics) {
      expect(d.line, d.code).toBeGreaterThanOrEqual(1);
      expect(d.column, d.code).toBeGreaterThanOrEqual(1);
      expect(d.message.length, d.code).toBeGreaterThan(0);
    }
  });

  it.each([
    ['runbook.no_steps', 'error'],
    ['runbook.no_rollback', 'warning'],
    ['runbook.contact_unreachable', 'warning'],
    ['runbook.approval_unmapped', 'warning'],
    ['runbook.front_matter_invalid', 'warning'],
    ['runbook.unclosed_fence', 'warning'],
  ] as const)('%s has severity %s', (code, severity) => {
    const runbook = parse(
      md(
        '---',
        '- not a map',
        '---',
        '# R',
        '## Contacts',
        '- Lead: TBD',
        '',
        'Approved By (Ghost): ____',
        '~~~',
        'x',
      ),
      { knownRoles: [] },
    );
    expect(diagnosticsOf(runbook, code).map((d) => d.severity)).toEqual([severity]);
  });

  it('puts the summary diagnostics in the summary', () => {
    const summary = summarize(md('# R', '## Deploy', 'nothing to do'));
    expect(summary.diagnostics.map((d) => d.code).sort()).toEqual([
      'runbook.no_rollback',
      'runbook.no_steps',
    ]);
  });
});

describe('diagnostics: parseRunbook never throws on content', () => {
  it.each([
    ['empty', ''],
    ['only a BOM', '\uFEFF'],
    ['only front matter', md('---', 'a: 1', '---')],
    ['an unclosed front matter', md('---', 'a: 1', '# R')],
    ['binary-ish text', '\u0000\u0001\u0002 ## \uFFFD'],
    ['a lone table', md('| a |', '|---|')],
    ['deep nesting', Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- [ ] level ${i}`).join('\n')],
    ['only fences', md('```', '```', '~~~~', '~~~')],
    ['HTML only', md('<details>', '<summary>x</summary>', '</details>')],
  ])('%s', (_name, source) => {
    expect(() => parse(source)).not.toThrow();
  });
});
