// The process from its first moment: an older Node prints one clear line, and a stop signal sent during
// start-up (before the bot is up) ends the process cleanly and at once, as a container stop would.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../src/runtime/node-version.js';
import { createFakeSlack } from '../support/fake-slack.js';
import { launchBot, spawnBot } from '../support/spawned-bot.js';

/** A Node older than 24 on this machine (Debian's), or null. */
function olderNode(): string | null {
  for (const path of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const major = Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]']).toString());
      if (major < 24) return path;
    } catch {}
  }
  return null;
}

describe('the Node.js it runs on', () => {
  it('accepts 24 and newer, and names the fix for anything older', () => {
    expect(nodeVersionProblem('24.0.0')).toBeNull();
    expect(nodeVersionProblem('26.1.0')).toBeNull();
    expect(nodeVersionProblem('20.20.2')).toMatch(
      /^deploybot: needs Node\.js 24 or newer, found 20\.20\.2: .*npm start/,
    );
    expect(nodeVersionProblem('garbage')).not.toBeNull();
  });

  const old = olderNode();
  it.skipIf(!old)(`started with an older Node (${old}), it prints one line and exits 1`, async () => {
    const { child, dir, output } = launchBot(
      { SLACK_BOT_TOKEN: 'xoxb-old', SLACK_SIGNING_SECRET: 'old-node-secret' },
      { node: old ?? '' },
    );
    const [code] = await once(child, 'exit');
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(output().trim().split('\n')).toEqual([
      expect.stringMatching(/^deploybot: needs Node\.js 24 or newer/),
    ]);
  });
});

describe('a stop during start-up', () => {
  it('SIGTERM 500 ms after start exits 0 within 5 s (signals are handled before the bot is up)', async () => {
    const slack = await createFakeSlack();
    const data = mkdtempSync(join(tmpdir(), 'deploybot-early-'));
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-early',
      SLACK_SIGNING_SECRET: 'early-stop-signing-secret',
      SLACK_API_URL: slack.url,
      DATA_DIR: data,
    };
    // An existing database, as on a restart (creating a new PGlite database is one step that a stop
    // waits for: cutting it would leave a half-made database behind).
    await (await spawnBot(env)).stop();
    const { child, dir, output } = launchBot(env);
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(output()).not.toMatch(/deploybot is up/);
      const sent = performance.now();
      child.kill('SIGTERM');
      const exited = once(child, 'exit');
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no exit within 5 s:\n${output()}`)), 5000),
      );
      const [code, signal] = await Promise.race([exited, timeout]);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(performance.now() - sent).toBeLessThan(5000);
      expect(output()).not.toMatch(/deploybot is up/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
      await slack.close();
    }
  }, 90_000);
});
