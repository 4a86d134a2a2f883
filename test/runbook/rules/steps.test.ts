// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures contain ${KEY} placeholders on purpose
// Spec "Rules > Steps": what is a step, and what each step carries.
import { describe, expect, it } from 'vitest';
import { at, md, only, parse, stepTitles, summarize } from './helpers.js';

const inDeploy = (...lines: string[]) => md('# Release', '', '## Deploy', '', ...lines);

describe('steps: task-list and ordered items are steps', () => {
  it.each([
    ['- [ ] Dash unticked', false],
    ['* [x] Star ticked', true],
    ['+ [X] Plus capital X ticked', true],
    ['- [x] Dash ticked', true],
    ['1. [ ] Ordered task unticked', false],
    ['1. [x] Ordered task ticked', true],
    ['1) [ ] Paren ordered task', false],
    ['1. Ordered dot', false],
    ['1) Ordered paren', false],
    ['7. Ordered starting at 7', false],
  ])('%j is one step (checked = %s)', (line, checked) => {
    const runbook = parse(inDeploy(line));
    const step = only(runbook.steps);
    expect(step.checked).toBe(checked);
    expect(step.title).toBe(line.replace(/^(?:[-*+]|\d+[.)]) (?:\[[ xX]\] )?/, ''));
  });

  it('counts lazy 1. 1. 1. numbering as three steps', () => {
    expect(stepTitles(parse(inDeploy('1. First', '1. Second', '1. Third')))).toEqual([
      'First',
      'Second',
      'Third',
    ]);
  });

  it('counts every item of a long list once', () => {
    const lines = Array.from({ length: 12 }, (_, i) => `- [ ] Item ${i + 1}`);
    expect(summarize(inDeploy(...lines)).stepCount).toBe(12);
  });

  it('counts children separately from their parent, at any depth', () => {
    const runbook = parse(
      inDeploy(
        '- [ ] Level 0',
        '  - [ ] Level 1',
        '    - [x] Level 2',
        '      - [ ] Level 3',
        '        1. Level 4 ordered',
        '- [ ] Level 0 again',
      ),
    );
    expect(stepTitles(runbook)).toEqual([
      'Level 0',
      'Level 1',
      'Level 2',
      'Level 3',
      'Level 4 ordered',
      'Level 0 again',
    ]);
    expect(runbook.steps.map((s) => s.depth)).toEqual([0, 1, 2, 3, 4, 0]);
    expect(runbook.steps.map((s) => s.checked)).toEqual([false, false, true, false, false, false]);
  });

  it('nests task items under ordered items and the other way round', () => {
    const runbook = parse(inDeploy('1. Prepare', '   - [ ] Sub-task', '2. [ ] Ship', '   1. Sub-step'));
    expect(runbook.steps.map((s) => [s.title, s.depth])).toEqual([
      ['Prepare', 0],
      ['Sub-task', 1],
      ['Ship', 0],
      ['Sub-step', 1],
    ]);
  });
});

describe('steps: depth and parentId', () => {
  it('sets parentId to the enclosing step id, null at the top', () => {
    const runbook = parse(inDeploy('- [ ] Parent', '  - [ ] Child', '    - [ ] Grandchild', '- [ ] Sibling'));
    const [parent, child, grandchild, sibling] = [0, 1, 2, 3].map((i) => at(runbook.steps, i));
    expect(parent?.parentId).toBeNull();
    expect(child?.parentId).toBe(parent?.id);
    expect(grandchild?.parentId).toBe(child?.id);
    expect(sibling?.parentId).toBeNull();
  });

  it('skips plain bullets in between: depth counts ancestor steps only', () => {
    const runbook = parse(inDeploy('1. [ ] Parent', '   - a plain note', '     - [ ] Under the note'));
    expect(stepTitles(runbook)).toEqual(['Parent', 'Under the note']);
    const child = at(runbook.steps, 1);
    expect(child.depth).toBe(1);
    expect(child.parentId).toBe(at(runbook.steps, 0).id);
  });

  it('gives depth 0 and no parent to a step under a plain bullet', () => {
    const runbook = parse(inDeploy('- Section label', '  - [ ] Real step'));
    const step = only(runbook.steps);
    expect(step.depth).toBe(0);
    expect(step.parentId).toBeNull();
  });
});

describe('steps: title, text, line', () => {
  it.each([
    ['- [ ] **Deploy** the `api` service', 'Deploy the api service'],
    ['- [ ] Open [the dashboard](https://grafana.example.com/d/1)', 'Open the dashboard'],
    ['- [ ] ~~Old~~ New step', 'Old New step'],
    ['- [ ] _Carefully_ drain node', 'Carefully drain node'],
    ['1. [x] ✅ Done with emoji', '✅ Done with emoji'],
    ['- [ ] ðŸš€ Launch', 'ðŸš€ Launch'],
  ])('title of %j is %j', (line, title) => {
    expect(only(parse(inDeploy(line)).steps).title).toBe(title);
  });

  it('uses only the first line for the title, and keeps continuation lines in the text', () => {
    const runbook = parse(
      inDeploy('1. [ ] Deploy the api', '   to production', '', '   Then tell #releases.'),
    );
    const step = only(runbook.steps);
    expect(step.title).toBe('Deploy the api');
    expect(step.text).toContain('to production');
    expect(step.text).toContain('Then tell #releases.');
  });

  it('leaves nested items out of the text', () => {
    const runbook = parse(inDeploy('- [ ] Parent step', '  - [ ] Child step'));
    expect(at(runbook.steps, 0).text).not.toContain('Child step');
  });

  it('keeps the item source as markdown', () => {
    const step = only(parse(inDeploy('- [ ] **Deploy** `api`')).steps);
    expect(step.markdown).toContain('**Deploy** `api`');
  });

  it('records the line where each item starts', () => {
    const runbook = parse(
      md('# R', '', '## Deploy', '', '- [ ] One', '- [ ] Two', '  - [ ] Two.a', '', '1. Three'),
    );
    expect(runbook.steps.map((s) => s.line)).toEqual([5, 6, 7, 9]);
  });
});

describe('steps: what is not a step', () => {
  it.each([
    ['plain dash bullets', ['- one', '- two']],
    ['plain star bullets', ['* one', '* two']],
    ['plain plus bullets', ['+ one', '+ two']],
    [
      'table rows, even with a box in a cell',
      ['| Check | Done |', '|---|---|', '| Backups | ☐ |', '| [ ] Logs | ☑ |'],
    ],
    ['items in fenced code', ['```markdown', '- [ ] not a step', '1. nor this', '```']],
    ['items in tilde code', ['~~~', '- [ ] not a step', '~~~']],
    ['items in indented code', ['Example:', '', '    - [ ] not a step', '    1. nor this']],
    ['items in an HTML comment', ['<!--', '- [ ] not a step', '1. nor this', '-->']],
    ['items in a blockquote', ['> - [ ] not a step', '> 1. nor this']],
    ['items in a GitHub alert', ['> [!WARNING]', '> - [ ] not a step', '> 1. nor this']],
    ['items in a nested blockquote', ['> Note', '>', '> > - [ ] not a step']],
    [
      'link-only items (table of contents)',
      ['1. [Pre-flight](#pre-flight)', '2. [Deploy](#deploy)', '   - [Canary](#canary)'],
    ],
    ['link-only task item', ['- [ ] [Deploy](#deploy)']],
    ['bare-URL items', ['1. https://grafana.example.com/d/checkout', '- [ ] www.example.com/status']],
    ['empty ordered items', ['1.', '', '2.']],
    ['prose that mentions [ ] boxes', ['[ ] not a list item', '', 'Paragraph with 1. in it']],
  ])('%s', (_name, lines) => {
    expect(summarize(inDeploy(...lines)).stepCount).toBe(0);
  });

  it('skips empty items but keeps their siblings', () => {
    expect(stepTitles(parse(inDeploy('1. [ ] A', '', '2.', '', '3. [ ] B')))).toEqual(['A', 'B']);
  });

  it('counts an item with a link and other text', () => {
    expect(
      stepTitles(parse(inDeploy('1. Open [Grafana](https://grafana.example.com) and check errors'))),
    ).toEqual(['Open Grafana and check errors']);
  });

  it('reads a task item whose text starts on the line after the box', () => {
    const runbook = parse(inDeploy('- [ ]', '  Deploy version ${VERSION}'));
    const step = only(runbook.steps);
    expect(step.title).toBe('Deploy version ${VERSION}');
    expect(step.markdown).toBe('Deploy version ${VERSION}');
    expect(step.markdownLine).toBe(step.line + 1);
    expect(only(runbook.placeholders).line).toBe(step.line + 1);
  });

  it('counts items inside <details> (not code, comment or blockquote)', () => {
    const runbook = parse(
      inDeploy('<details>', '<summary>More</summary>', '', '- [ ] Inside details', '', '</details>'),
    );
    expect(stepTitles(runbook)).toEqual(['Inside details']);
  });

  it('counts the steps around a blockquote but not inside it', () => {
    const runbook = parse(inDeploy('- [ ] Before', '', '> [!NOTE]', '> - [ ] Quoted', '', '- [ ] After'));
    expect(stepTitles(runbook)).toEqual(['Before', 'After']);
  });

  it('does not count plain bullets but counts steps nested under them', () => {
    const runbook = parse(inDeploy('- Group', '  - [ ] Task A', '  - detail', '- [x] Task B'));
    expect(stepTitles(runbook)).toEqual(['Task A', 'Task B']);
  });
});

describe('steps: items in contact, escalation, on-call, sign-off and approval sections are not steps', () => {
  it.each([
    'Contacts',
    'Emergency contact list',
    'Escalation',
    'Escalation path',
    '3. Escalation Fails',
    'On-call',
    'ON-CALL rota',
    'Sign-off',
    'Signoff',
    'Approval',
    'Approvals',
    'Final approval checklist',
  ])('## %s', (heading) => {
    const runbook = parse(
      md(
        '# R',
        '## Deploy',
        '- [ ] Real step',
        `## ${heading}`,
        '- [ ] Release captain',
        '1. Ingrid Solberg',
        '1) Second',
        '* [x] Done already',
      ),
    );
    expect(stepTitles(runbook)).toEqual(['Real step']);
  });

  it('also excludes items in sub-sections of such a section, and resumes after it', () => {
    const runbook = parse(
      md(
        '# R',
        '## Contacts',
        '### Engineering',
        '1. Lead developer',
        '#### Backups',
        '- [ ] Secondary',
        '## Deploy',
        '- [ ] Real step',
      ),
    );
    expect(stepTitles(runbook)).toEqual(['Real step']);
  });

  it('does not exclude a section whose sibling before it matched', () => {
    const runbook = parse(md('# R', '### On-call', '1. Someone', '## Verify', '- [ ] Real step'));
    expect(stepTitles(runbook)).toEqual(['Real step']);
  });
});

describe('steps: rollback steps count in the total', () => {
  it('counts steps of rollback sections in stepCount', () => {
    const summary = summarize(md('# R', '## Deploy', '- [ ] a', '- [ ] b', '## Rollback', '1. c', '2. d'));
    expect(summary.stepCount).toBe(4);
    expect(summary.rollbackSteps).toBe(2);
  });
});
