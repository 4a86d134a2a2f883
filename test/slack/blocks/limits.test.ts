import { describe, expect, it } from 'vitest';
import { buildParentMessage, buildPhaseMessages } from '../../../src/slack/blocks/index.js';
import { maxSize, sizeOf } from '../../../src/slack/blocks/limits.js';
import { tailBoundOf } from '../../../src/slack/blocks/step-blocks.js';
import { syntheticTails } from '../../../src/slack/blocks/step-tail.js';
import { ACTIONS, decodeValue } from '../../../src/slack/ids.js';
import { Harness } from '../../runs/support.js';
import {
  allText,
  buttonsOf,
  checkMessage,
  type Message,
  mrkdwnOf,
  validateMessage,
  viewOf,
} from './support.js';

function runbook(steps: string[]): string {
  return `# Big\n\n## Deploy\n${steps.join('\n')}\n\n## Rollback\n- [ ] Revert\n`;
}

const MANY = runbook(
  Array.from(
    { length: 120 },
    (_, i) =>
      `- [ ] Step ${i + 1}: restart shard ${i + 1}\n\n  \`\`\`bash\n  kubectl rollout restart sts/shard-${i + 1} --namespace \${namespace}\n  \`\`\`\n`,
  ),
);

const longLines = Array.from({ length: 400 }, (_, i) => `echo "line ${i} ${'x'.repeat(40)}"`).join('\n  ');
const HUGE_COMMAND = runbook([
  `- [ ] Run the migration script\n\n  \`\`\`bash\n  ${longLines}\n  \`\`\`\n`,
  '- [ ] Check',
]);
const HUGE_LINE = runbook([
  `- [ ] Apply the config\n\n  \`\`\`json\n  {"blob": "${'y'.repeat(20_000)}"}\n  \`\`\`\n`,
]);
const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
const HUGE_TEXT = runbook([`- [ ] Read this carefully: ${words}`, '- [ ] Then this']);

/** The phase's messages, every one checked against every limit. */
function phase(run: Harness, title = 'Deploy'): Message[] {
  const messages = buildPhaseMessages(viewOf(run), run.phase(title));
  messages.forEach(validateMessage);
  return messages;
}

/** Which message each step's first block is in. */
function placement(messages: Message[]): Map<string, number> {
  const where = new Map<string, number>();
  messages.forEach((m, i) => {
    for (const b of m.blocks) {
      const stepId = b.block_id?.split(':')[0] ?? '';
      if (stepId.startsWith('st_') && !where.has(stepId)) where.set(stepId, i);
    }
  });
  return where;
}

describe('limits', () => {
  it('splits a phase of 120 steps over several messages that each keep every limit', () => {
    const run = new Harness(MANY, { params: { namespace: 'db' } });
    const messages = phase(run);
    expect(messages.length).toBeGreaterThan(2);
    const where = placement(messages);
    const forward = run.runbook.steps.filter((s) => !s.rollback);
    expect(forward).toHaveLength(120);
    expect([...where.keys()]).toEqual(forward.map((s) => s.id));
    const done = buttonsOf(messages).filter((b) => b.actionId === ACTIONS.stepDone);
    expect(done.map((b) => decodeValue(b.value)?.stepId)).toEqual(forward.map((s) => s.id));
    messages.forEach((m, i) => {
      expect(allText(m)).toContain(`part ${i + 1} of ${messages.length}`);
      expect(m.text).toContain(`(${i + 1}/${messages.length})`);
    });
    expect(allText(messages)).toContain('kubectl rollout restart sts/shard-120 --namespace db');
  });

  it('keeps every step in the same message whatever happens to the run', () => {
    const run = new Harness(MANY);
    const before = placement(phase(run));
    for (const [i, step] of run.runbook.steps.entries()) {
      if (step.rollback) continue;
      if (i % 3 === 0) run.complete(step.title);
      else if (i % 3 === 1)
        run.ok({ type: 'fail_step', userId: 'UX', stepId: step.id, reason: 'r'.repeat(2000) });
    }
    expect(placement(phase(run))).toEqual(before);
  });

  it('keeps the room of each step’s tail, which the time does not change, and measures it again for another run', () => {
    const text = `# W\n\n## Go\n- [ ] Soak for 15 minutes\n\n  \`\`\`sh\n  make deploy\n  \`\`\`\n- [ ] Plain\n`;
    const run = new Harness(text);
    const times = ['2026-01-01T00:00:00.000Z', '2026-06-30T23:59:59.999Z', '2027-12-31T12:34:56.000Z'];
    for (const step of run.runbook.steps) {
      const fresh = (view: ReturnType<typeof viewOf>) => maxSize(syntheticTails(view, step).map(sizeOf));
      const first = tailBoundOf(viewOf(run, { now: new Date(times[0] ?? '') }), step);
      for (const at of times) {
        const view = viewOf(run, { now: new Date(at) });
        expect(fresh(view)).toEqual(first);
        expect(tailBoundOf(view, step)).toEqual(first);
      }
      // Another run (another button value): measured for that run.
      const other = viewOf(run, { runId: `${run.state.id}-with-a-much-longer-id` });
      expect(tailBoundOf(other, step)).toEqual(fresh(other));
    }
  });

  it('cuts one enormous command at a line and says how much is left out', () => {
    const run = new Harness(HUGE_COMMAND);
    const messages = phase(run);
    const text = allText(messages);
    expect(text).toMatch(/✂️ _\d+ more lines not shown: the full command is in the runbook, line \d+\._/);
    expect(text).toContain('echo "line 0 ');
    expect(text).not.toContain('echo "line 399 ');
    expect(text).toContain('⬜ Check');
  });

  it('cuts a single enormous line inside it and says so', () => {
    const messages = phase(new Harness(HUGE_LINE));
    expect(allText(messages)).toMatch(/✂️ _[\d,]+ more characters not shown/);
  });

  it('splits long step text over several sections and messages without losing a word', () => {
    const run = new Harness(HUGE_TEXT);
    const messages = phase(run);
    expect(messages.length).toBeGreaterThan(1);
    const text = allText(messages);
    for (const i of [0, 1, 1000, 1998, 1999]) expect(text).toContain(`word${i}`);
    expect(mrkdwnOf(messages)).not.toContain('…');
    const done = buttonsOf(messages).filter((b) => b.actionId === ACTIONS.stepDone);
    expect(done).toHaveLength(2);
  });

  it('keeps the parent message within limits with many parameters and a long rollback reason', () => {
    const params = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, 'v'.repeat(500)]));
    const run = new Harness(MANY, { params });
    run.ok({
      type: 'start_rollback',
      userId: 'UROLL',
      reason: 'x'.repeat(5000),
      contacts: Array.from({ length: 30 }, (_, i) => ({
        label: `Contact ${i} ${'z'.repeat(100)}`,
        slackUserId: null,
        phone: '1'.repeat(100),
      })),
      policy: { timeoutMinutes: 5, rounds: 3 },
    });
    const msg = buildParentMessage(viewOf(run));
    validateMessage(msg);
    expect(allText(msg)).toContain('and 38 more parameters');
  });

  it('keeps a gate of 30 long roles needing 11 signatures each within limits, in the thread and the parent', () => {
    const roles = Array.from({ length: 30 }, (_, i) => `Role ${i} ${'r'.repeat(90)}`);
    const quorum = roles.map((r) => `"${r}": 11`).join(', ');
    const rows = roles.map((r) => `| ${r} | |`).join('\n');
    const md = `---\napprovals: { ${quorum} }\n---\n# Gate\n\n## Prep\n- [ ] a\n\n## Sign-off\n| Role | Name |\n|---|---|\n${rows}\n\n## Go\n- [ ] b\n`;
    const run = new Harness(md);
    run.complete('a');
    for (const [r, role] of roles.entries()) {
      for (let i = 0; i < (r % 2 === 0 ? 11 : 10); i++) run.sign(role, `U${r}X${i}`);
    }
    expect(run.state.status).toBe('waiting_approval');
    validateMessage(buildParentMessage(viewOf(run)));
    const messages = phase(run, 'Prep');
    expect(buttonsOf(messages).filter((b) => b.actionId === ACTIONS.approve)).toHaveLength(15);
    expect(allText(messages)).toContain('…*: 11 of 11 signed: <@U0X0> at 14:00 UTC, <@U0X1> at 14:00 UTC');
    expect(allText(messages)).toContain('…*: 10 of 11 signed: <@U1X0> at 14:00 UTC');
  });

  it('has a validator that notices each broken limit', () => {
    const section = (id: string, text: string) =>
      ({ type: 'section', block_id: id, text: { type: 'mrkdwn', text, verbatim: true } }) as const;
    const ok: Message = { text: 'ok', blocks: [section('a', 'fine')] };
    expect(checkMessage(ok)).toEqual([]);
    const broken: [string, Message][] = [
      ['51 blocks', { text: 'x', blocks: Array.from({ length: 51 }, (_, i) => section(`b${i}`, 'x')) }],
      ['long section', { text: 'x', blocks: [section('a', 'x'.repeat(3001))] }],
      [
        'too much text',
        { text: 'x', blocks: Array.from({ length: 4 }, (_, i) => section(`b${i}`, 'x'.repeat(2600))) },
      ],
      ['duplicate block_id', { text: 'x', blocks: [section('a', 'x'), section('a', 'y')] }],
      ['a broadcast', { text: 'x', blocks: [section('a', 'hi <!channel>')] }],
      ['a javascript link', { text: 'x', blocks: [section('a', '<javascript:alert(1)|x>')] }],
      ['an unescaped fallback', { text: '<@U123> & <!here>', blocks: [] }],
      ['a long fallback', { text: 'x'.repeat(4001), blocks: [] }],
      [
        'no verbatim',
        { text: 'x', blocks: [{ type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'x' } }] },
      ],
      [
        'duplicate action_ids',
        {
          text: 'x',
          blocks: [
            {
              type: 'actions',
              block_id: 'a',
              elements: ['1', '2'].map((v) => ({
                type: 'button',
                action_id: 'same',
                value: v,
                text: { type: 'plain_text', text: 'Go' },
              })),
            },
          ],
        },
      ],
    ];
    for (const [name, msg] of broken) expect(checkMessage(msg), name).not.toEqual([]);
  });
});
