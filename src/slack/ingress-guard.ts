// A guard in front of Bolt's HTTPReceiver: nothing a request carries may stop the process.
// Bolt 5.1 reads `body.ssl_check` of whatever the body parses to, so a signed `payload=null` (or a JSON
// body `null`) throws inside its fire-and-forget request handler: an unhandled rejection. The guard
// buffers the body (Bolt reuses `req.rawBody`), refuses a timestamp from the future (Bolt checks only
// the past side), and answers 400 to a body that is not a JSON object, before Bolt sees it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HTTPReceiver } from '@slack/bolt';

/** Slack's rule: a request whose timestamp is more than five minutes off is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;
const BODY_LIMIT = 4 * 1024 * 1024; // Bolt's own default

/** Why the guard refused a request (for logs and metrics). */
export type Refusal = 'future_timestamp' | 'malformed_body' | 'too_large';

export interface GuardOptions {
  endpoints?: string[];
  now?: () => number;
  onRefused?: (reason: Refusal) => void;
  /** Told how long each request Bolt handled took until its answer was sent (the ack latency). */
  onAnswered?: (ms: number) => void;
}

/** Puts the guard in front of the receiver's request listener (the receiver's server calls it). */
export function guardReceiver(receiver: HTTPReceiver, options: GuardOptions = {}): void {
  const inner: RequestListener = receiver.requestListener;
  const endpoints = options.endpoints ?? ['/slack/events'];
  receiver.requestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method?.toUpperCase() !== 'POST' || !endpoints.includes(path)) return inner(req, res);
    const started = performance.now();
    void screen(req, options).then(
      (refusal) => {
        if (!refusal) {
          res.once('finish', () => options.onAnswered?.(performance.now() - started));
          return inner(req, res);
        }
        options.onRefused?.(refusal);
        answer(res, refusal === 'future_timestamp' ? 401 : refusal === 'too_large' ? 413 : 400);
      },
      () => answer(res, 400),
    );
  };
}

/** Buffers the body onto `req.rawBody` and says why it must be refused, or null to let Bolt go on. */
async function screen(req: IncomingMessage, options: GuardOptions): Promise<Refusal | null> {
  const raw = await readLimited(req);
  if (raw === null) return 'too_large';
  (req as IncomingMessage & { rawBody: Buffer }).rawBody = raw;
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  const nowSec = Math.floor((options.now ?? Date.now)() / 1000);
  if (Number.isFinite(timestamp) && timestamp > nowSec + MAX_SKEW_SECONDS) return 'future_timestamp';
  return isAcceptableBody(raw.toString('utf8'), req.headers['content-type']) ? null : 'malformed_body';
}

/** Parses the body as Bolt will and accepts only what Bolt can handle: a JSON object. Pure. */
export function isAcceptableBody(text: string, contentType: string | undefined): boolean {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(text);
    if (form.payload === undefined) return true; // a slash command or ssl_check: fields, no JSON
    if (typeof form.payload !== 'string') return false; // two payloads: Bolt would read the fields
    return isObject(parseJson(form.payload));
  }
  return isObject(parseJson(text));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readLimited(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status).end();
}
