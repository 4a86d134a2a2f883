// The page's HTTP side without a browser: a command and a click reach the bot as signed Slack requests
// and come back as state (over server-sent events too); requests the page would never send are refused.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPageServer } from '../../src/playground/page-server.js';
import { createRelay } from '../../src/playground/relay.js';
import { playgroundBanner } from '../../src/playground/run-playground.js';
import { PLAYGROUND_CHANNEL } from '../../src/playground/start-playground.js';
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
  (state.channel as { messages: { text: string; user: string; replies: Json[] }[] }).messages;

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

/** A raw GET or POST with any Host and headers (fetch does not let a test set Host). */
function raw(
  base: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const target = new URL(base);
  return new Promise((resolve, reject) => {
    request(
      {
        host: '127.0.0.1',
        port: target.port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    )
      .on('error', reject)
      .end(body);
  });
}

describe('the playground page, locked to its page (issue 19, item 7)', () => {
  it('caps action bodies', async () => {
    const big = JSON.stringify({ user: 'U0DEPLOY', text: `/deploy list ${'x'.repeat(100 * 1024)}` });
    const port = new URL(url).port;
    const answered = await raw(url, '/api/command', { host: `localhost:${port}` }, big);
    expect(answered.status).toBe(413);
  });

  it('types plain text as the person’s message, and answers a DM command in the DM', async () => {
    const said = await post('command', { user: 'U0INGRID', text: 'hello from Ingrid', channel: 'channel' });
    expect(said).toMatchObject({ status: 200, json: { ok: true } });
    const state = await streamed('U0INGRID', (s) =>
      messagesOf(s).some((m) => m.text === 'hello from Ingrid'),
    );
    expect(messagesOf(state).find((m) => m.text === 'hello from Ingrid')).toMatchObject({ user: 'U0INGRID' });
    expect(await post('command', { user: 'U0INGRID', text: '/deploy help', channel: 'dm' })).toMatchObject({
      json: { ok: true },
    });
    const dm = demo.playground.slack.dmChannel('U0INGRID');
    const answered = await streamed('U0INGRID', (s) =>
      (s.ephemerals as { channel: string }[]).some((e) => e.channel === dm),
    );
    expect((answered.ephemerals as { channel: string }[]).every((e) => e.channel === dm)).toBe(true);
  });

  it('changes the speed of the bot’s clock without a jump', async () => {
    const before = demo.playground.clock.now().getTime();
    expect(await post('speed', { user: 'U0DEPLOY', speed: 600 })).toMatchObject({ json: { ok: true } });
    const after = demo.playground.clock.now().getTime();
    expect(after - before).toBeGreaterThanOrEqual(0);
    expect(after - before).toBeLessThan(60_000);
    expect(demo.playground.clock.anchor().speed).toBe(600);
    expect((await post('speed', { user: 'U0DEPLOY', speed: 0 })).status).toBe(400);
    await post('speed', { user: 'U0DEPLOY', speed: 60 });
  });

  it('beyond loopback: warns, and needs the token the URL carries (then a cookie)', async () => {
    const { playground } = demo;
    const relay = createRelay(playground.slack, 'unused', () => 'http://127.0.0.1:9/slack/events');
    const exposed = await startPageServer({
      slack: playground.slack,
      relay,
      people: playground.people,
      channel: PLAYGROUND_CHANNEL,
      clock: playground.clock,
      host: '0.0.0.0',
      port: 0,
    });
    try {
      const page = new URL(exposed.url);
      const token = page.searchParams.get('token') ?? '';
      expect(token.length).toBeGreaterThanOrEqual(20);
      const host = `127.0.0.1:${page.port}`;
      expect((await raw(exposed.url, '/', { host })).status).toBe(401);
      expect((await raw(exposed.url, '/api/setup', { host })).status).toBe(401);
      expect((await raw(exposed.url, '/?token=wrong', { host })).status).toBe(401);
      const opened = await raw(exposed.url, `/?token=${token}`, { host });
      expect(opened.status).toBe(303);
      const cookie = String(opened.headers['set-cookie']).split(';')[0] ?? '';
      expect(String(opened.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
      expect((await raw(exposed.url, '/api/setup', { host, cookie })).status).toBe(200);
      // The Host check still applies: a rebound name is refused even with the cookie.
      expect((await raw(exposed.url, '/api/setup', { host: 'evil.example', cookie })).status).toBe(403);
    } finally {
      await new Promise<void>((resolve) => {
        exposed.server.close(() => resolve());
        exposed.server.closeAllConnections();
      });
    }
    expect(playgroundBanner('http://0.0.0.0:3000/?token=abc', 60, true)).toMatch(
      /WARNING: the page listens beyond this machine[\s\S]*Open http:\/\/0\.0\.0\.0:3000\/\?token=abc/,
    );
  });
});
