// The page's Block Kit renderer on the bot's real output: every message, ephemeral answer, DM, Home
// tab and modal an end-to-end run produces renders with no unsupported block, every button kept, and
// nothing from a runbook reaching the page as markup. Plus Slack's mrkdwn, case by case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody } from '../../src/fake-slack/slack-requests.js';
import { block, escapeHtml, message, mrkdwn, view } from '../../src/playground/web/blockkit.js';
import { acknowledge, driveToEnd, startRollback } from '../e2e/drive.js';
import { buttonsOf, E2E_DRIVER, type Harness, startHarness } from '../e2e/harness.js';

const HOSTILE = `---
title: <img src=x onerror=alert(1)> release
---

# <b>Hostile</b> release

## Build <script>alert(1)</script>

- [ ] Run \`echo "<svg onload=alert(1)>"\` and *check* _it_ ~twice~ <@U0INGRID>
- [ ] Watch the dashboard for 5 minutes

Approved By (SRE): ____

## Rollback

- [ ] Revert <a href="javascript:alert(1)">this</a>

## Contacts

| Role | Name | Slack |
|---|---|---|
| On-call | Ingrid Solberg | @ingrid |
`;

const names = { users: { U0INGRID: 'Ingrid Solberg', U0ALICE: 'Alice' }, channels: { C0DEPLOY: 'deploys' } };

function expectSafe(html: string): void {
  expect(html).not.toContain('bk-unsupported');
  expect(html).not.toMatch(/<(img|script|svg|b>Hostile|a href="javascript)/i);
  expect(html).not.toMatch(/<[^>]*\son\w+=/i);
}

describe('rendering what the bot really sends', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER, runbooks: { hostile: HOSTILE } });
    h.slack.allowMentions('U0ALICE', 'U0BOB', 'U0INGRID', 'U0TOMAS1', 'U0SRELD1');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('renders a whole run: parent, thread, refusals, modal, DM, Home tab; buttons kept, text inert', async () => {
    await h.command('start hostile', 'U0ALICE');
    await startRollback(h, 'U0ALICE', '5xx <b>above</b> 1%');
    await acknowledge(h, 'U0INGRID');
    await driveToEnd(h, 'U0BOB');
    await h.send([eventBody({ type: 'app_home_opened', user: 'U0ALICE', tab: 'home' })]);
    await h.command('start nothing-like-this', 'U0ALICE');

    const messages = h.slack.messages();
    const surfaces = [
      ...messages,
      ...h.slack.ephemerals(),
      ...h.slack.responses().map((r) => r.body as { text?: string; blocks?: unknown[] }),
    ];
    expect(messages.length).toBeGreaterThan(4);
    expect(h.slack.dms('U0INGRID').length).toBeGreaterThan(0);
    for (const m of surfaces) {
      const html = message(m, { names });
      expectSafe(html);
      const buttons = buttonsOf({ blocks: (m.blocks ?? []) as unknown[] });
      expect(html.match(/class="bk-button/g)?.length ?? 0).toBe(buttons.length);
    }
    // One modal; the Home is published when opened (and at each status change after that).
    const views = [...h.slack.modals(), ...h.slack.homeViews('U0ALICE')];
    expect(h.slack.modals()).toHaveLength(1);
    expect(h.slack.homeViews('U0ALICE').length).toBeGreaterThanOrEqual(1);
    for (const v of views) {
      const rendered = view(v.view, { names });
      expectSafe(rendered.body + rendered.title + rendered.submit);
    }
    expect(view(h.slack.modals()[0]?.view).body).toContain('<input type="text"');
    const parent = message(h.parent() ?? {}, { names });
    expect(parent).toContain('class="bk-header"');
    expect(parent).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('mrkdwn', () => {
  it('renders bold, italic, strike, code and code blocks, escaping their text', () => {
    expect(mrkdwn('*Done* _by_ ~nobody~ `a &lt; b`')).toBe(
      '<b>Done</b> <i>by</i> <s>nobody</s> <code>a &lt; b</code>',
    );
    expect(mrkdwn('```\nkubectl get pods &amp;&amp; echo "<ok>"\n```')).toBe(
      '<pre class="bk-pre">kubectl get pods &amp;&amp; echo &quot;&lt;ok&gt;&quot;</pre>',
    );
    expect(mrkdwn('&gt; quoted')).toBe('<span class="bk-quote">quoted</span>');
    expect(mrkdwn('a*b*c and snake_case_name')).toBe('a*b*c and snake_case_name');
  });

  it('shows user, group and channel mentions as names, and links as links', () => {
    const ctx = { names: { users: { U1: 'Ana <3' }, channels: { C1: 'deploys' }, groups: {} } };
    expect(mrkdwn('<@U1> <#C1> <#C2|ops> <!subteam^S1|@sre-team> <!here>', ctx)).toBe(
      '<span class="bk-mention">@Ana &lt;3</span> <span class="bk-mention">#deploys</span> ' +
        '<span class="bk-mention">#ops</span> <span class="bk-mention">@sre-team</span> <span class="bk-mention">@here</span>',
    );
    expect(mrkdwn('<https://example.com/a?b=1&amp;c=2|the *dashboard*>')).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the <b>dashboard</b></a>',
    );
    expect(mrkdwn('<javascript:alert(1)|click>')).toBe('click');
  });

  it('formats date tokens with {ago} and times', () => {
    const now = Date.parse('2026-01-05T14:00:00Z');
    const started = now / 1000 - 180;
    expect(mrkdwn(`started <!date^${started}^{ago}|at 13:57>`, { now })).toMatch(
      /started <time datetime="[^"]+">3 minutes ago<\/time>/,
    );
    expect(mrkdwn(`<!date^${now / 1000 + 7200}^{ago}|later>`, { now })).toContain('in 2 hours');
    expect(mrkdwn('<!date^nonsense^{ago}|at noon>')).toBe('at noon');
  });

  it('renders buttons with their style and confirm dialog, and escapes plain text', () => {
    const html = block({
      type: 'actions',
      block_id: 'b1',
      elements: [
        {
          type: 'button',
          action_id: 'abort',
          value: 'r|1',
          style: 'danger',
          text: { type: 'plain_text', text: '<Abort>' },
          confirm: {
            title: { type: 'plain_text', text: 'Abort?' },
            text: { type: 'mrkdwn', text: '*for good*' },
            confirm: { type: 'plain_text', text: 'Abort' },
            deny: { type: 'plain_text', text: 'Keep' },
            style: 'danger',
          },
        },
      ],
    });
    expect(html).toContain('class="bk-button bk-danger"');
    expect(html).toContain('>&lt;Abort&gt;</button>');
    const data = JSON.parse(
      (/data-action="([^"]*)"/.exec(html)?.[1] ?? '')
        .replaceAll('&quot;', '"')
        .replaceAll('&#39;', "'")
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>')
        .replaceAll('&amp;', '&'),
    );
    expect(data).toMatchObject({ actionId: 'abort', value: 'r|1', blockId: 'b1' });
    expect(data.confirm).toMatchObject({ title: 'Abort?', html: '<b>for good</b>', style: 'danger' });
    expect(block({ type: 'header', text: { type: 'plain_text', text: '<b>x</b>' } })).toBe(
      '<div class="bk-header">&lt;b&gt;x&lt;/b&gt;</div>',
    );
    expect(block({ type: 'divider' })).toBe('<hr class="bk-divider">');
    expect(block({ type: 'video' })).toContain('bk-unsupported');
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });
});
