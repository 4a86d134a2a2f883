// Logging: pino with secrets redacted, and the adapter Bolt needs.
import type { LogLevel, Logger as SlackLogger } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths whose values never reach the logs. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  'appToken',
  'signingSecret',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  'config.slack',
  'databaseUrl',
  '*.databaseUrl',
];

/** Key names whose values are redacted at any depth (pino's paths reach one level of wildcard only). */
const SECRET_KEY =
  /^(?:token|bot_?token|app_?token|access_?token|signing_?secret|secret|password|authorization|cookie|x-slack-signature|database_?url|routing_?key|private_?metadata)$/i;
const MAX_DEPTH = 8;

/** A copy of a log object with secret-named keys redacted at any depth (the original is untouched). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  // An error is serialized here (as pino would, with its own properties: an HTTP client's error carries
  // its request's headers), so that what it holds is redacted too.
  if (value instanceof Error) return redactDeep({ ...pino.stdSerializers.err(value) }, depth + 1);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined ? '[redacted]' : redactDeep(v, depth + 1);
  }
  return out;
}

/** Creates the logger; tests pass a stream to read what was logged. */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { app: 'deploybot' },
    formatters: { log: (object: Record<string, unknown>) => redactDeep(object) as Record<string, unknown> },
  };
  return stream ? pino(options, stream) : pino(options);
}

/** Bolt's logger interface over pino. Messages are strings: Bolt can log request bodies as args. */
export function toSlackLogger(logger: Logger): SlackLogger {
  let child = logger.child({ component: 'slack' });
  const text = (m: unknown[]) =>
    m.map((x) => (typeof x === 'string' ? x : x instanceof Error ? x.message : JSON.stringify(x))).join(' ');
  return {
    debug: (...m: unknown[]) => child.debug(redactTokens(text(m))),
    info: (...m: unknown[]) => child.info(redactTokens(text(m))),
    warn: (...m: unknown[]) => child.warn(redactTokens(text(m))),
    error: (...m: unknown[]) => {
      const err = m.find((x): x is Error => x instanceof Error);
      child.error(err ? { err } : {}, redactTokens(text(m)));
    },
    // Bolt sets its level on its logger: never below ours (LOG_LEVEL=silent stays silent).
    setLevel: (level: LogLevel) => {
      const wanted = pino.levels.values[level] ?? 0;
      child.level = wanted >= logger.levelVal ? level : logger.level;
    },
    getLevel: () => child.level as LogLevel,
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}

/** Slack tokens that end up inside free text (error messages, request dumps) are masked too. */
export function redactTokens(text: string): string {
  return text
    .replace(/xox[abposr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]')
    .replace(/xapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]');
}
