// Hooks that feed the metrics without touching the code they observe: every Web API call of a
// WebClient, every escalation DM sent.
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Metrics } from './metrics.js';

/** Counts every `apiCall` of the client by method and result (`ok`, `ratelimited`, the error). */
export function instrumentWebClient(client: WebClient, metrics: Metrics): void {
  const apiCall = client.apiCall.bind(client);
  client.apiCall = async (method, options) => {
    try {
      const result = await apiCall(method, options);
      metrics.slackCall(method, 'ok');
      return result;
    } catch (error) {
      metrics.slackCall(method, resultOf(error));
      throw error;
    }
  };
}

/** The result label of a failed call: Slack's error code, or the kind of transport failure. */
export function resultOf(error: unknown): string {
  const e = error as { code?: string; data?: { error?: unknown }; statusCode?: number };
  if (e.code === ErrorCode.RateLimitedError) return 'ratelimited';
  if (e.code === ErrorCode.PlatformError && typeof e.data?.error === 'string') return e.data.error;
  if (e.code === ErrorCode.HTTPError) return `http_${e.statusCode ?? 'error'}`;
  if (e.code === ErrorCode.RequestError) return 'request_error';
  return 'error';
}

/** Wraps a DM sender so that every page sent is counted. */
export function countPages<A extends unknown[]>(
  send: (...args: A) => Promise<void>,
  metrics: Metrics,
): (...args: A) => Promise<void> {
  return async (...args) => {
    await send(...args);
    metrics.escalationPaged();
  };
}

/** What a Socket Mode client emits that the timing needs. */
interface SocketEvents {
  on(event: 'slack_event', listener: (args: { envelope_id?: string }) => void): unknown;
  on(event: 'outgoing_message', listener: (message: { envelope_id?: string }) => void): unknown;
}

/** Socket Mode's ack latency: an envelope's arrival until its ack went out on the socket. */
export function timeSocketModeAcks(client: SocketEvents, metrics: Metrics, cap = 1000): void {
  const arrived = new Map<string, number>();
  client.on('slack_event', ({ envelope_id: id }) => {
    if (!id) return;
    // Envelopes never acked are forgotten, oldest first.
    if (arrived.size >= cap) arrived.delete(arrived.keys().next().value as string);
    arrived.set(id, performance.now());
  });
  client.on('outgoing_message', ({ envelope_id: id }) => {
    const at = id ? arrived.get(id) : undefined;
    if (id === undefined || at === undefined) return;
    arrived.delete(id);
    metrics.observeAck(performance.now() - at);
  });
}
