import { describe, expect, it } from 'vitest';
import { buildParentMessage, buildPhaseMessages } from '../../../src/slack/blocks/index.js';
import { BASIC, deepFreeze, GATED, Harness, rollingBack, WAIT } from '../../runs/support.js';
import { validateMessage, viewOf } from './support.js';

/** Runs in a few different states. */
const CASES: [string, () => Harness][] = [
  ['a new run', () => new Harness(BASIC, { params: { b: '2', a: '1' } })],
  [
    'a run waiting on a gate',
    () => {
      const run = new Harness(GATED);
      run.complete('Announce in #deploys');
      run.sign('SRE', 'USRE1');
      return run;
    },
  ],
  [
    'a run with a running wait',
    () => {
      const run = new Harness(WAIT);
      run.ok({ type: 'start_wait', userId: 'UW', stepId: run.step('Watch the canary for 10 minutes') });
      run.clock.advanceMinutes(3);
      return run;
    },
  ],
  ['a run rolling back', () => rollingBack(2).run],
];

function renderAll(run: Harness) {
  const view = viewOf(run);
  return {
    parent: buildParentMessage(view),
    phases: run.runbook.phases.map((_, i) => buildPhaseMessages(view, i)),
  };
}

describe('determinism', () => {
  it.each(CASES)('renders %s the same way every time, without touching its input', (_name, make) => {
    const run = make();
    deepFreeze(run.runbook);
    const first = renderAll(run);
    const again = renderAll(run);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(JSON.stringify(renderAll(make()))).toBe(JSON.stringify(first));
    validateMessage(first.parent);
    first.phases.flat().forEach(validateMessage);
  });

  it('does not depend on the order parameters were given in', () => {
    const a = buildParentMessage(viewOf(new Harness(BASIC, { params: { a: '1', b: '2' } })));
    const b = buildParentMessage(viewOf(new Harness(BASIC, { params: { b: '2', a: '1' } })));
    expect(b).toEqual(a);
  });
});
