// Spec "Rules > Rollback": rollback phases, their sub-sections, and rollback steps.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, md, parse, summarize } from './helpers.js';

const withSection = (heading: string) =>
  md('# Release', '', '## Deploy', '- [ ] Ship', '', `## ${heading}`, '', '1. Undo one', '2. Undo two');

describe('rollback: headings that open a rollback phase', () => {
  it.each([
    'Rollback',
    'Roll back',
    'Roll-back',
    'ROLLBACK PLAN',
    'rollback',
    '4. Rollback Procedure',
    '🔙 Roll Back Steps',
    'How to revert',
    'Revert',
    'Reverting the release',
    'Back-out',
    'Backout plan',
    'Emergency roll back (if needed)',
    'Pre-rollback checks',
    '**Rollback**',
  ])('## %s', (heading) => {
    const runbook = parse(withSection(heading));
    const phase = runbook.phases.find((p) => p.title === heading);
    expect(phase?.rollback).toBe(true);
    expect(runbook.steps.map((s) => s.rollback)).toEqual([false, true, true]);
    expect(summarize(withSection(heading)).rollbackSteps).toBe(2);
  });

  it('matches the spec regex anywhere in the heading, even inside a word (Autorollback)', () => {
    // Spec: /roll ?back|roll-back|revert|back-?out/i, with no word boundary.
    const runbook = parse(withSection('Autorollback'));
    expect(runbook.phases.find((p) => p.title === 'Autorollback')?.rollback).toBe(true);
  });
});

describe('rollback: headings that do not', () => {
  // 'Back out' (with a space) is not matched by the spec regex: back-?out allows only a hyphen or nothing.
  it.each([
    'Fallback',
    'Fallback plan',
    'Feedback',
    'Back to normal',
    'Back out',
    'Roll out',
    'Rollout',
    'Post-deploy',
  ])('## %s', (heading) => {
    const runbook = parse(withSection(heading));
    expect(runbook.phases.find((p) => p.title === heading)?.rollback).toBe(false);
    expect(summarize(withSection(heading)).rollbackSteps).toBe(0);
  });

  it('does not make a step a rollback step because its own text says rollback', () => {
    const summary = summarize(
      md('# R', '## Deploy', '- [ ] Prepare the rollback script', '- [ ] Revert flag if needed'),
    );
    expect(summary.rollbackSteps).toBe(0);
  });

  it('does not look at a rollback word in prose under a normal heading', () => {
    const runbook = parse(md('# R', '## Deploy', 'If anything fails, roll back.', '', '- [ ] Ship'));
    expect(runbook.phases.map((p) => p.rollback)).toEqual([false]);
  });
});

describe('rollback: sub-sections inherit', () => {
  it('makes every sub-section of a rollback section a rollback phase, up to the next same-level heading', () => {
    const runbook = parse(
      md(
        '# R',
        '## Rollback',
        '### Database',
        '- [ ] Restore snapshot',
        '#### Replicas',
        '- [ ] Re-point replicas',
        '### Application',
        '1. Redeploy previous tag',
        '## Verify',
        '- [ ] Smoke test',
        '### Dashboards',
        '- [ ] Check Grafana',
      ),
    );
    expect(runbook.phases.map((p) => [p.title, p.rollback])).toEqual([
      ['Rollback', true],
      ['Database', true],
      ['Replicas', true],
      ['Application', true],
      ['Verify', false],
      ['Dashboards', false],
    ]);
    expect(runbook.steps.map((s) => s.rollback)).toEqual([true, true, true, false, false]);
    expect(
      summarize(md('# R', '## Rollback', '### Db', '- [ ] a', '## Verify', '- [ ] b')).rollbackSteps,
    ).toBe(1);
  });

  it('ends a deeper rollback section at the next heading of its level', () => {
    const runbook = parse(
      md(
        '# R',
        '## Deploy',
        '### Canary',
        '- [ ] a',
        '### Rollback',
        '- [ ] b',
        '#### Data',
        '- [ ] c',
        '### Verify',
        '- [ ] d',
      ),
    );
    expect(runbook.phases.map((p) => [p.title, p.rollback])).toEqual([
      ['Deploy', false],
      ['Canary', false],
      ['Rollback', true],
      ['Data', true],
      ['Verify', false],
    ]);
    expect(runbook.steps.map((s) => s.rollback)).toEqual([false, true, true, false]);
  });

  it('makes nested steps in a rollback section rollback steps too', () => {
    const runbook = parse(md('# R', '## Rollback', '1. [ ] Undo', '   - [ ] Sub undo', '     1. Deeper'));
    expect(runbook.steps.map((s) => s.rollback)).toEqual([true, true, true]);
  });

  it('recognises setext rollback headings', () => {
    const runbook = parse(md('Release', '=======', '', 'Rollback', '--------', '', '- [ ] Undo'));
    expect(runbook.phases.filter((p) => !p.implicit).map((p) => p.rollback)).toEqual([true]);
    expect(runbook.steps.map((s) => s.rollback)).toEqual([true]);
  });

  it('does not make the title H1 a rollback section for the whole document', () => {
    const runbook = parse(md('# Release and rollback guide', '', '## Deploy', '- [ ] Ship'));
    expect(runbook.steps.map((s) => s.rollback)).toEqual([false]);
  });
});

describe('rollback: the no_rollback diagnostic', () => {
  it('warns when no phase is a rollback phase', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Ship'));
    const [warning] = diagnosticsOf(runbook, 'runbook.no_rollback');
    expect(warning?.severity).toBe('warning');
    expect(warning?.line).toBeGreaterThanOrEqual(1);
    expect(warning?.column).toBeGreaterThanOrEqual(1);
  });

  it('does not warn when a rollback section exists, even with only prose and a fence', () => {
    const runbook = parse(
      md(
        '# R',
        '## Deploy',
        '- [ ] Ship',
        '## Rollback',
        '',
        'Redeploy the previous tag:',
        '',
        '```bash',
        'helm rollback api',
        '```',
      ),
    );
    expect(diagnosticsOf(runbook, 'runbook.no_rollback')).toEqual([]);
    expect(
      summarize(md('# R', '## Deploy', '- [ ] Ship', '## Rollback', '', 'Prose only.')).rollbackSteps,
    ).toBe(0);
  });

  it('does not count Fallback as a rollback section', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Ship', '## Fallback', '- [ ] Use the old endpoint'));
    expect(diagnosticsOf(runbook, 'runbook.no_rollback')).toHaveLength(1);
  });

  it('counts a rollback sub-section', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Ship', '### If it fails: revert', '- [ ] Revert'));
    expect(diagnosticsOf(runbook, 'runbook.no_rollback')).toEqual([]);
  });
});
