// A guard in front of Bolt's HTTPReceiver: nothing a request carries may stop the process, and nothing
// unsigned is read further than its headers. In order, before Bolt sees a request:
// 1. its signature headers must be there and well-formed, with an integer timestamp within five
//    minutes either side (Bolt checks only the past side, and reads `Infinity` as a number): else 401,
//    without reading the body;
// 2. the body is read up to BODY_LIMIT (413 beyond) onto `req.rawBody`, which Bolt reuses;
// 3. the v0 signature is verified over those bytes (401), before anything parses them;
// 4. the body must be what Bolt can handle, a JSON object (400): Bolt 5.1 reads `body.ssl_check` of
//    whatever the body parses to, so a signed `payload=null` would throw inside its request handler.
// Slack's unsigned `ssl_check=1` is answered 200 here (Bolt answers it the same way).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HTTPReceiver } from '@slack/bolt';

/** Slack's rule: a request whose timestamp is more than five minutes off is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;
/** The largest body read (Slack's biggest payloads, a modal's state or a full message, are far smaller). */
export const BODY_LIMIT = 1024 * 1024;
/** An unsigned request is read only this far, to recognise Slack's `ssl_check`. */
const SSL_CHECK_LIMIT = 1024;

/** Why the guard refused a request (for logs and metrics). */
export type Refusal =
  | 'unsigned'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'malformed_body'
  | 'too_large';

const STATUS: Record<Refusal, number> = {
  unsigned: 401,
  bad_signature: 401,
  stale_timestamp: 401,
  future_timestamp: 401,
  too_large: 413,
  malformed_body: 400,
};

export interface GuardOptions {
  signingSecret: string;
  endpoints?: string[];
  now?: () => number;
  onRefused?: (reason: Refusal) => void;
  /** Told how long each request Bolt handled took until its answer was sent (the ack latency). */
  onAnswered?: (ms: number) => void;
}

/** Puts the guard in front of the receiver's request listener (the receiver's server calls it). */
export function guardReceiver(receiver: HTTPReceiver, options: GuardOptions): void {
  const inner: RequestListener = receiver.requestListener;
  const endpoints = options.endpoints ?? ['/slack/events'];
  receiver.requestListener = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method?.toUpperCase() !== 'POST' || !endpoints.includes(path)) return inner(req, res);
    const started = performance.now();
    void screen(req, options).then(
      (verdict) => {
        if (verdict === 'ssl_check') return answer(res, 200);
        if (verdict === 'pass') {
          res.once('finish', () => options.onAnswered?.(performance.now() - started));
          return inner(req, res);
        }
        options.onRefused?.(verdict);
        answer(res, STATUS[verdict]);
      },
      () => answer(res, 400),
    );
  };
}

/** The headers' part of the check, before any byte of the body is read. Pure. */
export function checkHeaders(
  headers: IncomingMessage['headers'],
  nowMs: number,
): { ok: true; timestamp: string; signature: string } | { ok: false; refusal: Refusal } {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string')
    return { ok: false, refusal: 'unsigned' };
  if (!/^v0=[0-9a-f]{64}$/.test(signature) || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, refusal: 'bad_signature' };
  const skew = Number(timestamp) - Math.floor(nowMs / 1000);
  if (skew > MAX_SKEW_SECONDS) return { ok: false, refusal: 'future_timestamp' };
  if (skew < -MAX_SKEW_SECONDS) return { ok: false, refusal: 'stale_timestamp' };
  return { ok: true, timestamp, signature };
}

/** Is `signature` Slack's v0 signature of `body` at `timestamp`? Constant-time. */
export function isSignedBy(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Verdict = Refusal | 'pass' | 'ssl_check';

/** Checks headers, reads the body within its limit onto `req.rawBody`, verifies, then screens it. */
async function screen(req: IncomingMessage, options: GuardOptions): Promise<Verdict> {
  const headers = checkHeaders(req.headers, (options.now ?? Date.now)());
  if (!headers.ok) {
    if (headers.refusal === 'unsigned' && isForm(req) && (await isSslCheck(req))) return 'ssl_check';
    return headers.refusal;
  }
  const raw = await readLimited(req, BODY_LIMIT);
  if (raw === null) return 'too_large';
  if (!isSignedBy(options.signingSecret, headers.timestamp, raw, headers.signature)) return 'bad_signature';
  (req as IncomingMessage & { rawBody: Buffer }).rawBody = raw;
  return isAcceptableBody(raw.toString('utf8'), req.headers['content-type']) ? 'pass' : 'malformed_body';
}

function isForm(req: IncomingMessage): boolean {
  return req.headers['content-type'] === 'application/x-www-form-urlencoded';
}

async function isSslCheck(req: IncomingMessage): Promise<boolean> {
  const raw = await readLimited(req, SSL_CHECK_LIMIT);
  return raw !== null && parseQuery(raw.toString('utf8')).ssl_check === '1';
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

/** The body, or null as soon as it passes `limit` (a declared length over it is refused unread). */
async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  // A refused request's unread body is not waited for: the connection closes after the answer.
  res.writeHead(status, status === 200 ? {} : { connection: 'close' }).end();
}
