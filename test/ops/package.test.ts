// The package: what runs in production, and the Bolt internals the ingress guard relies on.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { HTTPModuleFunctions, HTTPReceiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('runtime dependencies', () => {
  it('typescript is a dev dependency, and nothing the bot runs imports it', () => {
    expect(pkg.dependencies.typescript).toBeUndefined();
    expect(pkg.devDependencies.typescript).toBeDefined();
    const importers = sourceFiles(join(REPO, 'src')).filter((file) =>
      /(from\s+|import\s*\(\s*|require\s*\(\s*)['"]typescript['"]/.test(readFileSync(file, 'utf8')),
    );
    expect(importers).toEqual([]);
  });
});

describe('Bolt, pinned for the ingress guard (src/slack/ingress-guard.ts)', () => {
  const installed = (createRequire(import.meta.url)('@slack/bolt/package.json') as { version: string })
    .version;

  it('is pinned to one exact version, the one installed', () => {
    expect(pkg.dependencies['@slack/bolt']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(pkg.dependencies['@slack/bolt']);
  });

  it('its HTTPReceiver dispatches through a replaceable requestListener property', () => {
    const receiver = new HTTPReceiver({ signingSecret: 'pinned-bolt-secret' });
    expect(Object.hasOwn(receiver, 'requestListener')).toBe(true);
    expect(typeof receiver.requestListener).toBe('function');
    const source = readFileSync(
      join(REPO, 'node_modules', '@slack', 'bolt', 'dist', 'receivers', 'HTTPReceiver.js'),
      'utf8',
    );
    // The server calls the property at request time (so the guard's replacement is what runs), and
    // start() passes its second argument to createServer (the guard's timeouts).
    expect(source).toContain('this.requestListener(req, res)');
    expect(source).toMatch(/createServerFn\(serverOptions,/);
  });

  it('it reuses a body the guard already read (req.rawBody) instead of reading the stream again', async () => {
    const rawBody = Buffer.from('command=%2Fdeploy');
    const req = { rawBody, headers: {} } as never;
    const buffered = await HTTPModuleFunctions.bufferIncomingMessage(req);
    expect(buffered).toBe(req);
    expect((buffered as { rawBody: Buffer }).rawBody).toBe(rawBody);
  });
});
