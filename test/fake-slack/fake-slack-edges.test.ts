// The embedded Slack's edges (issue 19, item 7): only the bot that holds its token may call it, only
// at its own address, never from a browser page (any Origin), and no request body is read without
// a limit. Also files: an external upload shared in a thread is a message there, as on Slack.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack } from '../../src/fake-slack/fake-slack.js';

let fake: FakeSlack;
const TOKEN = 'xoxb-the-bot';

beforeAll(async () => {
  fake = await createFakeSlack({ token: TOKEN, channels: ['C1'], maxBodyBytes: 64 * 1024 });
});
afterAll(() => fake.close());

/** A raw request, so that Host and Origin can be anything a browser or a rebound name would send. */
function call(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const { hostname, port } = new URL(fake.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          authorization: `Bearer ${TOKEN}`,
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => {
          const json = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text };
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const post = (text: string) => JSON.stringify({ channel: 'C1', text });

describe('the embedded Slack, locked to its bot', () => {
  it('answers its own token and refuses any other', async () => {
    expect((await call('/api/chat.postMessage', post('hi'))).json.ok).toBe(true);
    const foreign = await call('/api/chat.postMessage', post('hi'), { authorization: 'Bearer xoxb-guess' });
    expect(foreign.json).toMatchObject({ ok: false, error: 'invalid_auth' });
  });

  it('refuses a foreign Host (a rebound DNS name) and any Origin (a browser page)', async () => {
    const { port } = new URL(fake.origin);
    const before = fake.messages('C1').length;
    const rebound = await call('/api/chat.postMessage', post('rebound'), { host: `evil.example:${port}` });
    expect(rebound).toMatchObject({ status: 403, json: { error: 'host_not_allowed' } });
    const page = await call('/api/chat.postMessage', post('page'), { origin: 'http://localhost:3000' });
    expect(page).toMatchObject({ status: 403, json: { error: 'origin_not_allowed' } });
    const nullOrigin = await call('/api/chat.postMessage', post('page'), { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    expect(fake.messages('C1')).toHaveLength(before);
    expect((await call('/api/chat.postMessage', post('ok'), { host: `localhost:${port}` })).status).toBe(200);
  });

  it('caps request bodies', async () => {
    const big = JSON.stringify({ channel: 'C1', text: 'x'.repeat(100 * 1024) });
    expect(await call('/api/chat.postMessage', big)).toMatchObject({
      status: 413,
      json: { error: 'request_too_large' },
    });
    // Streamed without a Content-Length, it is cut while it is read.
    const chunked = await call('/api/chat.postMessage', big, { 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
  });

  it('keeps an uploaded file and shares it in the thread as a message with the file', async () => {
    const parent = await call('/api/chat.postMessage', post('parent'));
    const threadTs = String(parent.json.ts);
    const bytes = '# Run report\n\nline 2\n';
    const url = await call(
      '/api/files.getUploadURLExternal',
      JSON.stringify({ filename: 'report.md', length: bytes.length }),
    );
    const uploadPath = new URL(String(url.json.upload_url)).pathname;
    expect((await call(uploadPath, bytes, { 'content-type': 'text/markdown' })).status).toBe(200);
    const done = await call(
      '/api/files.completeUploadExternal',
      JSON.stringify({
        files: JSON.stringify([{ id: url.json.file_id, title: 'Run report' }]),
        channel_id: 'C1',
        thread_ts: threadTs,
      }),
    );
    expect(done.json.ok).toBe(true);
    const [shared] = fake.thread('C1', threadTs);
    expect(shared?.files).toEqual([
      { id: url.json.file_id, name: 'report.md', title: 'Run report', size: bytes.length },
    ]);
    expect(fake.files.get(String(url.json.file_id))?.bytes).toBe(bytes);
    // A reply's permalink names its thread, so that a client opens the thread.
    const link = await call(
      '/api/chat.getPermalink',
      JSON.stringify({ channel: 'C1', message_ts: shared?.ts }),
    );
    expect(String(link.json.permalink)).toMatch(
      new RegExp(`/archives/C1/p\\d+\\?thread_ts=${threadTs.replace('.', '\\.')}&cid=C1$`),
    );
  });
});
