// Stopping the bot process: SIGTERM ends it within a bounded time even while a request never
// finishes (a client that stalls mid-body) and a keep-alive connection sits idle, as a container
// stop gives a grace period, not forever. Without the bound, the HTTP server waits for the stalled
// request until Node's five-minute request timeout.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { type SpawnedBot, spawnBot } from '../support/spawned-bot.js';

describe('stopping the bot process', () => {
  let slack: FakeSlack;
  let bot: SpawnedBot;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    slack = await createFakeSlack();
    bot = await spawnBot({
      SLACK_BOT_TOKEN: 'xoxb-shutdown',
      SLACK_SIGNING_SECRET: 'shutdown-signing-secret',
      SLACK_API_URL: slack.url,
    });
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await bot?.stop();
    await slack?.close();
  });

  const open = (port: number) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', () => {}); // the bot closes it on stop
      socket.once('error', reject);
      sockets.push(socket);
    });

  it('exits 0 within seconds of SIGTERM with a request stalled mid-body and an idle keep-alive connection', async () => {
    // A request whose body never arrives (its signature headers look right, so the guard reads on):
    // in flight until the 10 s request timeout.
    const stalled = await open(bot.port);
    const signed = `X-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}\r\nX-Slack-Signature: v0=${'0'.repeat(64)}\r\n`;
    stalled.write(
      `POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n${signed}Content-Length: 1000\r\n\r\n{"type":`,
    );
    // A keep-alive connection that answered one request and now waits for the next.
    const idle = await open(bot.port);
    const answered = new Promise<string>((resolve) =>
      idle.once('data', (d: Buffer) => resolve(d.toString())),
    );
    idle.write('GET /healthz HTTP/1.1\r\nHost: bot\r\nConnection: keep-alive\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);

    const started = performance.now();
    const exited = new Promise<number | null>((resolve) => bot.child.once('exit', (code) => resolve(code)));
    bot.child.kill('SIGTERM');
    const code = await exited;
    const tookMs = performance.now() - started;
    expect(code, bot.output()).toBe(0);
    // The grace for requests in flight is 5 s; the rest of the stop takes well under a second here.
    expect(tookMs, bot.output()).toBeLessThan(12_000);
    expect(bot.output()).toMatch(/deploybot stopped/);
    expect(bot.output()).toMatch(/closed 1 connection still busy after the 5 s grace/);
  }, 60_000);
});
