// The page's HTTP side without a browser: a command and a click reach the bot as signed Slack requests
// and come back as state (over server-sent events too); requests the page would never send are refused.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPlayground } from './browser.js';

type Json = Record<string, unknown>;
let demo: Awaited<ReturnType<typeof startDemoPlayground>>;
let url: string;

beforeAll(async () => {
  demo = await startDemoPlayground();
  url = demo.playground.url;
}, 60_000);
afterAll(async () => {
  await demo?.dispose();
});

async function post(
  path: string,
  body: Json,
  type = 'application/json',
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${url}api/${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** The first server-sent event of `user`'s stream whose state passes `until`. */
async function streamed(user: string, until: (state: Json) => boolean): Promise<Json> {
  const controller = new AbortController();
  const res = await fetch(`${url}api/events?user=${user}`, { signal: controller.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      for (const event of buffer.split('\n\n').slice(0, -1)) {
        const data = /^data: (.*)$/m.exec(event)?.[1];
        const state = data ? (JSON.parse(data) as Json) : null;
        if (state && until(state)) return state;
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
    }
  } finally {
    controller.abort();
  }
}

const messagesOf = (state: Json) =>
  (state.channel as { messages: { text: string; replies: Json[] }[] }).messages;

describe('the playground page server', () => {
  it('relays a command and a click as signed requests, and streams the result', async () => {
    const started = await post('command', { user: 'U0DEPLOY', text: '/deploy start checkout-release' });
    expect(started).toMatchObject({ status: 200, json: { ok: true, status: 200 } });
    const state = await streamed('U0DEPLOY', (s) => messagesOf(s)[0]?.replies.length === 1);
    expect(messagesOf(state)[0]?.text).toContain('Checkout API release');
    expect(state.ephemerals).toEqual([
      expect.objectContaining({ text: expect.stringMatching(/^Started run/) }),
    ]);
    // Dana's ephemeral is hers: Ingrid does not see it.
    const ingrid = (await (await fetch(`${url}api/state?user=U0INGRID`)).json()) as Json;
    expect(ingrid.ephemerals).toEqual([]);

    const phase = demo.playground.slack.messages().find((m) => m.thread_ts);
    const blocks = (phase?.blocks ?? []) as { block_id: string; elements?: Json[] }[];
    const actions = blocks.find((b) => b.elements?.some((e) => (e.text as Json).text === 'Skip'));
    const skip = actions?.elements?.find((e) => (e.text as Json).text === 'Skip');
    const clicked = await post('click', {
      user: 'U0DEPLOY',
      channel: phase?.channel,
      ts: phase?.ts,
      threadTs: phase?.thread_ts,
      actionId: skip?.action_id,
      value: skip?.value,
      blockId: actions?.block_id,
    });
    expect(clicked).toMatchObject({ status: 200, json: { ok: true } });
    await streamed('U0DEPLOY', (s) => JSON.stringify(messagesOf(s)[0]?.replies).includes('Skipped'));
  });

  it('refuses form posts, unknown people and foreign Host names', async () => {
    expect((await post('command', { user: 'U0DEPLOY', text: '/deploy list' }, 'text/plain')).status).toBe(
      415,
    );
    expect((await post('command', { user: 'U0NOBODY', text: '/deploy list' })).status).toBe(400);
    const status = await new Promise<number>((resolve, reject) => {
      const target = new URL(url);
      request({ host: '127.0.0.1', port: target.port, path: '/', headers: { host: 'evil.example' } }, (res) =>
        resolve(res.statusCode ?? 0),
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });
});
