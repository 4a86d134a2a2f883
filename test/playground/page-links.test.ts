// The page reads Slack's links as the Slack client does (so that they open in the page), and renders
// a bold link (`*<url|text>*`) as one.
import { describe, expect, it } from 'vitest';
import { mrkdwn } from '../../src/playground/web/blockkit.js';
import { slackLink } from '../../src/playground/web/links.js';

describe('Slack links in the page', () => {
  it('reads message permalinks, a reply’s thread, app_redirect links, and nothing else', () => {
    expect(slackLink('https://fake.slack.com/archives/C0DEPLOYS/p1700000000000100', 'fake')).toEqual({
      channel: 'C0DEPLOYS',
      ts: '1700000000.000100',
    });
    expect(
      slackLink(
        'https://fake.slack.com/archives/C0DEPLOYS/p1700000000000300?thread_ts=1700000000.000100&cid=C0DEPLOYS',
        'fake',
      ),
    ).toEqual({ channel: 'C0DEPLOYS', ts: '1700000000.000300', threadTs: '1700000000.000100' });
    expect(
      slackLink('https://slack.com/app_redirect?channel=C0DEPLOYS&message_ts=1700000000.000100', 'fake'),
    ).toEqual({ channel: 'C0DEPLOYS', ts: '1700000000.000100' });
    expect(slackLink('https://slack.com/app_redirect?app=A0APP', 'fake')).toEqual({ app: 'A0APP' });
    expect(slackLink('https://other.slack.com/archives/C1/p1700000000000100', 'fake')).toBeNull();
    expect(slackLink('https://grafana.example.com/d/canary', 'fake')).toBeNull();
    expect(slackLink('javascript:alert(1)', 'fake')).toBeNull();
  });

  it('renders *<url|text>* as a bold link, and keeps a link’s text escaped', () => {
    expect(
      mrkdwn('*<https://slack.com/app_redirect?channel=C1&amp;message_ts=1.2|k8s &lt;rollout&gt;>*'),
    ).toBe(
      '<b><a href="https://slack.com/app_redirect?channel=C1&amp;message_ts=1.2" target="_blank" rel="noopener noreferrer">k8s &lt;rollout&gt;</a></b>',
    );
    expect(mrkdwn('a *b* <https://x.example|*c*>')).toBe(
      'a <b>b</b> <a href="https://x.example" target="_blank" rel="noopener noreferrer"><b>c</b></a>',
    );
    // Placeholder characters typed into a text stay inert.
    expect(mrkdwn('\uE0000\uE001 *x*')).toBe('0 <b>x</b>');
  });
});
