// A runbook (and parameters, reasons, contacts) written to ping everyone and smuggle links: the
// rendered messages must ping nobody and link only to http(s).
import { describe, expect, it } from 'vitest';
import { buildParentMessage, buildPhaseMessages } from '../../../src/slack/blocks/index.js';
import { deepFreeze, Harness, STARTER } from '../../runs/support.js';
import { checkMessage, type Message, mentionsIn, viewOf, walkStrings } from './support.js';

const HOSTILE = `---
title: "<!channel> deploy & <@U123>"
approvals: { SRE: 2 }
---
# <!channel> Rollout & <@U123>

## Prepare <!here> & <!subteam^S1>
- [ ] Tell <!channel> and <!here> and <@U123> and <!subteam^S1|@sre> & co, see [x](javascript:alert(1)) and [y](<javascript:alert(2)>) and ![i](javascript:alert(3)) and <javascript:alert(4)> and **<!everyone>** and \`<!channel>\` and [<@U123>](https://ok.example/a|b>c) \${evil}

  \`\`\`bash
  echo "<!channel>" && curl "https://x.example/?a=1&b=<@U123>" \${version} \`\`\` done
  \`\`\`

- [ ] Watch <!everyone> for 10 minutes

## Sign-off <!here>
| Role | Name |
|---|---|
| <!here> SRE & <@U123> | |

Approved By (<!here> SRE): ____

## Deploy <@U123>
- [ ] Ship [it](https://example.com/<!channel>) @here @channel

## Rollback <!channel>
- [ ] Revert <@U123> & <!here>
`;

const PARAMS = { version: '<!channel>', evil: '[z](javascript:alert(5)) <@U123> <!subteam^S2>' };
const ALLOWED = new Set([STARTER, 'U0OK', 'UROLL', 'USRE1', 'UONCALL']);

/** Every message of the run: the parent and every phase. */
function everything(run: Harness): Message[] {
  const view = viewOf(run, { runId: 'run-1', runbookName: '<!channel>&runbook' });
  return [buildParentMessage(view), ...view.runbook.phases.flatMap((_, i) => buildPhaseMessages(view, i))];
}

function expectHarmless(messages: Message[]): void {
  for (const msg of messages) {
    expect(checkMessage(msg)).toEqual([]);
    expect(mentionsIn(msg).filter((id) => !ALLOWED.has(id))).toEqual([]);
    walkStrings(msg.blocks, (raw, path, plain) => {
      // The bot's own date token (elapsed time, counted by Slack) is the one `<!` allowed.
      const s = raw.replace(/<!date\^\d+\^\{ago\}\|at \d\d:\d\d UTC>/g, '');
      // Strings Slack parses (mrkdwn, the fallback) hold no raw `<` but ours; plain text is never parsed.
      if (!plain && /<!|<@U123|<[^<>]*javascript:[^<>]*>|<(?!@|#|https?:)/.test(s))
        throw new Error(`${path}: ${s}`);
      if (/<!|<@U123/.test(s)) expect(plain).toBe(true);
    });
    expect(msg.text).not.toMatch(/<!|<@U123/);
  }
}

describe('hostile runbook text', () => {
  it('pings nobody and links only to http(s), in every state', () => {
    const run = new Harness(HOSTILE, { params: PARAMS, rehearsal: true });
    deepFreeze(run.runbook);
    expectHarmless(everything(run));
    run.complete(run.runbook.steps[0]?.title ?? '', 'U0OK');
    run.ok({ type: 'start_wait', userId: 'U0OK', stepId: run.runbook.steps[1]?.id ?? '' });
    expectHarmless(everything(run));
    run.ok({
      type: 'complete_step',
      userId: 'U0OK',
      stepId: run.runbook.steps[1]?.id ?? '',
      confirmEarly: true,
    });
    expect(run.state.status).toBe('waiting_approval');
    run.sign('SRE & <@U123>', 'USRE1');
    expectHarmless(everything(run));
    run.ok({
      type: 'start_rollback',
      userId: 'UROLL',
      reason: '<!here> it broke & <@U123> <https://evil.example|click>',
      contacts: [
        { label: '<!channel> On-call', slackUserId: 'UONCALL', phone: null },
        { label: '<@U123> DBA', slackUserId: null, phone: '<!subteam^S1> 555' },
      ],
      policy: { timeoutMinutes: 5, rounds: 1 },
    });
    run.ok({
      type: 'fail_step',
      userId: 'U0OK',
      stepId: run.runbook.steps.find((s) => s.rollback)?.id ?? '',
      reason: '<!channel> nope',
    });
    expectHarmless(everything(run));
    run.ok({ type: 'abort', userId: STARTER, reason: '<!everyone> & <@U123>', isAdmin: false });
    expectHarmless(everything(run));
  });

  it('keeps the text readable: escaped, not dropped', () => {
    const run = new Harness(HOSTILE, { params: PARAMS });
    const [prepare] = buildPhaseMessages(viewOf(run), run.phase('Prepare <!here> & <!subteam^S1>'));
    const json = JSON.stringify(prepare);
    expect(json).toContain('Tell &lt;!channel&gt; and &lt;!here&gt; and &lt;@U123&gt;');
    expect(json).toContain('&lt;!subteam^S1|@sre&gt; &amp; co');
    expect(json).toContain('see x and y and i and javascript:alert(4) and *&lt;!everyone&gt;*');
    expect(json).toContain('<https://ok.example/a%7Cb%3Ec|@U123>');
    expect(json).toContain('[z](javascript:alert(5)) &lt;@U123&gt; &lt;!subteam^S2&gt;');
    expect(json).toContain('echo \\"&lt;!channel&gt;\\" &amp;&amp; curl');
  });
});
