// The bot's Prometheus metrics: one registry per bot (a factory, never a global), created by the
// composition root and passed down. Figures that live in the database (outbox, timers, runs) are read
// at scrape time through `setDatabaseSource`.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DatabaseFigures } from '../db/metrics.queries.js';

/** What became of a click. */
export type ClickOutcome = 'applied' | 'refused' | 'foreign' | 'unusable' | 'error';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const VISIBLE_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** Creates the registry and every metric of the bot. */
export function createMetrics(options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'deploybot_' });
  const registers = [registry];
  let source: (() => Promise<DatabaseFigures>) | null = null;
  let pending: Promise<DatabaseFigures | null> | null = null;
  // One query per scrape, shared by the five gauges below.
  const figures = (): Promise<DatabaseFigures | null> => {
    pending ??= (source ? source() : Promise.resolve(null))
      .catch(() => null)
      .finally(() => setTimeout(() => (pending = null), 50).unref());
    return pending;
  };
  const dbGauge = (name: string, help: string, pick: (f: DatabaseFigures) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const f = await figures();
        if (f) this.set(pick(f));
      },
    });

  const ackLatency = new Histogram({
    name: 'deploybot_ack_latency_seconds',
    help: 'Time from a Slack request arriving until its HTTP answer (the ack) was sent',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const clickToVisible = new Histogram({
    name: 'deploybot_click_to_visible_seconds',
    help: 'Time from a click until Slack accepted the message showing its effect',
    buckets: VISIBLE_BUCKETS,
    registers,
  });
  const clicks = new Counter({
    name: 'deploybot_clicks_total',
    help: 'Button clicks by action and outcome (applied, refused, foreign, unusable, error)',
    labelNames: ['action', 'outcome'] as const,
    registers,
  });
  const slackCalls = new Counter({
    name: 'deploybot_slack_calls_total',
    help: 'Slack Web API calls by method and result (ok, or the error)',
    labelNames: ['method', 'result'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'deploybot_slack_rate_limited_total',
    help: 'Slack Web API calls answered 429, by method',
    labelNames: ['method'] as const,
    registers,
  });
  const pages = new Counter({
    name: 'deploybot_escalation_pages_total',
    help: 'Escalation DMs sent',
    registers,
  });
  const acknowledgements = new Counter({
    name: 'deploybot_escalation_acknowledgements_total',
    help: 'Escalation pages acknowledged',
    registers,
  });
  const parseTime = new Histogram({
    name: 'deploybot_runbook_parse_seconds',
    help: 'Time to parse a runbook (once per content hash)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers,
  });
  const unhandled = new Counter({
    name: 'deploybot_unhandled_errors_total',
    help: 'Unhandled promise rejections and uncaught exceptions (the process keeps running)',
    labelNames: ['kind'] as const,
    registers,
  });
  const refused = new Counter({
    name: 'deploybot_requests_refused_total',
    help: 'Requests refused before Bolt saw them (unsigned, bad signature, stale or future timestamp, too large, malformed body)',
    labelNames: ['reason'] as const,
    registers,
  });
  dbGauge('deploybot_outbox_depth', 'Slack work not done yet', (f) => f.outboxDepth);
  dbGauge(
    'deploybot_outbox_oldest_age_seconds',
    'Age of the oldest Slack work not done yet (0 when none)',
    (f) => f.outboxOldestAgeSeconds,
  );
  dbGauge('deploybot_timers_due', 'Pending timers whose time has come', (f) => f.timersDue);
  dbGauge('deploybot_timers_late', 'Pending timers due more than a minute ago', (f) => f.timersLate);
  dbGauge('deploybot_active_runs', 'Runs not ended yet', (f) => f.activeRuns);

  return {
    registry,
    clickToVisible,
    observeAck: (ms: number) => ackLatency.observe(ms / 1000),
    /** The lead's sync path calls this when Slack accepted the render that shows a click. */
    observeClickToVisible: (ms: number) => clickToVisible.observe(ms / 1000),
    click: (action: string, outcome: ClickOutcome) => clicks.inc({ action, outcome }),
    slackCall(method: string, result: string): void {
      slackCalls.inc({ method, result });
      if (result === 'ratelimited') rateLimited.inc({ method });
    },
    escalationPaged: () => pages.inc(),
    escalationAcknowledged: () => acknowledgements.inc(),
    observeParse: (ms: number) => parseTime.observe(ms / 1000),
    unhandled: (kind: 'rejection' | 'exception') => unhandled.inc({ kind }),
    refused: (reason: string) => refused.inc({ reason }),
    /** Where the database gauges read from (set once the database is open). */
    setDatabaseSource(read: () => Promise<DatabaseFigures>): void {
      source = read;
    },
    /** The exposition text and its content type. */
    async scrape(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** The metrics' type. */
export type Metrics = ReturnType<typeof createMetrics>;
