// Spec "Step ids must be stable for a given file content", and the id decisions.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { describe, expect, it } from 'vitest';
import { md, parse } from './helpers.js';

const source = md(
  '# Release',
  '',
  '- [ ] Before any heading',
  '',
  '## Verify',
  '- [ ] Check',
  '- [ ] Check',
  '  - [ ] Check',
  '## Deploy',
  '1. Check',
  '## Verify',
  '- [ ] Check',
  '### Verify',
  '- [ ] Check',
  '## Rollback',
  '- [ ] Check',
  '## Sign-off',
  '- [ ] QA',
  '- [ ] QA',
  '',
  'Approved By: ____ Approved By: ____',
);

describe('ids: unique within a runbook', () => {
  it('gives every step a distinct non-empty id, even with equal texts', () => {
    const ids = parse(source).steps.map((s) => s.id);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.length).toBeGreaterThan(0);
  });

  it('gives every phase a distinct non-empty id, even with equal headings', () => {
    const ids = parse(source).phases.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.length).toBeGreaterThan(0);
  });

  it('gives every approval a distinct id', () => {
    const ids = parse(source).approvals.map((a) => a.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });
});

describe('ids: stable for the same content', () => {
  it('gives identical ids when the same content is parsed twice', () => {
    const a = parse(source);
    const b = parse(source);
    expect(b.steps.map((s) => s.id)).toEqual(a.steps.map((s) => s.id));
    expect(b.phases.map((p) => p.id)).toEqual(a.phases.map((p) => p.id));
    expect(b.approvals.map((x) => x.id)).toEqual(a.approvals.map((x) => x.id));
    expect(b).toEqual(a);
  });

  it('does not depend on the file name option', () => {
    const a = parse(source, { fileName: 'a.md' });
    const b = parse(source, { fileName: 'b.md' });
    expect(b.steps.map((s) => s.id)).toEqual(a.steps.map((s) => s.id));
    expect(b.phases.map((p) => p.id)).toEqual(a.phases.map((p) => p.id));
  });

  it('keeps a phase id when another phase is added before it (derived from text and rank among equal headings)', () => {
    const before = parse(md('# R', '## Deploy', '## Verify'));
    const after = parse(md('# R', '## Pre-flight', '## Deploy', '## Verify'));
    const id = (runbook: ReturnType<typeof parse>, title: string) =>
      runbook.phases.find((p) => p.title === title)?.id;
    expect(id(after, 'Deploy')).toBe(id(before, 'Deploy'));
    expect(id(after, 'Verify')).toBe(id(before, 'Verify'));
  });
});

describe('ids: references are consistent', () => {
  it('makes parentId, stepIds and phaseIndex point at existing entries', () => {
    const runbook = parse(source);
    const stepIds = new Set(runbook.steps.map((s) => s.id));
    for (const step of runbook.steps) {
      if (step.parentId !== null) expect(stepIds.has(step.parentId)).toBe(true);
      expect(runbook.phases[step.phaseIndex]?.stepIds).toContain(step.id);
    }
    expect(runbook.phases.flatMap((p) => p.stepIds)).toEqual(runbook.steps.map((s) => s.id));
  });

  it('lists each placeholder key once', () => {
    const runbook = parse(
      md('# R', '## Deploy', '- [ ] ${A} and ${B}', '- [ ] ${A} again', '  ```', '  echo ${B} ${C}', '  ```'),
    );
    expect(runbook.placeholders.map((p) => p.key)).toEqual(['A', 'B', 'C']);
  });
});
