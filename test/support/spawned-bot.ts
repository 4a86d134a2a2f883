// Starts the built bot (`node dist/src/main.js`) as its own process, against the fake Slack and a
// PGlite data folder in a temporary directory: for tests about the process itself (crashes, signals).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// From test/support, or from dist/test/support when a bench runs it compiled.
const HERE = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPO = existsSync(join(HERE, 'package.json')) ? HERE : join(HERE, '..');
const MAIN = join(REPO, 'dist', 'src', 'main.js');

/** A running bot process. */
export interface SpawnedBot {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

/** Starts `node dist/src/main.js` (with `node`, default this one) in a temporary folder; does not wait. */
export function launchBot(
  env: Record<string, string>,
  { preload, node = process.execPath }: { preload?: string; node?: string } = {},
) {
  if (!existsSync(MAIN)) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'deploybot-proc-'));
  cpSync(join(REPO, 'runbooks'), join(dir, 'runbooks'), { recursive: true });
  // The tests play the example directory's cast, as a team would after copying it.
  cpSync(join(REPO, 'runbooks', 'directory.example.yml'), join(dir, 'runbooks', 'directory.yml'));
  const args = preload ? ['--import', join(REPO, 'test', 'support', preload), MAIN] : [MAIN];
  const child = spawn(node, args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      RUNBOOKS_DIR: join(dir, 'runbooks'),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout?.on('data', (d: Buffer) => (output.text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output.text += d.toString()));
  return { child, dir, output: () => output.text };
}

/** Spawns the bot and resolves once it logged "deploybot is up" (with its port), or rejects. */
export async function spawnBot(
  env: Record<string, string>,
  { timeoutMs = 45_000, preload }: { timeoutMs?: number; preload?: string } = {},
): Promise<SpawnedBot> {
  const { child, dir, output } = launchBot(env, preload ? { preload } : {});
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start in time:\n${output()}`)), timeoutMs);
    const look = () => {
      const up = /"port":(\d+)[^\n]*deploybot is up|deploybot is up[^\n]*"port":(\d+)/.exec(output());
      if (up) {
        clearTimeout(timer);
        resolve(Number(up[1] ?? up[2]));
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}:\n${output()}`));
    });
  });
  return {
    child,
    port,
    output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
