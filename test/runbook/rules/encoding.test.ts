// Line endings, BOM and mojibake: CRLF parses like LF, a BOM is ignored, odd bytes are kept.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { describe, expect, it } from 'vitest';
import { at, md, only, parse, phaseTitles, summarize } from './helpers.js';

const lines = [
  '---',
  'title: Payments release',
  'params:',
  '  TAG: v1',
  '---',
  '# Payments',
  '',
  'Pre-flight',
  '----------',
  '',
  '- [ ] Check dashboards',
  '  - [x] Check alerts',
  '1. Build ${TAG}',
  '```bash',
  'make build',
  '```',
  '',
  '## 2. Deploy ##',
  '',
  '1. [ ] Deploy the canary',
  '',
  '   Then watch it for 15 minutes.',
  '',
  '   ~~~sh',
  '   kubectl rollout status deploy/api',
  '   ~~~',
  '',
  '> [!WARNING]',
  '> - [ ] Not a step',
  '',
  '## Rollback',
  '',
  '1) Revert the tag',
  '',
  '## Contacts',
  '',
  '| Role | Name | Email |',
  '|---|---|---|',
  '| SRE | Kim Ode | kim@example.com |',
  '',
  '## Escalation',
  '',
  '1. Kim Ode',
  '',
  '## Sign-off',
  '',
  '**Approved By (SRE):** ______ **Date:** ______',
  '',
  '```',
  'unclosed',
];

describe('encoding: CRLF parses like LF', () => {
  it('gives the same summary for CRLF and LF', () => {
    const lf = summarize(lines.join('\n'));
    const crlf = summarize(lines.join('\r\n'));
    expect(crlf).toEqual(lf);
    expect(lf).toMatchObject({
      title: 'Payments release',
      phases: ['Pre-flight', '2. Deploy', 'Rollback', 'Contacts', 'Escalation', 'Sign-off'],
      stepCount: 5,
      rollbackSteps: 1,
      contacts: [{ role: 'SRE', name: 'Kim Ode', email: 'kim@example.com' }],
      escalationOrder: ['Kim Ode'],
      approvals: ['SRE'],
      waits: [{ step: 'Deploy the canary', minutes: 15 }],
      commands: 2,
    });
  });

  it('gives the same titles, lines, depths and commands for CRLF and LF', () => {
    const lf = parse(lines.join('\n'));
    const crlf = parse(lines.join('\r\n'));
    const shape = (r: typeof lf) => ({
      title: r.title,
      frontMatter: r.frontMatter,
      phases: r.phases.map((p) => [p.title, p.level, p.rollback, p.implicit, p.line, p.stepIds.length]),
      steps: r.steps.map((s) => [
        s.title,
        s.text,
        s.depth,
        s.checked,
        s.line,
        s.rollback,
        s.commands,
        s.wait,
      ]),
      contacts: r.contacts,
      approvals: r.approvals.map((a) => [a.role, a.label, a.source, a.line, a.stepsBefore]),
      placeholders: r.placeholders,
      diagnostics: r.diagnostics,
    });
    expect(shape(crlf)).toEqual(shape(lf));
  });

  it('keeps no \\r in titles, texts or code', () => {
    const runbook = parse(lines.join('\r\n'));
    for (const s of runbook.steps) {
      expect(s.title).not.toContain('\r');
      expect(s.text).not.toContain('\r');
      for (const c of s.commands) expect(c.code).not.toContain('\r');
    }
    for (const p of runbook.phases) expect(p.title).not.toContain('\r');
  });

  it('parses front matter written with CRLF', () => {
    const runbook = parse(
      ['---', 'environment: staging', '---', '# R', '## Deploy', '- [ ] Ship'].join('\r\n'),
    );
    expect(runbook.frontMatter.environment).toBe('staging');
    expect(runbook.diagnostics.filter((d) => d.code === 'runbook.front_matter_invalid')).toEqual([]);
  });
});

describe('encoding: a UTF-8 BOM is ignored', () => {
  it('before a title H1', () => {
    const runbook = parse(`\uFEFF${md('# Release', '## Deploy', '- [ ] Ship')}`);
    expect(runbook.title).toBe('Release');
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
    expect(only(runbook.steps).line).toBe(3);
  });

  it('before front matter', () => {
    const runbook = parse(`\uFEFF${md('---', 'title: From front matter', '---', '# H1', '## Deploy')}`);
    expect(runbook.title).toBe('From front matter');
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });

  it('gives the same summary with and without a BOM, in CRLF too', () => {
    expect(summarize(`\uFEFF${lines.join('\r\n')}`)).toEqual(summarize(lines.join('\n')));
  });
});

describe('encoding: emoji and mojibake kept byte-for-byte', () => {
  it.each([
    'ðŸš€ Deploy',
    'âœ… Verify',
    'ðŸ“‹ **Pre-Deployment Review: Everything We\u2019ve Built**',
    '‚úÖ PRE-DEPLOYMENT',
    '\uf8ffüß™ TESTING VERIFICATION',
    '🚀 Launch ✅',
    'Ã©tape Ã  suivre',
  ])('phase %j', (title) => {
    expect(summarize(md('# T', `## ${title}`)).phases).toEqual([title]);
  });

  it('keeps mojibake in step titles and texts', () => {
    const runbook = parse(md('# T', '## D', '- [ ] âœ… Confirm ðŸš€ launch', '- [ ] \uf8ffüîß Fix'));
    expect(runbook.steps.map((s) => s.title)).toEqual(['âœ… Confirm ðŸš€ launch', '\uf8ffüîß Fix']);
    expect(at(runbook.steps, 0).text).toContain('âœ… Confirm ðŸš€ launch');
  });

  it('keeps mojibake in the title H1', () => {
    expect(parse(md('# ðŸš€ Production Deployment Checklist')).title).toBe(
      'ðŸš€ Production Deployment Checklist',
    );
  });
});
