import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { createLogger, redactTokens, toSlackLogger } from '../../src/shared/logger.js';

const GOOD = { SLACK_BOT_TOKEN: 'xoxb-1-abc', SLACK_SIGNING_SECRET: 'secret-123456' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration from the environment', () => {
  it('defaults: PGlite in ./.data, port 3000, ./runbooks, an optional directory file', () => {
    expect(loadConfig(GOOD)).toEqual({
      slack: {
        botToken: 'xoxb-1-abc',
        signingSecret: 'secret-123456',
        appToken: null,
        apiUrl: null,
        botUserId: null,
        updatesPerMinute: 40,
      },
      parseTimeLimitMs: 20_000,
      limits: { activeRunsPerUser: 5, activeRunsPerChannel: 10 },
      database: { dataDir: './.data' },
      port: 3000,
      runbooksDir: './runbooks',
      directoryFile: './runbooks/directory.yml',
      directoryOptional: true,
      logLevel: 'info',
      metrics: { port: null, host: '127.0.0.1', token: null },
      pagerduty: { eventsUrl: 'https://events.pagerduty.com/v2/enqueue', keys: {} },
    });
  });

  it('metrics: METRICS_PORT, METRICS_HOST and METRICS_TOKEN, each checked', () => {
    expect(
      loadConfig({
        ...GOOD,
        METRICS_PORT: '9464',
        METRICS_HOST: '0.0.0.0',
        METRICS_TOKEN: 'a-long-enough-token',
      }).metrics,
    ).toEqual({ port: 9464, host: '0.0.0.0', token: 'a-long-enough-token' });
    expect(() => loadConfig({ ...GOOD, METRICS_PORT: 'x', METRICS_TOKEN: 'short' })).toThrow(
      expect.objectContaining({
        problems: ['METRICS_PORT must be a port number', 'METRICS_TOKEN must be at least 16 characters'],
      }),
    );
  });

  it('the chat.update budget and the parse time limit: whole numbers within bounds', () => {
    const config = loadConfig({ ...GOOD, SLACK_UPDATES_PER_MINUTE: '100', PARSE_TIME_LIMIT_MS: '5000' });
    expect(config.slack.updatesPerMinute).toBe(100);
    expect(config.parseTimeLimitMs).toBe(5000);
    expect(problemsOf({ ...GOOD, SLACK_UPDATES_PER_MINUTE: '2', PARSE_TIME_LIMIT_MS: '1.5' })).toEqual([
      'SLACK_UPDATES_PER_MINUTE must be at least 8',
      'PARSE_TIME_LIMIT_MS must be a whole number of milliseconds',
    ]);
    expect(problemsOf({ ...GOOD, SLACK_UPDATES_PER_MINUTE: 'lots', PARSE_TIME_LIMIT_MS: '999999' })).toEqual([
      'SLACK_UPDATES_PER_MINUTE must be a whole number of chat.update calls a minute',
      'PARSE_TIME_LIMIT_MS must be at most 300000 (5 minutes)',
    ]);
  });

  it('PagerDuty: the events URL, and only PAGERDUTY_* variables as routing keys', () => {
    const config = loadConfig({
      ...GOOD,
      PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:9/v2/enqueue',
      PAGERDUTY_ROUTING_KEY: 'R0UTING',
      OTHER_SECRET: 'x',
    });
    expect(config.pagerduty).toEqual({
      eventsUrl: 'http://127.0.0.1:9/v2/enqueue',
      keys: { PAGERDUTY_ROUTING_KEY: 'R0UTING' },
    });
    expect(problemsOf({ ...GOOD, PAGERDUTY_EVENTS_URL: 'not a url' })).toEqual([
      'PAGERDUTY_EVENTS_URL must be an http(s) URL',
    ]);
  });

  it('DATABASE_URL selects Postgres; SLACK_API_URL works with or without a trailing slash', () => {
    const a = loadConfig({
      ...GOOD,
      DATABASE_URL: 'postgres://u@h:5432/d',
      SLACK_API_URL: 'http://localhost:4000/api',
    });
    const b = loadConfig({ ...GOOD, SLACK_API_URL: 'http://localhost:4000/api/' });
    expect(a.database).toEqual({ url: 'postgres://u@h:5432/d' });
    expect(a.slack.apiUrl).toBe('http://localhost:4000/api/');
    expect(b.slack.apiUrl).toBe('http://localhost:4000/api/');
  });

  it('one clear line per bad variable', () => {
    expect(
      problemsOf({
        SLACK_BOT_TOKEN: 'xoxp-user',
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        SLACK_APP_TOKEN: 'abc',
      }),
    ).toEqual([
      'SLACK_BOT_TOKEN must start with xoxb-',
      'SLACK_SIGNING_SECRET is required (Basic Information → Signing Secret)',
      'SLACK_APP_TOKEN must start with xapp-',
      'DATABASE_URL must be a postgres:// URL',
      'PORT must be a port number',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});

describe('logs never carry secrets', () => {
  it('redacts token fields and tokens inside text', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('debug', stream);
    logger.info(
      {
        token: 'xoxb-1-secret',
        config: { slack: { botToken: 'xoxb-1-secret' } },
        headers: { authorization: 'Bearer xoxb-1-secret' },
      },
      'hello',
    );
    toSlackLogger(logger).error('request failed for token xoxb-1-secret and xapp-1-also');
    const all = lines.join('\n');
    expect(all).not.toContain('xoxb-1-secret');
    expect(all).not.toContain('xapp-1-also');
    expect(all).toContain('[redacted]');
    expect(redactTokens('Bearer xoxb-12-ab')).toBe('Bearer xox?-[redacted]');
  });

  it('redacts secret-named keys at any depth, also inside errors and arrays', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('debug', stream);
    const original = { request: { options: { headers: { Authorization: 'Bearer nested-secret-1' } } } };
    logger.warn(
      {
        ...original,
        deep: { a: { b: { c: { password: 'nested-secret-2', signingSecret: 'nested-secret-3' } } } },
        list: [{ token: 'nested-secret-4' }],
        pagerduty: { routing_key: 'nested-secret-5' },
        err: Object.assign(new Error('request failed'), {
          config: { headers: { authorization: 'Bearer nested-secret-6' } },
        }),
      },
      'nested',
    );
    const all = lines.join('\n');
    for (const n of [1, 2, 3, 4, 5, 6]) expect(all).not.toContain(`nested-secret-${n}`);
    expect(all).toContain('[redacted]');
    expect(all).toContain('request failed');
    // The caller's object is not changed.
    expect(original.request.options.headers.Authorization).toBe('Bearer nested-secret-1');
  });
});
