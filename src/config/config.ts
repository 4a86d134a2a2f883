// Configuration: the environment, validated once, into a typed Config. The only place env is read
// is src/main.ts, which passes process.env here.
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is required (the bot token, xoxb-…)' })
      .regex(/^xoxb-/, 'must start with xoxb-'),
    SLACK_SIGNING_SECRET: z
      .string({ error: 'is required (Basic Information → Signing Secret)' })
      .min(8, 'is too short'),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-/, 'must start with xapp-')
      .optional(),
    SLACK_API_URL: z.url({ error: 'must be a URL such as http://localhost:4000/api/' }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./.data'),
    PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
    RUNBOOKS_DIR: z.string().min(1).default('./runbooks'),
    DIRECTORY_FILE: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
    SLACK_BOT_USER_ID: z.string().optional(),
    METRICS_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    PAGERDUTY_EVENTS_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
    SLACK_UPDATES_PER_MINUTE: z.coerce
      .number({ error: 'must be a whole number of chat.update calls a minute' })
      .int('must be a whole number of chat.update calls a minute')
      .min(8, 'must be at least 8')
      .max(600, 'must be at most 600')
      .default(40),
    MAX_ACTIVE_RUNS_PER_USER: z.coerce
      .number({ error: 'must be a whole number of runs' })
      .int('must be a whole number of runs')
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100')
      .default(5),
    MAX_ACTIVE_RUNS_PER_CHANNEL: z.coerce
      .number({ error: 'must be a whole number of runs' })
      .int('must be a whole number of runs')
      .min(1, 'must be at least 1')
      .max(200, 'must be at most 200')
      .default(10),
    PARSE_TIME_LIMIT_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100')
      .max(300_000, 'must be at most 300000 (5 minutes)')
      .default(20_000),
  })
  .loose();

/** What the bot runs with. */
export interface Config {
  slack: {
    botToken: string;
    signingSecret: string;
    appToken: string | null;
    /** Web API base URL with a trailing slash, or null for Slack's own. */
    apiUrl: string | null;
    botUserId: string | null;
    /**
     * chat.update calls a minute for the whole workspace, shared by every replica on one database
     * (Slack's Tier 3 allows about 50; 40 keeps headroom). Optional: hand-built configs use 40.
     */
    updatesPerMinute?: number;
  };
  /**
   * Active runs one person, and one channel, may have at once (they share the workspace's update
   * budget with every real deploy). Optional: hand-built configs have no caps.
   */
  limits?: RunLimits;
  /** How long one runbook parse may take before it is answered "too slow" (optional: 20 s). */
  parseTimeLimitMs?: number;
  database: { url: string } | { dataDir: string };
  port: number;
  /** Interface to listen on (default: all); the playground keeps its bot on 127.0.0.1. */
  host?: string;
  runbooksDir: string;
  directoryFile: string;
  /** True when the directory file is the default one, which may be absent. */
  directoryOptional: boolean;
  logLevel: (typeof logLevels)[number];
  /** `GET /metrics`: off when both are null (optional so that hand-built configs may leave it out). */
  metrics?: MetricsConfig;
  /**
   * PagerDuty's Events API v2 URL, and the `PAGERDUTY_*` variables a directory may name as its
   * routing key (the key itself is never in a file, and never logged).
   */
  pagerduty?: { eventsUrl: string; keys: Record<string, string> };
}

/** Caps on active runs. */
export interface RunLimits {
  activeRunsPerUser: number;
  activeRunsPerChannel: number;
}

/** Where /metrics is served: its own listener (`port`, on `host`), and/or the main port with a token. */
export interface MetricsConfig {
  port: number | null;
  host: string;
  /** Bearer token; required on the main port, and on the metrics port too when set. */
  token: string | null;
}

/** A configuration problem: one clear line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from an environment object; throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${String(i.path[0] ?? 'environment')} ${i.message}`),
    );
  }
  const e = result.data;
  const apiUrl = e.SLACK_API_URL
    ? e.SLACK_API_URL.endsWith('/')
      ? e.SLACK_API_URL
      : `${e.SLACK_API_URL}/`
    : null;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN ?? null,
      apiUrl,
      botUserId: e.SLACK_BOT_USER_ID ?? null,
      updatesPerMinute: e.SLACK_UPDATES_PER_MINUTE,
    },
    parseTimeLimitMs: e.PARSE_TIME_LIMIT_MS,
    limits: {
      activeRunsPerUser: e.MAX_ACTIVE_RUNS_PER_USER,
      activeRunsPerChannel: e.MAX_ACTIVE_RUNS_PER_CHANNEL,
    },
    database: e.DATABASE_URL ? { url: e.DATABASE_URL } : { dataDir: e.DATA_DIR },
    port: e.PORT,
    runbooksDir: e.RUNBOOKS_DIR,
    directoryFile: e.DIRECTORY_FILE ?? `${e.RUNBOOKS_DIR.replace(/\/+$/, '')}/directory.yml`,
    directoryOptional: e.DIRECTORY_FILE === undefined,
    logLevel: e.LOG_LEVEL,
    metrics: { port: e.METRICS_PORT ?? null, host: e.METRICS_HOST, token: e.METRICS_TOKEN ?? null },
    pagerduty: {
      eventsUrl: e.PAGERDUTY_EVENTS_URL ?? 'https://events.pagerduty.com/v2/enqueue',
      keys: Object.fromEntries(
        Object.entries(env).filter(
          (kv): kv is [string, string] =>
            /^PAGERDUTY_[A-Z0-9_]+$/.test(kv[0]) && kv[0] !== 'PAGERDUTY_EVENTS_URL' && Boolean(kv[1]),
        ),
      ),
    },
  };
}
