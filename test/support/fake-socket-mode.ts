// A local fake of Slack's Socket Mode, beside the fake Web API: `apps.connections.open` (app-level
// token) hands out a `ws://` URL of this server; a connection gets `hello`; requests arrive as
// envelopes (`envelope_id`, `type`, `payload`) that the app must ack with `{ envelope_id }`. An
// envelope not acked is delivered again after the next `hello`, with `retry_attempt` counted up, as
// Slack does; `disconnect` asks the app to reconnect.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlack } from './fake-slack.js';
import {
  type BlockActionsInput,
  blockActionsBody,
  type SlashCommandInput,
  slashCommandBody,
  TEST_IDS,
  type ViewSubmissionInput,
  viewSubmissionBody,
} from './slack-requests.js';

/** The JSON inside a `payload=` form body (interactions carry the same JSON over the socket). */
const formPayload = (body: string): Json =>
  JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Json;

type Json = Record<string, unknown>;

interface Envelope {
  id: string;
  type: string;
  payload: Json;
  attempts: number;
  acked: (payload: Json | undefined) => void;
}

export class FakeSocketMode {
  /** Connections the app opened so far (a reconnect makes one more). */
  connections = 0;
  /** Envelope ids the app acked, in order (a redelivered envelope acked twice shows twice). */
  readonly acks: string[] = [];
  private socket: WebSocket | null = null;
  private readonly pending = new Map<string, Envelope>();
  private sequence = 0;

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (ws) => this.onConnection(ws));
  }

  /** Starts the WebSocket server and teaches `slack` to answer `apps.connections.open` with it. */
  static async start(slack: FakeSlack): Promise<FakeSocketMode> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSocketMode(server);
    slack.handleMethod('apps.connections.open', (_body, token) =>
      token?.startsWith('xapp-')
        ? { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${++fake.sequence}` }
        : { ok: false, error: 'not_allowed_token_type' },
    );
    return fake;
  }

  /** True while the app holds an open connection. */
  get connected(): boolean {
    return this.socket !== null;
  }

  /** Envelopes delivered (or waiting for a connection) and not acked yet. */
  get unacked(): number {
    return this.pending.size;
  }

  /** A slash command; resolves with the ack's payload once the app acked it. */
  command(input: SlashCommandInput): Promise<Json | undefined> {
    return this.deliver('slash_commands', Object.fromEntries(new URLSearchParams(slashCommandBody(input))));
  }

  /** A click (`block_actions`), as `blockActionsBody` builds it for HTTP. */
  action(input: BlockActionsInput): Promise<Json | undefined> {
    return this.deliver('interactive', formPayload(blockActionsBody(input)));
  }

  /** A modal submission. */
  viewSubmission(input: ViewSubmissionInput): Promise<Json | undefined> {
    return this.deliver('interactive', formPayload(viewSubmissionBody(input)));
  }

  /** Sends an envelope now (or on the next connection); resolves when it is acked. */
  deliver(type: string, payload: Json, timeoutMs = 15_000): Promise<Json | undefined> {
    const id = `env-${++this.sequence}-${TEST_IDS.appId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envelope ${id} (${type}) not acked`)), timeoutMs);
      const envelope: Envelope = {
        id,
        type,
        payload,
        attempts: 0,
        acked: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.pending.set(id, envelope);
      if (this.socket) this.send(this.socket, envelope);
    });
  }

  /** Slack's `disconnect` message: the app closes this connection and opens a new one. */
  requestReconnect(reason = 'refresh_requested'): void {
    this.socket?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
  }

  /** The connection drops with no goodbye (a network fault); an envelope in flight is not acked. */
  dropConnection(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  /** Resolves once the app has opened `count` connections in all and holds one open. */
  async waitForConnection(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections < count || !this.socket) {
      if (Date.now() > deadline) throw new Error(`no Socket Mode connection #${count} in ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  async close(): Promise<void> {
    for (const ws of this.server.clients) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    this.connections++;
    this.socket = ws;
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => {
      if (this.socket === ws) this.socket = null;
    });
    const hello = { type: 'hello', num_connections: 1, connection_info: { app_id: TEST_IDS.appId } };
    ws.send(JSON.stringify({ ...hello, debug_info: { host: 'fake', approximate_connection_time: 18060 } }));
    // What was never acked goes out again on the new connection.
    for (const envelope of this.pending.values()) this.send(ws, envelope);
  }

  private onMessage(text: string): void {
    const message = parseJson(text);
    if (typeof message?.envelope_id !== 'string') return;
    this.acks.push(message.envelope_id);
    const envelope = this.pending.get(message.envelope_id);
    if (!envelope) return;
    this.pending.delete(message.envelope_id);
    envelope.acked(message.payload as Json | undefined);
  }

  private send(ws: WebSocket, envelope: Envelope): void {
    const retry = envelope.attempts > 0 ? { retry_attempt: envelope.attempts, retry_reason: 'timeout' } : {};
    envelope.attempts++;
    const { id: envelope_id, type, payload } = envelope;
    ws.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...retry,
      }),
    );
  }
}

function parseJson(text: string): Json | null {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return null;
  }
}
