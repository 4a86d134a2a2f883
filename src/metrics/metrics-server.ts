// Serves GET /metrics: on its own listener (METRICS_PORT, 127.0.0.1 by default), or on the main port
// behind a bearer token (METRICS_TOKEN). Off when neither is set.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsConfig } from '../config/config.js';
import type { Metrics } from './metrics.js';

/** Answers a scrape; with a token, only `Authorization: Bearer <token>` may read. */
export function metricsHandler(metrics: Metrics, token: string | null) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (token !== null && !bearerMatches(req.headers.authorization, token)) {
      res
        .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' })
        .end('unauthorised\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The route to add to the main port, when a token is configured (never without one). */
export function metricsRoute(metrics: Metrics, config: MetricsConfig | undefined) {
  if (!config?.token) return [];
  return [{ path: '/metrics', method: ['GET'], handler: metricsHandler(metrics, config.token) }];
}

/** A separate listener for /metrics, when METRICS_PORT is set; null otherwise. */
export async function startMetricsServer(
  metrics: Metrics,
  config: MetricsConfig | undefined,
): Promise<{ port: number; close(): Promise<void> } | null> {
  if (config?.port === null || config?.port === undefined) return null;
  const handle = metricsHandler(metrics, config.token);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/metrics') return handle(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, config.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
