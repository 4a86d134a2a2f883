// `npm start` with no configuration starts the playground and says where to open it; with
// NODE_ENV=production it does not (the missing token is reported). `deploybot playground` too.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(REPO, 'dist', 'src', 'main.js');
const BIN = join(REPO, 'bin', 'deploybot');
/** The environment without anything that would configure a real Slack app or a database. */
const CLEAN = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(SLACK_|DATABASE_URL|NODE_ENV|PORT|PLAYGROUND_)/.test(k)),
);

let child: ChildProcess | null = null;

beforeAll(() => {
  if (!existsSync(MAIN)) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
}, 180_000);
afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
});

/** Starts a process and resolves with the page URL its banner gives, and its output so far. */
function startAndRead(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ url: string; out: string }> {
  child = spawn(process.execPath, args, { cwd: REPO, env: { ...CLEAN, ...env, LOG_LEVEL: 'warn' } });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /Open (http:\/\/localhost:\d+\/)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, out });
      }
    };
    child?.stdout?.on('data', read);
    child?.stderr?.on('data', read);
    child?.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
}

function exitCode(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
}

describe('starting the playground', () => {
  it('npm start with no configuration: the playground, its page, and how to switch to Slack', async () => {
    const { url, out } = await startAndRead([MAIN], { PORT: '0' });
    expect(out).toContain('deploybot PLAYGROUND');
    expect(out).toContain('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>deploybot playground</title>');
    const setup = (await (await fetch(`${url}api/setup`)).json()) as { people: { id: string }[] };
    expect(setup.people.map((p) => p.id)).toContain('U0INGRID');
    const proc = child as ChildProcess;
    proc.kill('SIGTERM');
    expect(await exitCode(proc)).toBe(0);
  }, 90_000);

  it('never with NODE_ENV=production: the missing token is reported instead', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      cwd: REPO,
      env: { ...CLEAN, NODE_ENV: 'production', PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('deploybot: SLACK_BOT_TOKEN is required');
    expect(result.stderr).not.toContain('PLAYGROUND');
  }, 40_000);

  it('deploybot playground --runbooks DIR --speed N opens those runbooks, sped up', async () => {
    const { url, out } = await startAndRead(
      [BIN, 'playground', '--runbooks', 'runbooks', '--speed', '120', '--port', '0'],
      {},
    );
    expect(out).toContain('120× real time (a 10-minute wait takes 5 s)');
    const setup = (await (await fetch(`${url}api/setup`)).json()) as { speed: number };
    expect(setup.speed).toBe(120);
  }, 90_000);

  it('deploybot playground refuses with a token set', () => {
    const result = spawnSync(process.execPath, [BIN, 'playground'], {
      cwd: REPO,
      env: { ...CLEAN, SLACK_BOT_TOKEN: 'xoxb-real' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not with NODE_ENV=production or a Slack token set');
  }, 40_000);
});
