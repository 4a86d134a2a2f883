// The HTTP edge under abuse: unsigned and oversized bodies are refused before they are read or parsed,
// odd timestamps are refused, and slow clients are cut (Node's defaults kept them for minutes).
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../../src/slack/ingress-guard.js';
import { postToApp, signRequest, slashCommandBody } from '../support/slack-requests.js';
import { E2E_DRIVER, type Harness, SECRET, startHarness } from './harness.js';

/** Posts `body` with raw headers; resolves with the status (or the socket error) and the time taken. */
function post(port: number, body: Buffer, headers: Record<string, string>) {
  const started = performance.now();
  return new Promise<{ status: number | string; ms: number }>((resolve) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/slack/events',
        headers: { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: err.code ?? 'error', ms: performance.now() - started }),
    );
    req.end(body);
  });
}

describe('the HTTP edge', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('an unsigned 1 MB body gets 401 before it is read, and a forged signature 401 before it is parsed', async () => {
    const body = Buffer.from(
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', pad: 'x'.repeat(1_000_000) }))}`,
    );
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const unsigned = await post(h.bot.port, body, form);
    expect(unsigned.status).toBe(401);
    const forged = await post(h.bot.port, body.subarray(0, 1_000_000), {
      ...form,
      'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-slack-signature': `v0=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const tooBig = Buffer.alloc(BODY_LIMIT + 1, 'a');
    const big = await post(h.bot.port, tooBig, signRequest(SECRET, tooBig.toString()));
    expect(big.status).toBe(413);
    console.log(
      `unsigned 1 MB → ${unsigned.status} in ${Math.round(unsigned.ms)} ms; forged → ${forged.status} in ${Math.round(forged.ms)} ms`,
    );
  });

  it('timestamps must be integers within five minutes: Infinity, decimals and exponents get 401', async () => {
    const url = `http://127.0.0.1:${h.bot.port}/slack/events`;
    const body = slashCommandBody({
      text: 'help',
      userId: 'U0ALICE',
      channelId: 'C0EDGE',
      responseUrl: h.slack.responseUrl(),
    });
    const now = Math.floor(Date.now() / 1000);
    for (const ts of ['Infinity', `${now}.5`, `${now}e0`, ' 1', '-1', String(now - 301), String(now + 301)]) {
      const signed = signRequest(SECRET, body);
      const res = await postToApp(url, body, {
        secret: SECRET,
        headers: { ...signed, 'x-slack-request-timestamp': ts },
      });
      expect(res.status, ts).toBe(401);
    }
    const ok = await postToApp(url, body, { secret: SECRET });
    expect(ok.status).toBe(200);
  });

  it("Slack's unsigned ssl_check is answered 200 and nothing else unsigned is", async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await post(h.bot.port, Buffer.from('ssl_check=1&token=x'), form)).status).toBe(200);
    expect(
      (await post(h.bot.port, Buffer.from('ssl_check=1&command=%2Fdeploy&text=start'), form)).status,
    ).toBe(200);
    expect((await post(h.bot.port, Buffer.from('command=%2Fdeploy&text=help'), form)).status).toBe(401);
  });

  it('10 connections sending a header line every 2 s are all cut within 30 s', async () => {
    const sockets: Socket[] = [];
    const closedAfter: number[] = [];
    const started = performance.now();
    const timers: NodeJS.Timeout[] = [];
    await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect(h.bot.port, '127.0.0.1', () => {
              socket.write('POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n');
              let n = 0;
              timers.push(setInterval(() => socket.writable && socket.write(`X-Slow-${n++}: 1\r\n`), 2000));
              resolve();
            });
            socket.on('error', () => undefined);
            socket.on('close', () => closedAfter.push(performance.now() - started));
            sockets.push(socket);
          }),
      ),
    );
    while (closedAfter.length < 10 && performance.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 250));
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    expect(closedAfter).toHaveLength(10);
    const last = Math.max(...closedAfter);
    expect(last).toBeLessThan(30_000);
    console.log(`10 slow connections: all cut after ${(last / 1000).toFixed(1)} s`);
  }, 40_000);
});
