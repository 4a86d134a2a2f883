// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { describe, expect, it } from 'vitest';
import { buildPhaseMessages } from '../../../src/slack/blocks/index.js';
import { ACTIONS, decodeValue } from '../../../src/slack/ids.js';
import { BASIC, GATED, Harness, rollingBack, WAIT } from '../../runs/support.js';
import { allText, buttonsOf, type Message, validateMessage, viewOf } from './support.js';

/** Renders a phase and checks every limit on every message. */
function render(run: Harness, phaseTitle: string, overrides = {}): Message[] {
  const messages = buildPhaseMessages(viewOf(run, overrides), run.phase(phaseTitle));
  expect(messages.length).toBeGreaterThan(0);
  messages.forEach(validateMessage);
  return messages;
}

const COMMANDS = `---
params: { namespace: payments }
---
# Release

## Deploy
- [ ] Deploy \${version} to \${env:-staging}

  \`\`\`bash
  helm upgrade api ./chart --set image.tag=\${version} --namespace \${namespace} --context \${cluster}
  \`\`\`

- [ ] Tell **#deploys** it is out
  - [ ] Post the link
    - [ ] Pin it

## Rollback
- [ ] Roll back
`;

describe('buildPhaseMessages', () => {
  it('puts Done buttons only on the pending steps of the current phase', () => {
    const run = new Harness(BASIC);
    const prepare = render(run, 'Prepare');
    const done = buttonsOf(prepare).filter((b) => b.actionId === ACTIONS.stepDone);
    expect(done.map((b) => b.text)).toEqual(['Done', 'Done']);
    expect(done.map((b) => decodeValue(b.value)?.stepId)).toEqual([
      run.step('Announce in #deploys'),
      run.step('Check the dashboards'),
    ]);
    expect(done.every((b) => b.raw.style === 'primary')).toBe(true);
    const deploy = render(run, 'Deploy');
    expect(buttonsOf(deploy)).toEqual([]);
    expect(allText(deploy)).toContain('Opens when *Prepare* is finished.');
    expect(allText(deploy)).toContain('⬜ Deploy to canary');
  });

  it('shows who did a step and when instead of its buttons, with a small Undo', () => {
    const run = new Harness(BASIC);
    run.clock.advanceMinutes(2);
    run.complete('Announce in #deploys', 'U0DEPLOYER');
    run.ok({ type: 'skip_step', userId: 'U0SKIPPER', stepId: run.step('Check the dashboards') });
    const prepare = render(run, 'Prepare');
    const text = allText(prepare);
    expect(text).toContain('✅ Done by <@U0DEPLOYER> at 14:02 UTC');
    expect(text).toContain('⏭️ Skipped by <@U0SKIPPER> at 14:02 UTC');
    expect(buttonsOf(prepare).map((b) => [b.actionId, b.text])).toEqual([
      [ACTIONS.stepUndo, 'Undo'],
      [ACTIONS.stepUndo, 'Undo'],
    ]);
    expect(allText(prepare)).toContain('✅ Prepare');
    const deploy = render(run, 'Deploy');
    expect(buttonsOf(deploy).filter((b) => b.actionId === ACTIONS.stepDone)).toHaveLength(2);
  });

  it('offers every action on a pending step, at most five, the destructive one confirmed', () => {
    const run = new Harness(COMMANDS, { params: { version: '1.4.2' } });
    const [msg] = render(run, 'Deploy');
    const first = buttonsOf(msg ?? []).filter(
      (b) => decodeValue(b.value)?.stepId === run.runbook.steps[0]?.id,
    );
    expect(first.map((b) => b.text)).toEqual(['Done', 'I ran it', 'Skip', 'Mark failed']);
    expect(first.find((b) => b.actionId === ACTIONS.stepFail)?.raw.confirm).toBeDefined();
  });

  it('fills ${KEY} in text and commands from the parameters and front-matter defaults', () => {
    const run = new Harness(COMMANDS, { params: { version: '1.4.2' } });
    const text = allText(render(run, 'Deploy'));
    expect(text).toContain('⬜ Deploy 1.4.2 to staging');
    expect(text).toContain(
      '```helm upgrade api ./chart --set image.tag=1.4.2 --namespace payments --context ${cluster}```',
    );
    expect(text).not.toContain('${version}');
    const unfilled = allText(render(new Harness(COMMANDS), 'Deploy'));
    expect(unfilled).toContain('⬜ Deploy `${version}` to staging');
  });

  it('indents nested steps by depth', () => {
    const text = allText(render(new Harness(COMMANDS), 'Deploy'));
    expect(text).toContain('⬜ Tell *#deploys* it is out');
    expect(text).toContain('↳ ⬜ Post the link');
    expect(text).toContain('\u2003↳ ⬜ Pin it');
  });

  it('offers a timer on a wait step, and confirms marking it done early', () => {
    const run = new Harness(WAIT);
    const wait = run.step('Watch the canary for 10 minutes');
    const buttonsOfWait = () =>
      buttonsOf(render(run, 'Deploy')).filter((b) => decodeValue(b.value)?.stepId === wait);
    let buttons = buttonsOfWait();
    expect(buttons.map((b) => b.text)).toEqual(['Done', 'Start 10-minute timer', 'Skip', 'Mark failed']);
    expect(buttons[0]?.actionId).toBe(ACTIONS.stepDoneEarly);
    expect(buttons[1]?.actionId).toBe(ACTIONS.stepStartWait);
    const confirm = buttons[0]?.raw.confirm as { text: { text: string } };
    expect(confirm.text.text).toMatch(/^The 10-minute wait is not over/);
    expect(allText(render(run, 'Deploy'))).toContain('⏱ 10-minute wait');

    run.clock.advanceMinutes(1);
    run.ok({ type: 'start_wait', userId: 'UWATCHER', stepId: wait });
    buttons = buttonsOfWait();
    expect(buttons.map((b) => b.actionId)).toEqual([
      ACTIONS.stepDoneEarly,
      ACTIONS.stepSkip,
      ACTIONS.stepFail,
    ]);
    expect((buttons[0]?.raw.confirm as { text: { text: string } } | undefined)?.text.text).toBe(
      'The 10-minute wait is not over (it ends at 14:11 UTC). Mark this step done anyway?',
    );
    expect(allText(render(run, 'Deploy'))).toContain('⏳ Timer ends at 14:11 UTC, started by <@UWATCHER>');

    run.clock.advanceMinutes(10);
    buttons = buttonsOfWait();
    expect(buttons[0]?.actionId).toBe(ACTIONS.stepDone);
    expect(buttons[0]?.raw.confirm).toBeUndefined();
    expect(allText(render(run, 'Deploy'))).toContain('⏱ Wait over at 14:11 UTC, started by <@UWATCHER>');
  });

  it('shows a failed step with its reason and an Undo', () => {
    const run = new Harness(BASIC);
    run.ok({
      type: 'fail_step',
      userId: 'U0OPS',
      stepId: run.step('Announce in #deploys'),
      reason: 'Slack is down',
    });
    const msgs = render(run, 'Prepare');
    expect(allText(msgs)).toContain('❌ Failed by <@U0OPS> at 14:00 UTC: Slack is down');
    expect(buttonsOf(msgs).map((b) => b.actionId)).toEqual([
      ACTIONS.stepUndo,
      ACTIONS.stepDone,
      ACTIONS.stepSkip,
      ACTIONS.stepFail,
    ]);
  });

  it('shows an approval gate where it sits, with Approve buttons until it is signed', () => {
    const run = new Harness(GATED);
    const approvals = () => buttonsOf(render(run, 'Prepare')).filter((b) => b.actionId === ACTIONS.approve);
    expect(approvals().map((b) => b.text)).toEqual(['Approve (SRE)', 'Approve (Release captain)']);
    run.complete('Announce in #deploys');
    const deploy = render(run, 'Deploy');
    expect(buttonsOf(deploy).filter((b) => b.actionId === ACTIONS.stepDone)).toEqual([]);
    expect(allText(deploy)).toContain(
      '🔒 Opens when the approval gate is signed: SRE (0 of 2), Release captain.',
    );
    run.sign('SRE', 'USRE1');
    run.sign('SRE', 'USRE2');
    expect(approvals().map((b) => b.text)).toEqual(['Approve (Release captain)']);
    run.sign('Release captain', 'UCAPTAIN');
    expect(approvals()).toEqual([]);
    expect(allText(render(run, 'Prepare'))).toContain('✅ *Approval gate signed*');
    expect(buttonsOf(render(run, 'Deploy')).filter((b) => b.actionId === ACTIONS.stepDone)).toHaveLength(2);
  });

  it('collapses rollback phases until a rollback starts, and marks them not needed when the run completes', () => {
    const run = new Harness(BASIC);
    const [collapsed] = render(run, 'Rollback');
    expect(allText(collapsed ?? [])).toContain('Shown if a rollback starts.');
    expect(allText(collapsed ?? [])).not.toContain('Revert the deploy');
    expect(collapsed?.blocks).toHaveLength(2);
    for (const title of [
      'Announce in #deploys',
      'Check the dashboards',
      'Deploy to canary',
      'Deploy everywhere',
      'Smoke test',
    ]) {
      run.complete(title);
    }
    expect(run.state.status).toBe('completed');
    expect(allText(render(run, 'Rollback'))).toContain('➖ Not needed: the run completed.');
    const verify = render(run, 'Verify');
    expect(buttonsOf(verify)).toEqual([]);
    expect(allText(verify)).toContain('The run completed at 14:00 UTC.');
  });

  it('opens the rollback steps and closes the forward ones once a rollback starts', () => {
    const { run } = rollingBack();
    const rollback = render(run, 'Rollback');
    expect(allText(rollback)).toContain('🔴 Rollback');
    expect(buttonsOf(rollback).filter((b) => b.actionId === ACTIONS.stepDone)).toHaveLength(2);
    const prepare = render(run, 'Prepare');
    expect(buttonsOf(prepare)).toEqual([]);
    expect(allText(prepare)).toContain('Closed: the run is rolling back.');
    expect(allText(prepare)).toContain('✅ Done by <@UDEPLOYER>');
  });

  it('refuses a phase index the runbook does not have', () => {
    expect(() => buildPhaseMessages(viewOf(new Harness(BASIC)), 99)).toThrow(RangeError);
  });

  it('says when a step was done before its wait was over, or without it', () => {
    const run = new Harness(WAIT);
    run.complete('Deploy to canary');
    const stepId = run.step('Watch the canary for 10 minutes');
    run.ok({ type: 'start_wait', userId: 'UWATCHER', stepId });
    run.clock.advanceMinutes(4);
    run.ok({ type: 'complete_step', userId: 'U0CAROL1', stepId, confirmEarly: true });
    expect(allText(render(run, 'Deploy'))).toContain(
      '✅ Done by <@U0CAROL1> at 14:04 UTC · done 4 min into a 10-minute wait',
    );
    const skipped = new Harness(WAIT);
    skipped.complete('Deploy to canary');
    skipped.ok({ type: 'complete_step', userId: 'U0CAROL1', stepId, confirmEarly: true });
    expect(allText(render(skipped, 'Deploy'))).toContain(
      '✅ Done by <@U0CAROL1> at 14:00 UTC · done without its 10-minute wait',
    );
    const waited = new Harness(WAIT);
    waited.complete('Deploy to canary');
    waited.ok({ type: 'start_wait', userId: 'UWATCHER', stepId });
    waited.clock.advanceMinutes(10);
    waited.complete('Watch the canary for 10 minutes');
    expect(allText(render(waited, 'Deploy'))).toContain('✅ Done by <@UDEPLOYER> at 14:10 UTC\n');
  });

  it('marks "I ran it" with a failing exit code with a warning, and shows the first lines of the output', () => {
    const run = new Harness(COMMANDS, { params: { version: '1.4.2' } });
    const stepId = run.step('Deploy ${version} to ${env:-staging}');
    const output = [
      'Error: <!channel> & <@U123> failed',
      '```',
      ...Array.from({ length: 8 }, (_, i) => `line ${i + 2}`),
    ].join('\n');
    run.ok({ type: 'complete_step', userId: 'U0CAROL1', stepId, output, exitCode: 1 });
    const text = allText(render(run, 'Deploy'));
    expect(text).toContain('⚠️ Deploy');
    expect(text).toContain('⚠️ Done by <@U0CAROL1> at 14:00 UTC · ⚠️ ran it, *exit code 1*');
    expect(text).toContain(
      '```Error: &lt;!channel&gt; &amp; &lt;@U123&gt; failed\n`\u200b`\u200b`\nline 2\nline 3\nline 4```',
    );
    expect(text).not.toContain('line 5');
    expect(text).toContain('_The rest is in the run report._');
    const ok = new Harness(COMMANDS, { params: { version: '1.4.2' } });
    ok.ok({ type: 'complete_step', userId: 'U0CAROL1', stepId, output: 'all good\n', exitCode: 0 });
    const okText = allText(render(ok, 'Deploy'));
    expect(okText).toContain('✅ Done by <@U0CAROL1> at 14:00 UTC · ran it, exit code 0\n```all good```');
    expect(okText).not.toContain('⚠️');
  });
});
