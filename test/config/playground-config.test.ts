// When playground mode applies, and its settings.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { isPlayground, loadPlaygroundConfig } from '../../src/config/playground-config.js';

describe('isPlayground', () => {
  it.each([
    [{}, true],
    [{ NODE_ENV: 'development' }, true],
    [{ SLACK_BOT_TOKEN: '' }, true],
    [{ NODE_ENV: 'production' }, false],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, false],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, false],
  ])('%j → %s', (env, expected) => {
    expect(isPlayground(env)).toBe(expected);
  });
});

describe('loadPlaygroundConfig', () => {
  it('listens on 127.0.0.1:3000 at real time by default', () => {
    expect(loadPlaygroundConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      speed: 60,
      runbooksDir: './runbooks',
      directoryFile: './runbooks/directory.yml',
      directoryOptional: true,
      logLevel: 'info',
    });
  });

  it('takes the port, host, speed, runbooks and directory it is given', () => {
    const config = loadPlaygroundConfig({
      PORT: '8080',
      PLAYGROUND_HOST: '0.0.0.0',
      PLAYGROUND_SPEED: '60',
      RUNBOOKS_DIR: 'team/runbooks/',
      DIRECTORY_FILE: 'team/who.yml',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      speed: 60,
      runbooksDir: 'team/runbooks/',
      directoryFile: 'team/who.yml',
      directoryOptional: false,
    });
  });

  it('lists every bad variable', () => {
    try {
      loadPlaygroundConfig({ PORT: 'x', PLAYGROUND_SPEED: '0.5' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'PORT must be a port number',
        'PLAYGROUND_SPEED must be a number from 1 to 3600',
      ]);
    }
  });
});
