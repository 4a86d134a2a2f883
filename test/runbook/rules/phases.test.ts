// Spec "Rules > Phases" and the title decisions.
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../../src/runbook/index.js';
import { at, md, parse, phaseTitles, summarize } from './helpers.js';

describe('phases: every heading, in order, as one flat list', () => {
  it('lists H2 to H6 in document order with their levels', () => {
    const runbook = parse(
      md(
        '# Payments release',
        '',
        '## Pre-flight',
        '### Checks',
        '#### Database',
        '##### Replicas',
        '###### Lag',
        '## Deploy',
        '### Canary',
      ),
    );
    expect(phaseTitles(runbook)).toEqual([
      'Pre-flight',
      'Checks',
      'Database',
      'Replicas',
      'Lag',
      'Deploy',
      'Canary',
    ]);
    expect(runbook.phases.filter((p) => !p.implicit).map((p) => p.level)).toEqual([2, 3, 4, 5, 6, 2, 3]);
  });

  it('gives each phase the line of its heading', () => {
    const runbook = parse(md('# T', '', '## One', '', 'text', '', '### Two'));
    expect(runbook.phases.filter((p) => !p.implicit).map((p) => p.line)).toEqual([3, 7]);
  });

  it('keeps headings that have no steps (empty sections are phases too)', () => {
    expect(summarize(md('# T', '## Empty', '## Also empty', 'Just prose.')).phases).toEqual([
      'Empty',
      'Also empty',
    ]);
  });

  it('lists contact, escalation and sign-off headings as phases', () => {
    const runbook = parse(
      md('# T', '## Deploy', '- [ ] Ship', '## Contacts', '## Escalation', '## Sign-off', '## Approvals'),
    );
    expect(phaseTitles(runbook)).toEqual(['Deploy', 'Contacts', 'Escalation', 'Sign-off', 'Approvals']);
  });

  it('counts setext headings (=== is level 1, --- is level 2)', () => {
    const runbook = parse(md('Release', '=======', '', 'Pre-flight', '----------', '', 'Deploy', '---'));
    expect(runbook.title).toBe('Release');
    expect(phaseTitles(runbook)).toEqual(['Pre-flight', 'Deploy']);
    expect(runbook.phases.filter((p) => !p.implicit).map((p) => p.level)).toEqual([2, 2]);
  });

  it('mixes ATX and setext headings in document order', () => {
    const runbook = parse(
      md('# Title', '', 'Setext one', '----------', '', '### ATX two', '', 'Setext three', '---'),
    );
    expect(phaseTitles(runbook)).toEqual(['Setext one', 'ATX two', 'Setext three']);
  });

  it('does not take a thematic break after a blank line for a setext heading', () => {
    expect(
      summarize(md('# T', '', '## Deploy', '', 'Some prose.', '', '---', '', '## Verify')).phases,
    ).toEqual(['Deploy', 'Verify']);
  });
});

describe('phases: heading text is the source minus # marks and surrounding white space', () => {
  it.each([
    ['## Deploy', 'Deploy'],
    ['##    Deploy   ', 'Deploy'],
    ['## Deploy ##', 'Deploy'],
    ['### Deploy ###   ', 'Deploy'],
    ['## **Step 1: Build**', '**Step 1: Build**'],
    ['## 1. Pre-flight', '1. Pre-flight'],
    ['## 2) Deploy', '2) Deploy'],
    ['## Run `db:migrate`', 'Run `db:migrate`'],
    ['## 🚀 Deploy', '🚀 Deploy'],
    ['## ðŸš€ Deploy', 'ðŸš€ Deploy'],
    ['## âœ… **Verify**', 'âœ… **Verify**'],
    ['## ‚úÖ PRE-DEPLOYMENT VERIFICATION', '‚úÖ PRE-DEPLOYMENT VERIFICATION'],
    ['## \uf8ffüß™ TESTING', '\uf8ffüß™ TESTING'],
    ['## _Italic_ and [link](#x)', '_Italic_ and [link](#x)'],
    ['## Step 3: Deploy (≈ 2 min)', 'Step 3: Deploy (≈ 2 min)'],
  ])('%j -> %j', (heading, expected) => {
    expect(summarize(md('# Title', '', heading)).phases).toEqual([expected]);
  });

  it('keeps a setext heading text unchanged', () => {
    expect(summarize(md('# Title', '', '**1. Build** 🚀', '---')).phases).toEqual(['**1. Build** 🚀']);
  });
});

describe('phases: what is left out', () => {
  it('leaves out the title (first heading, when it is an H1)', () => {
    const runbook = parse(md('# Payments release', '', '## Deploy'));
    expect(runbook.title).toBe('Payments release');
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });

  it('lists a later H1 as a phase of level 1', () => {
    const runbook = parse(md('# Release', '## Deploy', '# Appendix', '## Links'));
    expect(phaseTitles(runbook)).toEqual(['Deploy', 'Appendix', 'Links']);
    const appendix = runbook.phases.find((p) => p.title === 'Appendix');
    expect(appendix?.level).toBe(1);
  });

  it('uses the file name as title when the first heading is not an H1, and lists a later H1', () => {
    const runbook = parse(md('## Deploy', '# Later H1'), { fileName: 'payments.md' });
    expect(runbook.title).toBe('payments.md');
    expect(phaseTitles(runbook)).toEqual(['Deploy', 'Later H1']);
    expect(runbook.phases.find((p) => p.title === 'Later H1')?.level).toBe(1);
  });

  it('uses the file name as title when there is no heading', () => {
    expect(parse(md('- [ ] Ship it'), { fileName: 'ship.md' }).title).toBe('ship.md');
  });

  it('ignores headings inside fenced code (``` and ~~~)', () => {
    const runbook = parse(
      md(
        '# T',
        '## Deploy',
        '```bash',
        '# not a heading',
        '## nor this',
        '```',
        '~~~',
        '### nor this',
        '~~~',
        '## Verify',
      ),
    );
    expect(phaseTitles(runbook)).toEqual(['Deploy', 'Verify']);
  });

  it('ignores headings inside a fence nested in a list item', () => {
    const runbook = parse(md('# T', '## Deploy', '1. [ ] Run', '   ```', '   ## Hidden', '   ```'));
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });

  it('ignores headings inside indented code', () => {
    expect(
      summarize(md('# T', '## Deploy', '', 'Example:', '', '    ## Not a heading', '', '## Verify')).phases,
    ).toEqual(['Deploy', 'Verify']);
  });

  it('ignores headings inside HTML comments', () => {
    const runbook = parse(
      md('# T', '## Deploy', '', '<!--', '## Hidden', '### Also hidden', '-->', '', '## Verify'),
    );
    expect(phaseTitles(runbook)).toEqual(['Deploy', 'Verify']);
  });

  it('ignores headings inside front matter', () => {
    const runbook = parse(
      md('---', '# yaml comment, not a heading', 'owner: payments', '---', '# Title', '## Deploy'),
    );
    expect(runbook.title).toBe('Title');
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });

  it('ignores headings inside an unclosed last fence', () => {
    const runbook = parse(md('# T', '## Deploy', '- [ ] Run', '', '```bash', 'echo', '## Swallowed'));
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });
});

describe('phases: bold pseudo-headings', () => {
  it.each([
    ['**Build**', 'Build'],
    ['**Verify:**', 'Verify'],
    ['**Verify**:', 'Verify'],
    ['**Step 2: Deploy**', 'Step 2: Deploy'],
  ])('when only the title exists, %j is a phase titled %j at level 2', (line, title) => {
    const runbook = parse(md('# Release', '', line, '', '- [ ] Do it'));
    const listed = runbook.phases.filter((p) => !p.implicit);
    expect(listed.map((p) => [p.title, p.level])).toEqual([[title, 2]]);
    expect(at(listed, 0).stepIds).toEqual([at(runbook.steps, 0).id]);
  });

  it('opens one pseudo-section per bold line, with its steps', () => {
    const runbook = parse(
      md(
        '# Release',
        '',
        '**Build**',
        '',
        '- [ ] Compile',
        '',
        '**Verify:**',
        '',
        '- [ ] Smoke test',
        '- [ ] Check logs',
      ),
    );
    const listed = runbook.phases.filter((p) => !p.implicit);
    expect(listed.map((p) => p.title)).toEqual(['Build', 'Verify']);
    expect(listed.map((p) => p.stepIds.length)).toEqual([1, 2]);
  });

  it('also applies when the document has no heading at all', () => {
    const runbook = parse(md('**Build**', '', '- [ ] Compile', '', '**Ship**', '', '- [ ] Push'), {
      fileName: 'x.md',
    });
    expect(phaseTitles(runbook)).toEqual(['Build', 'Ship']);
  });

  it('does not take a bold line with other text for a pseudo-heading', () => {
    const runbook = parse(md('# Release', '', '**Note:** read this first.', '', '- [ ] Compile'));
    expect(phaseTitles(runbook)).toEqual([]);
  });

  it('does not take a bold line inside a list item for a pseudo-heading', () => {
    const runbook = parse(
      md('# Release', '', '- [ ] Compile', '', '  **Build**', '', '**Ship**', '', '- [ ] Push'),
    );
    expect(phaseTitles(runbook)).toEqual(['Ship']);
  });

  it('treats bold lines as labels when the document has real headings', () => {
    const runbook = parse(
      md('# Release', '', '## Deploy', '', '**Build**', '', '- [ ] Compile', '', '**Verify:**'),
    );
    expect(phaseTitles(runbook)).toEqual(['Deploy']);
  });
});

describe('phases: implicit phase for steps before any heading', () => {
  it('puts steps before the first heading in an implicit phase that the summary does not list', () => {
    const runbook = parse(md('- [ ] Early step', '', '## Deploy', '- [ ] Ship'), { fileName: 'a.md' });
    const early = at(runbook.steps, 0);
    expect(at(runbook.phases, early.phaseIndex).implicit).toBe(true);
    expect(buildSummary(runbook).phases).toEqual(['Deploy']);
    expect(runbook.phases.filter((p) => p.implicit)).toHaveLength(1);
  });

  it('puts steps between the title H1 and the first H2 in an implicit phase', () => {
    const runbook = parse(md('# Release', '', '- [ ] Early step', '', '## Deploy', '- [ ] Ship'));
    const early = at(runbook.steps, 0);
    expect(at(runbook.phases, early.phaseIndex).implicit).toBe(true);
    const summary = buildSummary(runbook);
    expect(summary.phases).toEqual(['Deploy']);
    expect(summary.stepCount).toBe(2);
  });

  it('makes no implicit phase when no step comes before a heading', () => {
    const runbook = parse(md('# Release', '', 'Intro prose.', '', '## Deploy', '- [ ] Ship'));
    expect(runbook.phases.some((p) => p.implicit)).toBe(false);
  });

  it('marks real phases as not implicit', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Ship'));
    expect(runbook.phases.map((p) => p.implicit)).toEqual([false]);
  });
});

describe('phases: steps belong to the phase of their section', () => {
  it('links steps and phases both ways', () => {
    const runbook = parse(md('# R', '## A', '- [ ] a1', '- [ ] a2', '### A.1', '- [ ] a3', '## B', '1. b1'));
    const listed = runbook.phases.filter((p) => !p.implicit);
    expect(listed.map((p) => p.stepIds.length)).toEqual([2, 1, 1]);
    for (const [index, phase] of runbook.phases.entries()) {
      for (const id of phase.stepIds) {
        expect(runbook.steps.find((s) => s.id === id)?.phaseIndex).toBe(index);
      }
    }
    expect(runbook.steps.map((s) => at(runbook.phases, s.phaseIndex).title)).toEqual(['A', 'A', 'A.1', 'B']);
  });
});
