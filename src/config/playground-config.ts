// Playground mode (no Slack app): when it applies, and its few settings. Read from the environment by
// src/main.ts, or from `deploybot playground` flags. Never on in production or with a bot token.
import { z } from 'zod';
import { ConfigError } from './config.js';

/** `npm start`'s pace: a 10-minute wait takes 10 s, and the page can change it. */
export const DEFAULT_SPEED = 60;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z
  .object({
    PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
    PLAYGROUND_HOST: z.string().min(1).default('127.0.0.1'),
    PLAYGROUND_SPEED: z.coerce
      .number({ error: 'must be a number from 1 to 3600' })
      .min(1, 'must be a number from 1 to 3600')
      .max(3600, 'must be a number from 1 to 3600')
      .default(DEFAULT_SPEED),
    RUNBOOKS_DIR: z.string().min(1).default('./runbooks'),
    DIRECTORY_FILE: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  })
  .loose();

/** What the playground runs with. */
export interface PlaygroundConfig {
  /** The page's port (the bot and the embedded Slack take free ports of their own). */
  port: number;
  /** Where the page listens: 127.0.0.1 unless told otherwise. */
  host: string;
  /** How many times faster than real time waits and escalation timeouts run. */
  speed: number;
  runbooksDir: string;
  directoryFile: string;
  directoryOptional: boolean;
  logLevel: (typeof logLevels)[number];
}

/** Playground mode applies when no Slack token is set and NODE_ENV is not production. */
export function isPlayground(env: Record<string, string | undefined>): boolean {
  return !env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && env.NODE_ENV !== 'production';
}

/** Reads the playground's settings; throws ConfigError listing every bad variable. */
export function loadPlaygroundConfig(env: Record<string, string | undefined>): PlaygroundConfig {
  const result = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${String(i.path[0] ?? 'environment')} ${i.message}`),
    );
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.PLAYGROUND_HOST,
    speed: e.PLAYGROUND_SPEED,
    runbooksDir: e.RUNBOOKS_DIR,
    directoryFile: e.DIRECTORY_FILE ?? `${e.RUNBOOKS_DIR.replace(/\/+$/, '')}/directory.yml`,
    directoryOptional: e.DIRECTORY_FILE === undefined,
    logLevel: e.LOG_LEVEL,
  };
}
