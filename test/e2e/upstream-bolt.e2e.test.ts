// Upstream: Bolt 5.1's HTTPReceiver dies on a signed `payload=null` (an unhandled rejection from
// `body.ssl_check` of null) and takes timestamps from the future. src/slack/ingress-guard.ts exists
// for these; when this test fails, Bolt has fixed them and the guard's checks may be dropped.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { postToApp, slashCommandBody } from '../support/slack-requests.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'bare-bolt.mjs');
const SECRET = 'bare-bolt-signing-secret';

async function startBare(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SCRIPT, SECRET], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`bare Bolt did not start: ${out}`)), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`bare Bolt exited with ${code}: ${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/slack/events` };
}

describe('upstream Bolt (without our guard)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('a signed payload=null kills a bare Bolt app', async () => {
    const bare = await startBare();
    child = bare.child;
    const exited = new Promise<number | null>((resolve) => bare.child.once('exit', (code) => resolve(code)));
    const answer = postToApp(bare.url, 'payload=null', { secret: SECRET }).catch((e: Error) => e);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('alive'), 10_000))]);
    expect(code).toBe(1);
    // The request is never answered: the connection dies with the process.
    expect(await answer).toBeInstanceOf(Error);
  }, 30_000);

  it('a bare Bolt app takes a timestamp ten minutes in the future', async () => {
    const bare = await startBare();
    child = bare.child;
    const body = slashCommandBody({
      text: 'help',
      userId: 'U0ALICE',
      channelId: 'C0X',
      responseUrl: 'http://127.0.0.1:9/r',
    });
    const now = Math.floor(Date.now() / 1000);
    const past = await postToApp(bare.url, body, { secret: SECRET, timestamp: now - 600 });
    expect(past.status).toBe(401);
    // Past the signature check (whatever the listener then answers): only the past side is checked.
    const future = await postToApp(bare.url, body, { secret: SECRET, timestamp: now + 600 });
    expect(future.status).not.toBe(401);
  }, 30_000);
});
