// Owners (README "Owners"): a front-matter map, a trailing `(owner: @handle)` or `Owner: Name`.
import { describe, expect, it } from 'vitest';
import { md, parse, summarize } from './helpers.js';

describe('owners', () => {
  it('reads phase owners from headings and the front matter, step owners from items', () => {
    const summary = summarize(
      md(
        '---',
        'owners:',
        '  verify: SRE',
        '  Deploy: "@ignored"',
        '---',
        '# Release',
        '## Deploy (owner: @rmendes)',
        '- [ ] Ship it',
        '- [ ] Migrate the database. Owner: Ingrid Solberg',
        '- [ ] Check the dashboards',
        '  Owner: @mtanaka',
        '## Verify',
        '- [ ] Look around',
      ),
    );
    expect(summary.owners).toStrictEqual([
      { phase: 'Deploy (owner: @rmendes)', owner: '@rmendes' },
      { phase: 'Verify', owner: 'SRE' },
      {
        phase: 'Deploy (owner: @rmendes)',
        step: 'Migrate the database. Owner: Ingrid Solberg',
        owner: 'Ingrid Solberg',
      },
      { phase: 'Deploy (owner: @rmendes)', step: 'Check the dashboards', owner: '@mtanaka' },
    ]);
  });

  it('leaves the key out when nothing is owned, and does not read "owner:" inside a sentence', () => {
    const summary = summarize(
      md('# R', '## Deploy', '- [ ] Ask the database owner: is the window still open?', '- [ ] Ship'),
    );
    expect(summary.owners).toBeUndefined();
  });

  it('reports a front-matter owners map that names no phase, or a value that is not a name', () => {
    const text = md(
      '---',
      'owners:',
      '  Nope: SRE',
      '  Deploy: [1]',
      '---',
      '# R',
      '## Deploy',
      '- [ ] Ship',
    );
    expect(parse(text).diagnostics.map((d) => [d.code, d.message])).toEqual(
      expect.arrayContaining([
        ['runbook.front_matter_invalid', 'front matter: owners.Nope names no phase of this runbook'],
        ['runbook.front_matter_invalid', 'front matter: owners.Deploy must be a person or role'],
      ]),
    );
    expect(summarize(text).owners).toBeUndefined();
  });
});
