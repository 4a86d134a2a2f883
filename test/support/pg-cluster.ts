// A throwaway Postgres cluster of the test's own (initdb in a temporary folder, pg_ctl on a free
// port), so a test may stop and start it: never the shared server. Root cannot run initdb, so as
// root it runs as `nobody`. `available()` says why it cannot be used (binaries missing).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = '/usr/lib/postgresql';
const binDir = (): string | null => {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const v = versions.find((x) => existsSync(join(root, x, 'bin', 'initdb')));
  return v ? join(root, v, 'bin') : null;
};

/** Null when a cluster can be made here, else why not. */
export const pgClusterUnavailable = (): string | null =>
  binDir() ? null : `no initdb/pg_ctl under ${root}/*/bin`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export class PgCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** initdb + start; the URL is `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  static async create(): Promise<PgCluster> {
    const bin = binDir();
    if (!bin) throw new Error('no Postgres binaries');
    const dir = mkdtempSync(join(tmpdir(), 'deploybot-pg-'));
    chmodSync(dir, 0o777);
    const cluster = new PgCluster(bin, dir, await freePort());
    cluster.run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
    this.run('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-o',
      opts,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  /** A fast shutdown: connections are cut, as in a crash or failover of the database server. */
  stop(): void {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  }

  dispose(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const exe = join(this.bin, tool);
    const asRoot = process.getuid?.() === 0;
    execFileSync(asRoot ? 'runuser' : exe, asRoot ? ['-u', 'nobody', '--', exe, ...args] : args, {
      stdio: 'pipe',
      cwd: this.dir,
    });
  }
}
