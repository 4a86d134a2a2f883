// docker-compose.yml: the bot waits for a healthy Postgres, both have health checks, data is in a volume.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compose = parse(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Record<string, unknown> & { environment?: Record<string, string> }>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('has the bot and Postgres, each with a health check; the bot waits for the database', () => {
    const { bot, db } = compose.services;
    expect(db?.healthcheck).toMatchObject({ test: ['CMD-SHELL', expect.stringContaining('pg_isready')] });
    expect(bot?.healthcheck).toMatchObject({
      test: expect.arrayContaining([expect.stringContaining('/healthz')]),
    });
    expect(bot?.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(db?.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    expect(Object.keys(compose.volumes)).toEqual(['pgdata']);
  });

  it("gives the bot an environment its own configuration accepts, metrics on the host's loopback", () => {
    const env = Object.fromEntries(
      Object.entries(compose.services.bot?.environment ?? {}).map(([k, v]) => [
        k,
        // ${VAR:-default} → default, ${VAR:?message} → a sample value
        v
          .replace(/\$\{(\w+):-([^}]*)\}/g, '$2')
          .replace(/\$\{(\w+):\?[^}]*\}/g, (_m, name: string) =>
            name === 'SLACK_BOT_TOKEN' ? 'xoxb-sample' : 'sample-secret',
          ),
      ]),
    );
    const config = loadConfig(env);
    expect(config.database).toEqual({ url: 'postgres://deploybot:deploybot@db:5432/deploybot' });
    expect(config.metrics).toEqual({ port: 9464, host: '0.0.0.0', token: null });
    expect(compose.services.bot?.ports).toContain('127.0.0.1:9464:9464');
  });
});
