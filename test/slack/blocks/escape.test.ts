// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${KEY} placeholders are runbook syntax in these fixtures.
import { describe, expect, it } from 'vitest';
import {
  channelLink,
  code,
  escapeText,
  formatCommandCode,
  formatMarkdown,
  link,
  mention,
  truncate,
} from '../../../src/slack/blocks/escape.js';
import { splitMrkdwn, truncateMrkdwn } from '../../../src/slack/blocks/limits.js';
import { ACTIONS, decodeValue, encodeValue, VIEWS } from '../../../src/slack/ids.js';
import { unsafeTokens } from './support.js';

describe('escapeText', () => {
  it.each([
    ['<!channel> & <@U123>', '&lt;!channel&gt; &amp; &lt;@U123&gt;'],
    ['<!subteam^S1|@sre>', '&lt;!subteam^S1|@sre&gt;'],
    ['a &amp; b', 'a &amp;amp; b'],
    ['plain', 'plain'],
  ])('%s', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });
});

describe('mention', () => {
  it.each([
    ['U012AB3CD', '<@U012AB3CD>'],
    ['W0ABC', '<@W0ABC>'],
    ['U1', 'U1'],
    ['u123', 'u123'],
    ['U123> <!channel', 'U123&gt; &lt;!channel'],
    ['!here', '!here'],
  ])('%s', (id, expected) => {
    expect(mention(id)).toBe(expected);
  });
});

describe('truncate', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['this is too long', 8, 'this is…'],
    ['ab😀cd', 4, 'ab…'],
  ])('%s to %i', (s, max, expected) => {
    const out = truncate(s, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });
});

describe('formatMarkdown', () => {
  const values = {
    version: '1.4.2',
    host: 'api.example.com',
    evil: '<!channel> *bold* [x](https://evil.example)',
  };
  it.each([
    ['**Deploy** the *canary*', '*Deploy* the _canary_'],
    ['__strong__ and _em_', '*strong* and _em_'],
    ['run `kubectl get pods`', 'run `kubectl get pods`'],
    ['~~old~~ new', '~old~ new'],
    [
      '[dashboard](https://grafana.example.com/d?a=1&b=2)',
      '<https://grafana.example.com/d?a=1&amp;b=2|dashboard>',
    ],
    ['[a|b<c>](https://x.example)', '<https://x.example/|abc>'],
    ['[click](javascript:alert(1))', 'click'],
    ['[rel](./docs.md)', 'rel'],
    ['[data](data:text/html,hi)', 'data'],
    ['see https://example.com/x.', 'see <https://example.com/x>.'],
    ['<https://example.com>', '<https://example.com/|https://example.com>'],
    ['Deploy ${version} to ${host}', 'Deploy 1.4.2 to api.example.com'],
    ['Deploy ${missing}', 'Deploy `${missing}`'],
    ['Use ${region:-eu-west-1}', 'Use eu-west-1'],
    ['`helm upgrade --version ${version}`', '`helm upgrade --version 1.4.2`'],
    ['`echo ${missing}`', '`echo ${missing}`'],
    ['Param: ${evil}', 'Param: &lt;!channel&gt; *bold* [x](<https://evil.example/>)'],
    [
      '<!channel> <!here> <@U123> <!subteam^S1> & <b>',
      '&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;!subteam^S1&gt; &amp; &lt;b&gt;',
    ],
    ['first\n  continued line', 'first\ncontinued line'],
  ])('%s', (markdown, expected) => {
    const out = formatMarkdown(markdown, values);
    expect(out).toBe(expected);
    expect(unsafeTokens(out)).toEqual([]);
  });
});

describe('small helpers', () => {
  it('formats commands for a code block, filling placeholders and escaping', () => {
    expect(formatCommandCode('echo ${version} > /tmp/v && cat <<EOF', { version: '2' })).toBe(
      'echo 2 &gt; /tmp/v &amp;&amp; cat &lt;&lt;EOF',
    );
    expect(formatCommandCode('echo ```', {})).not.toContain('```');
  });
  it('links only http(s) URLs and mentions only real channel ids', () => {
    expect(link('https://slack.example/archives/C1/p1', 'Deploy <x>')).toBe(
      '<https://slack.example/archives/C1/p1|Deploy x>',
    );
    expect(link('javascript:alert(1)', 'x & y')).toBe('x &amp; y');
    expect(link(null, 'title')).toBe('title');
    expect(channelLink('C0123ABC')).toBe('<#C0123ABC>');
    expect(channelLink('<!here>')).toBe('&lt;!here&gt;');
    expect(code('a`b')).toBe('a`b');
    expect(code('a<b')).toBe('`a&lt;b`');
  });
  it('splits and truncates mrkdwn without breaking entities or links', () => {
    const text = `${'word &amp; '.repeat(400)}<https://example.com/a|link> end`;
    const pieces = splitMrkdwn(text, 333);
    expect(pieces.every((p) => p.length <= 333)).toBe(true);
    for (const p of pieces) {
      expect(p).not.toMatch(/&[a-z]*$/);
      expect(unsafeTokens(p)).toEqual([]);
    }
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
    const cut = truncateMrkdwn('aaaa &amp; <https://example.com|x>', 9);
    expect(cut).toBe('aaaa …');
  });
});

describe('ids', () => {
  it('keeps action ids in one place', () => {
    expect(ACTIONS.stepDone).toBe('step.done');
    expect(ACTIONS.approve).toBe('gate.approve');
    expect(VIEWS.ranIt).toBe('step.ran_it.modal');
    expect(new Set(Object.values(ACTIONS)).size).toBe(Object.values(ACTIONS).length);
  });
  it.each([
    [{ runId: 'b3c1e2a0-1111-4c2d-9e8f-000000000001' }, 'b3c1e2a0-1111-4c2d-9e8f-000000000001|run|'],
    [{ runId: 'run-1', stepId: 'st_03bslgo279v' }, 'run-1|step|st_03bslgo279v'],
    [{ runId: 'run-1', approvalId: 'ap_0fvtpy0mgy2' }, 'run-1|approval|ap_0fvtpy0mgy2'],
    [{ runId: 'run-1', approvalId: 'ap_0fvtpy0mgy2', signature: 2 }, 'run-1|approval|ap_0fvtpy0mgy2|2'],
  ])('encodes and decodes %j', (value, encoded) => {
    expect(encodeValue(value)).toBe(encoded);
    expect(decodeValue(encoded)).toEqual(value);
  });
  it.each([
    '',
    'run-1',
    'run-1|step|',
    'run-1|run|x',
    'run-1|gate|ap_1',
    'run-1|step|st_1|extra',
    'run-1|step|st_1|2',
    'run-1|approval|ap_1|0',
    'run-1|approval|ap_1|x',
    'run 1|run|',
    `${'x'.repeat(2001)}`,
    42,
    null,
  ])('rejects value %#', (value) => {
    expect(decodeValue(value)).toBeNull();
  });
  it('refuses to encode ids it could not read back', () => {
    expect(() => encodeValue({ runId: 'a|b' })).toThrow();
    expect(() => encodeValue({ runId: 'r', stepId: 's', approvalId: 'a' })).toThrow();
  });
});
