// Stopping the HTTP side in bounded time. Bolt's receiver stop is `server.close()`, which waits for
// every connection to end: a keep-alive connection that finishes its response stays open for the
// next request, and a request whose body never arrives stays in flight until Node's five-minute
// request timeout. A container stop gives a grace period, not forever.
import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';

/** How long requests in flight may take to finish once a stop begins (Slack gives an ack 3 s). */
export const REQUEST_GRACE_MS = 5_000;
const SWEEP_MS = 100;

/**
 * Stops taking requests: idle keep-alive connections close at once, busy ones as soon as their
 * response is out, and those still busy after `graceMs` are cut (their work goes on: a click is
 * committed before it is acked, so a cut connection loses an answer, never a stored click).
 * `server` is the receiver's HTTP server, or null in Socket Mode (Bolt closes the socket itself).
 */
export async function stopReceiver(
  app: App,
  server: Server | null,
  logger: Logger,
  graceMs = REQUEST_GRACE_MS,
): Promise<void> {
  const stopped = app.stop();
  if (!server) {
    await stopped;
    return;
  }
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
  const { promise: graceOver, resolve } = Promise.withResolvers<false>();
  const timer = setTimeout(() => resolve(false), graceMs);
  try {
    if (!(await Promise.race([stopped.then(() => true as const), graceOver]))) {
      const busy = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n ?? 0)));
      server.closeAllConnections();
      logger.warn(
        { connections: busy, graceMs },
        `closed ${busy} connection${busy === 1 ? '' : 's'} still busy after the ${graceMs / 1000} s grace`,
      );
    }
    await stopped;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
