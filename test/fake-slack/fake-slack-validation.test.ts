// What the fake Slack rejects (Block Kit and text limits) and which mentions it flags.
import type { ActionsBlock, Button, SectionBlock } from '@slack/types';
import { LogLevel, type WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack, mentionsIn } from '../support/fake-slack.js';

let fake: FakeSlack;
let slack: WebClient;

beforeAll(async () => {
  fake = await createFakeSlack({ emails: { 'ana@example.com': 'U0ANA' }, usergroups: { S0SRE: ['U0BEN'] } });
  slack = new WebClient('xoxb-test-token', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
    logger: {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: () => {},
      setLevel: () => {},
      getLevel: () => LogLevel.ERROR,
      setName: () => {},
    },
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const section = (text: string, extra: Partial<SectionBlock> = {}): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...extra,
});
const button = (action_id: string, text = 'Go'): Button => ({
  type: 'button',
  action_id,
  text: { type: 'plain_text', text },
});
const actions = (...elements: Button[]): ActionsBlock => ({ type: 'actions', elements });

/** `{ error, messages }` of a rejected chat.postMessage, or `'ok'`. */
async function post(args: {
  text?: string;
  blocks?: unknown[];
}): Promise<string | { error: string; messages: string[] }> {
  try {
    // Deliberately invalid payloads: the client's types would refuse them.
    await slack.chat.postMessage({ channel: 'C1', ...args } as never);
    return 'ok';
  } catch (e) {
    const { data } = e as WebAPIPlatformError;
    return { error: data.error, messages: data.response_metadata?.messages ?? [] };
  }
}

describe('Block Kit validation', () => {
  it('accepts a message at the limits', async () => {
    const blocks = Array.from({ length: 49 }, (_, i) => section(`step ${i}`));
    blocks.push(section('x'.repeat(3000)));
    expect(await post({ text: 'fallback', blocks })).toBe('ok');
    expect(
      await post({
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
          actions(button('a'.repeat(255), 'b'.repeat(75)), button('step.skip')),
          actions(button('step.skip')), // the same action_id in another block is fine
        ],
      }),
    ).toBe('ok');
    expect(await post({ text: 't'.repeat(40_000) })).toBe('ok');
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => section('s')), '/blocks'],
    ['section text over 3000', [section('x'.repeat(3001))], '/blocks/0/text/text'],
    ['button text over 75', [actions(button('go', 'b'.repeat(76)))], '/blocks/0/elements/0/text/text'],
    ['action_id over 255', [actions(button('a'.repeat(256)))], '/blocks/0/elements/0/action_id'],
    [
      'duplicate action_id in one block',
      [actions(button('step.done'), button('step.done'))],
      '/elements/1/action_id',
    ],
    [
      'duplicate block_id',
      [section('a', { block_id: 'b1' }), section('b', { block_id: 'b1' })],
      '/blocks/1/block_id',
    ],
    [
      'header over 150',
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      '/blocks/0/text',
    ],
    ['mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], '/blocks/0/text'],
    ['empty section text', [section('')], '/blocks/0/text/text'],
  ])('rejects %s with invalid_blocks and a JSON pointer', async (_name, blocks, pointer) => {
    const result = await post({ text: 'fallback', blocks });
    expect(result).toMatchObject({ error: 'invalid_blocks' });
    const { messages } = result as { messages: string[] };
    expect(messages.some((m) => m.includes(`[json-pointer:`) && m.includes(pointer))).toBe(true);
    expect(fake.messages()).toEqual([]);
  });

  it('rejects over-long text, empty messages and oversized block text', async () => {
    expect(await post({ text: 't'.repeat(40_001) })).toMatchObject({ error: 'msg_too_long' });
    expect(await post({})).toMatchObject({ error: 'no_text' });
    const big = Array.from({ length: 5 }, () => section('x'.repeat(2900)));
    expect(await post({ text: 'fallback', blocks: big })).toMatchObject({ error: 'msg_blocks_too_long' });
  });

  it('validates chat.update the same way', async () => {
    const { ts = '' } = await slack.chat.postMessage({ channel: 'C1', text: 'ok' });
    const error = await slack.chat
      .update({ channel: 'C1', ts, text: 'x', blocks: [section('x'.repeat(3001))] })
      .catch((e: WebAPIPlatformError) => e.data.error);
    expect(error).toBe('invalid_blocks');
    expect(fake.message('C1', ts)?.text).toBe('ok');
  });

  it('allows 100 blocks in a Home tab, not 101', async () => {
    const view = (n: number) => ({
      type: 'home' as const,
      blocks: Array.from({ length: n }, () => section('r')),
    });
    await expect(slack.views.publish({ user_id: 'U0ANA', view: view(100) })).resolves.toMatchObject({
      ok: true,
    });
    const error = await slack.views
      .publish({ user_id: 'U0ANA', view: view(101) })
      .catch((e: WebAPIPlatformError) => e.data.error);
    expect(error).toBe('invalid_blocks');
  });
});

describe('mentions', () => {
  it('lists every <@…> and <!…> token in text and all block text', () => {
    const message = {
      text: 'Deploy by <@U0ANA> — cc <!subteam^S0SRE|@sre>',
      blocks: [
        section('Paging <!here>', { fields: [{ type: 'mrkdwn', text: 'owner <@U0BEN>' }] }),
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'at <!date^1700000000^{time}|2pm>' }] },
        actions(button('b', 'Ask <@U0CAT>')),
        {
          type: 'rich_text',
          elements: [{ type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U0DAN' }] }],
        },
        section('escaped &lt;!channel&gt; and <https://example.com|a link> and <#C0DEPLOY>'),
      ],
    };
    expect(mentionsIn(message)).toEqual([
      '<@U0ANA>',
      '<!subteam^S0SRE|@sre>',
      '<!here>',
      '<@U0BEN>',
      '<!date^1700000000^{time}|2pm>',
      '<@U0CAT>',
      '<@U0DAN>',
    ]);
  });

  it('flags broadcasts and mentions of people or groups the bot never learned about', async () => {
    await slack.chat.postMessage({ channel: 'C1', text: 'Hi <@U0ANA> and <!subteam^S0SRE>' });
    expect(fake.violations).toEqual([]);

    const { ts = '' } = await slack.chat.postMessage({
      channel: 'C1',
      text: 'From the runbook: <!channel>',
      blocks: [section('ping <@U0EVIL> and <!subteam^S0EVIL|x>')],
    });
    expect(fake.violations.map((v) => [v.kind, v.method, v.ts, v.detail])).toEqual([
      ['broadcast', 'chat.postMessage', ts, '<!channel>'],
      ['mention', 'chat.postMessage', ts, '<@U0EVIL>'],
      ['mention', 'chat.postMessage', ts, '<!subteam^S0EVIL|x>'],
    ]);

    fake.allowMentions('U0EVIL');
    await slack.chat.update({ channel: 'C1', ts, text: 'now <@U0EVIL> only' });
    expect(fake.violations).toHaveLength(3);
  });

  it('flags a reply threaded under another reply', async () => {
    const parent = await slack.chat.postMessage({ channel: 'C1', text: 'parent' });
    const reply = await slack.chat.postMessage({ channel: 'C1', thread_ts: parent.ts ?? '', text: 'reply' });
    await slack.chat.postMessage({ channel: 'C1', thread_ts: reply.ts ?? '', text: 'nested' });
    expect(fake.violations).toEqual([expect.objectContaining({ kind: 'thread', channel: 'C1' })]);
  });
});
