// Spec "The model > title" and the front matter decisions.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, md, only, parse, phaseTitles, summarize } from './helpers.js';

describe('front matter: title', () => {
  it('takes the title from front matter before the H1, and still leaves the H1 out of phases', () => {
    const runbook = parse(
      md('---', 'title: Payments API release', '---', '# Checklist', '## Deploy', '- [ ] Ship'),
    );
    expect(runbook.title).toBe('Payments API release');
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });

  it('takes the title from the H1 when front matter has no title', () => {
    const runbook = parse(md('---', 'environment: production', '---', '', '# Checklist', '## Deploy'));
    expect(runbook.title).toBe('Checklist');
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });

  it('takes the file name when there is neither', () => {
    expect(parse(md('---', 'owner: payments', '---', '## Deploy'), { fileName: 'payments.md' }).title).toBe(
      'payments.md',
    );
  });

  it('takes the H1 text as written when it is the title', () => {
    expect(parse(md('# ðŸš€ Production Deployment Checklist ##')).title).toBe(
      'ðŸš€ Production Deployment Checklist',
    );
  });
});

describe('front matter: fields', () => {
  const source = md(
    '---',
    'title: Payments',
    'environment: production',
    'params:',
    '  REGION: eu-west-1',
    '  REPLICAS: 3',
    'approvals:',
    '  SRE: 2',
    'escalation:',
    '  timeout_minutes: 10',
    '---',
    '# Payments',
    '## Deploy',
    '- [ ] Deploy ${REPLICAS} replicas to ${REGION}',
  );

  it('reads environment, params, approvals quorum and escalation timeout', () => {
    const { frontMatter } = parse(source);
    expect(frontMatter.environment).toBe('production');
    expect(frontMatter.params).toEqual({ REGION: 'eu-west-1', REPLICAS: '3' });
    expect(frontMatter.quorum).toEqual({ SRE: 2 });
    expect(frontMatter.escalationTimeoutMinutes).toBe(10);
    expect(frontMatter.data).toEqual({
      title: 'Payments',
      environment: 'production',
      params: { REGION: 'eu-west-1', REPLICAS: 3 },
      approvals: { SRE: 2 },
      escalation: { timeout_minutes: 10 },
    });
  });

  it('uses params as placeholder defaults, so nothing is reported', () => {
    const runbook = parse(source);
    expect(runbook.placeholders.map((p) => [p.key, p.defaultValue])).toEqual([
      ['REPLICAS', '3'],
      ['REGION', 'eu-west-1'],
    ]);
    expect(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).toEqual([]);
  });

  it('accepts parameters: as well as params:', () => {
    const runbook = parse(
      md('---', 'parameters:', '  TAG: v1.2.3', '---', '# R', '## Deploy', '- [ ] Deploy ${TAG}'),
    );
    expect(runbook.frontMatter.params).toEqual({ TAG: 'v1.2.3' });
    expect(only(runbook.placeholders).defaultValue).toBe('v1.2.3');
    expect(diagnosticsOf(runbook, 'runbook.placeholder_no_default')).toEqual([]);
  });

  it('is empty when there is no front matter', () => {
    expect(parse(md('# R', '## Deploy', '- [ ] Ship')).frontMatter).toEqual({
      data: null,
      params: {},
      quorum: {},
      escalationTimeoutMinutes: null,
      environment: null,
    });
  });

  it('does not report anything for valid front matter', () => {
    expect(diagnosticsOf(parse(source), 'runbook.front_matter_invalid')).toEqual([]);
  });
});

describe('front matter: not Markdown', () => {
  it('ignores headings, items and blanks inside front matter', () => {
    const summary = summarize(
      md(
        '---',
        '# a yaml comment',
        'notes: |',
        '  ## Not a phase',
        '  - [ ] Not a step',
        '  1. Nor this',
        '  Approved By: ____',
        'checklist:',
        '  - "[ ] not a step either"',
        '---',
        '# R',
        '## Deploy',
        '- [ ] Ship',
      ),
    );
    expect(summary.phases).toEqual(['Deploy']);
    expect(summary.stepCount).toBe(1);
    expect(summary.approvals).toEqual([]);
  });

  it('only takes a --- block at the very start as front matter', () => {
    const runbook = parse(md('# R', '', '---', 'title: not front matter', '---', '', '## Deploy'));
    expect(runbook.title).toBe('R');
    expect(runbook.frontMatter.data).toBeNull();
  });
});

describe('front matter: invalid', () => {
  it.each([
    ['YAML that does not parse', ['title: [unclosed', 'x: : :']],
    ['a YAML list', ['- one', '- two']],
    ['a YAML scalar', ['just a string']],
  ])('%s is reported and ignored', (_name, yaml) => {
    const runbook = parse(md('---', ...yaml, '---', '# R', '## Deploy', '- [ ] Ship'));
    const warning = only(diagnosticsOf(runbook, 'runbook.front_matter_invalid'));
    expect(warning.severity).toBe('warning');
    expect(warning.line).toBeGreaterThanOrEqual(1);
    expect(warning.column).toBeGreaterThanOrEqual(1);
    expect(runbook.frontMatter.data).toBeNull();
    expect(runbook.title).toBe('R');
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
    expect(runbook.steps).toHaveLength(1);
  });
});
