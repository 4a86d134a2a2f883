// The HTTP server's limits (Bolt's HTTPReceiver passes them to createServer). Node's defaults let a
// client hold a connection for minutes by sending a header line now and then, and take any number of
// connections; Slack's requests are small, signed and answered within 3 s.
import type { Server, ServerOptions } from 'node:http';

/** Server options: a request's headers and whole request within 10 s, idle keep-alive 5 s. */
export const HTTP_SERVER_OPTIONS: ServerOptions = {
  headersTimeout: 10_000,
  requestTimeout: 10_000,
  keepAliveTimeout: 5_000,
  // How often Node checks the two timeouts above (default 30 s, which would let a slow request live 40 s).
  connectionsCheckingInterval: 1_000,
  maxHeaderSize: 16 * 1024,
};

/** Connections open at once; beyond it, new ones are closed at once. */
export const MAX_CONNECTIONS = 256;

/** Applies what createServer's options cannot say. */
export function limitServer(server: Server): void {
  server.maxConnections = MAX_CONNECTIONS;
  server.maxRequestsPerSocket = 1000;
}
