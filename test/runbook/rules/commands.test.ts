// Spec "Rules > Commands": fenced code attached to steps.
import { describe, expect, it } from 'vitest';
import { at, diagnosticsOf, md, only, parse, summarize } from './helpers.js';

const inDeploy = (...lines: string[]) => md('# Release', '', '## Deploy', '', ...lines);

describe('commands: fences inside the step item', () => {
  it('attaches a fence inside the item to that step, with language, code and line', () => {
    const runbook = parse(
      inDeploy('1. [ ] Apply the manifest', '   ```bash', '   kubectl apply -f deploy.yaml', '   ```'),
    );
    expect(only(runbook.steps).commands).toEqual([
      { language: 'bash', code: 'kubectl apply -f deploy.yaml', line: 6 },
    ]);
  });

  it('attaches several fences to one step', () => {
    const runbook = parse(
      inDeploy(
        '- [ ] Migrate',
        '',
        '  ```sql',
        '  SELECT 1;',
        '  ```',
        '',
        '  Expected output:',
        '',
        '  ```text',
        '  1 row',
        '  ```',
      ),
    );
    expect(only(runbook.steps).commands.map((c) => [c.language, c.code])).toEqual([
      ['sql', 'SELECT 1;'],
      ['text', '1 row'],
    ]);
    expect(summarize(inDeploy('- [ ] M', '  ```', '  a', '  ```', '  ```', '  b', '  ```')).commands).toBe(2);
  });

  it('attaches a fence to the nearest enclosing step, not to its parent', () => {
    const runbook = parse(
      inDeploy(
        '1. [ ] Parent',
        '   - [ ] Child',
        '     ```bash',
        '     child-command',
        '     ```',
        '2. [ ] Next',
      ),
    );
    expect(runbook.steps.map((s) => [s.title, s.commands.length])).toEqual([
      ['Parent', 0],
      ['Child', 1],
      ['Next', 0],
    ]);
  });

  it('attaches a fence inside a plain bullet under a step to that step', () => {
    const runbook = parse(
      inDeploy('1. [ ] Deploy', '   - on Linux:', '     ```sh', '     make deploy', '     ```'),
    );
    expect(only(runbook.steps).commands.map((c) => c.code)).toEqual(['make deploy']);
  });

  it('does not attach a fence inside a plain bullet with no step around it', () => {
    expect(summarize(inDeploy('- Note', '  ```bash', '  echo hi', '  ```')).commands).toBe(0);
  });
});

describe('commands: fences that follow a list', () => {
  it('attaches a column-0 fence right after a numbered step (no blank line)', () => {
    const runbook = parse(inDeploy('1. Build the image', '```bash', 'docker build .', '```', '2. Push it'));
    expect(runbook.steps.map((s) => [s.title, s.commands.map((c) => c.code)])).toEqual([
      ['Build the image', ['docker build .']],
      ['Push it', []],
    ]);
  });

  it.each([1, 2, 3])('attaches a fence after %i blank line(s) to the last step', (blanks) => {
    const runbook = parse(
      inDeploy(
        '- [ ] First',
        '- [ ] Last',
        ...Array.from({ length: blanks }, () => ''),
        '```bash',
        'run-it',
        '```',
      ),
    );
    expect(runbook.steps.map((s) => s.commands.length)).toEqual([0, 1]);
  });

  it('attaches to the innermost last item when it is a step', () => {
    const runbook = parse(inDeploy('1. [ ] Parent', '   - [ ] Child', '', '```bash', 'x', '```'));
    expect(runbook.steps.map((s) => [s.title, s.commands.length])).toEqual([
      ['Parent', 0],
      ['Child', 1],
    ]);
  });

  it('attaches to the nearest step ancestor when the innermost last item is a plain bullet', () => {
    const runbook = parse(inDeploy('1. [ ] Deploy', '   - a note about it', '', '```bash', 'x', '```'));
    expect(only(runbook.steps).commands).toHaveLength(1);
  });

  it('does not attach after a list of plain bullets', () => {
    expect(
      summarize(inDeploy('- [ ] Step', '', 'Notes:', '', '- plain', '- bullets', '', '```bash', 'x', '```'))
        .commands,
    ).toBe(0);
  });

  it('does not attach after a list in a contacts section (its items are not steps)', () => {
    expect(
      summarize(
        md('# R', '## Deploy', '- [ ] Ship', '## Contacts', '1. SRE: @sre', '', '```', 'page sre', '```'),
      ).commands,
    ).toBe(0);
  });
});

describe('commands: fences that belong to no step', () => {
  it.each([
    ['after a paragraph', ['- [ ] Ship', '', 'Run this:', '', '```bash', 'x', '```']],
    ['after a bold label', ['1. [ ] Ship', '', '**Commands:**', '```bash', 'x', '```']],
    ['right after a heading', ['- [ ] Ship', '', '### Commands', '```bash', 'x', '```']],
    [
      'after </details>',
      [
        '- [ ] Ship',
        '',
        '<details>',
        '<summary>Log</summary>',
        '',
        'text',
        '',
        '</details>',
        '',
        '```',
        'x',
        '```',
      ],
    ],
    ['after <details>', ['- [ ] Ship', '', '<details>', '', '```bash', 'x', '```', '', '</details>']],
    ['after an HTML comment', ['- [ ] Ship', '', '<!-- generated -->', '', '```bash', 'x', '```']],
    ['after a table', ['- [ ] Ship', '', '| a | b |', '|---|---|', '| 1 | 2 |', '', '```bash', 'x', '```']],
    ['after a blockquote', ['- [ ] Ship', '', '> careful', '', '```bash', 'x', '```']],
    ['after a thematic break', ['- [ ] Ship', '', '---', '', '```bash', 'x', '```']],
    ['with no list before it', ['```bash', 'x', '```']],
  ])('%s', (_name, lines) => {
    expect(summarize(inDeploy(...lines)).commands).toBe(0);
  });

  it('does not attach a fence right after a heading even when a list came before the heading', () => {
    const runbook = parse(md('# R', '## A', '- [ ] Step', '## B', '```bash', 'x', '```'));
    expect(runbook.steps.map((s) => s.commands.length)).toEqual([0]);
  });
});

describe('commands: what is never a command', () => {
  it('ignores indented code in a step item', () => {
    expect(summarize(inDeploy('1. [ ] Deploy', '', '       make deploy', '', '2. [ ] Verify')).commands).toBe(
      0,
    );
  });

  it('ignores indented code after a list', () => {
    expect(summarize(inDeploy('- [ ] Deploy', '', 'Example:', '', '    make deploy')).commands).toBe(0);
  });

  it('ignores inline code', () => {
    expect(summarize(inDeploy('- [ ] Run `kubectl apply -f x.yaml` then ``make`` ')).commands).toBe(0);
  });

  it('ignores a fence inside an HTML comment', () => {
    expect(summarize(inDeploy('- [ ] Ship', '', '<!--', '```bash', 'x', '```', '-->')).commands).toBe(0);
  });

  it('ignores a fence inside a blockquote after a list', () => {
    expect(summarize(inDeploy('- [ ] Ship', '', '> ```bash', '> x', '> ```')).commands).toBe(0);
  });
});

describe('commands: fence syntax', () => {
  it.each([
    ['```bash', '```', 'bash'],
    ['```sh', '```', 'sh'],
    ['~~~sql', '~~~', 'sql'],
    ['~~~~ yaml', '~~~~', 'yaml'],
    ['````bash', '````', 'bash'],
    ['```bash title="deploy.sh"', '```', 'bash'],
    ['```console', '```', 'console'],
    ['```text', '```', 'text'],
    ['```', '```', null],
    ['~~~', '~~~', null],
  ])('%j ... %j gives language %j', (open, close, language) => {
    const runbook = parse(inDeploy('- [ ] Run', '', open, 'do-it', close));
    expect(only(runbook.steps).commands.map((c) => c.language)).toEqual([language]);
  });

  it('keeps a longer fence wrapping shorter ones as one command', () => {
    const runbook = parse(
      inDeploy(
        '- [ ] Write the README',
        '',
        '````markdown',
        '```bash',
        'inner',
        '```',
        '````',
        '',
        '- [ ] Next',
      ),
    );
    expect(runbook.steps.map((s) => s.commands.map((c) => [c.language, c.code]))).toEqual([
      [['markdown', '```bash\ninner\n```']],
      [],
    ]);
    expect(runbook.diagnostics.filter((d) => d.code === 'runbook.unclosed_fence')).toEqual([]);
  });

  it('keeps a tilde fence wrapping a backtick fence as one command', () => {
    const runbook = parse(inDeploy('- [ ] Doc', '', '~~~', '```', 'x', '```', '~~~'));
    expect(only(runbook.steps).commands.map((c) => c.code)).toEqual(['```\nx\n```']);
  });

  it('keeps multi-line code with \\n line endings and without the fence lines', () => {
    const runbook = parse(inDeploy('- [ ] Run', '', '```bash', 'set -e', '', 'make all', '```'));
    expect(only(runbook.steps).commands.map((c) => c.code)).toEqual(['set -e\n\nmake all']);
  });

  it('normalises CRLF inside code to \\n', () => {
    const source = ['# R', '## Deploy', '- [ ] Run', '', '```bash', 'one', 'two', '```', ''].join('\r\n');
    expect(only(parse(source).steps).commands.map((c) => c.code)).toEqual(['one\ntwo']);
  });

  it('records the line of the opening fence', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Run', '', '', '~~~sh', 'x', '~~~'));
    expect(only(runbook.steps).commands.map((c) => c.line)).toEqual([6]);
  });
});

describe('commands: an unclosed last fence', () => {
  it('is still a command, runs to the end, and is reported', () => {
    const runbook = parse(
      md('# R', '## Deploy', '1. [ ] Tail the logs', '', '```bash', 'kubectl logs -f api', 'echo done'),
    );
    expect(only(runbook.steps).commands).toEqual([
      { language: 'bash', code: 'kubectl logs -f api\necho done', line: 5 },
    ]);
    const warning = only(diagnosticsOf(runbook, 'runbook.unclosed_fence'));
    expect(warning.severity).toBe('warning');
    expect(warning.line).toBe(5);
    expect(warning.column).toBe(1);
  });

  it('is still a command when inside the step item', () => {
    const runbook = parse(md('# R', '## Deploy', '- [ ] Run', '  ```sh', '  make'));
    expect(only(runbook.steps).commands.map((c) => [c.language, c.code])).toEqual([['sh', 'make']]);
    expect(diagnosticsOf(runbook, 'runbook.unclosed_fence')).toHaveLength(1);
  });

  it('counts in the summary', () => {
    expect(
      summarize(md('# R', '## Deploy', '- [ ] a', '```', 'x', '```', '- [ ] b', '', '```', 'y')).commands,
    ).toBe(2);
  });
});

describe('commands: the summary total', () => {
  it('sums commands over all steps, rollback steps included', () => {
    const summary = summarize(
      md(
        '# R',
        '## Deploy',
        '1. [ ] Build',
        '   ```',
        '   make',
        '   ```',
        '2. [ ] Push',
        '```',
        'docker push',
        '```',
        '## Rollback',
        '1. Revert',
        '',
        '```',
        'helm rollback',
        '```',
      ),
    );
    expect(summary.commands).toBe(3);
    const runbook = parse(md('# R', '## Rollback', '1. Revert', '', '```', 'helm rollback', '```'));
    expect(at(runbook.steps, 0).commands).toHaveLength(1);
  });
});
