// Connects the metrics to a starting bot: database gauges, Web API calls, and where /metrics is served.
import type { WebClient } from '@slack/web-api';
import type { MetricsConfig } from '../config/config.js';
import type { Database } from '../db/client.js';
import { readDatabaseFigures } from '../db/metrics.queries.js';
import type { Clock } from '../shared/clock.js';
import { instrumentWebClient } from './instrument.js';
import type { Metrics } from './metrics.js';
import { metricsRoute, startMetricsServer } from './metrics-server.js';

/** Feeds `metrics` from the bot's database and Slack client; returns the route for the main port. */
export function wireMetrics(metrics: Metrics, db: Database, clock: Clock, client: WebClient) {
  metrics.setDatabaseSource(() => readDatabaseFigures(db, clock.now()));
  instrumentWebClient(client, metrics);
}

/** Starts serving /metrics as configured: the main port's route (with a token) and/or its own port. */
export async function serveMetrics(metrics: Metrics, config: MetricsConfig | undefined) {
  return { routes: metricsRoute(metrics, config), server: await startMetricsServer(metrics, config) };
}
