// HTTP plumbing for the fake Slack: reading and decoding request bodies the way web-api and Bolt send
// them, and writing Slack-shaped answers (JSON results, 429 + Retry-After, bare 5xx).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail } from './fake-slack-directory.js';
import type { ChosenFault } from './fake-slack-faults.js';

type Json = Record<string, unknown>;

// web-api sends form bodies with objects JSON-encoded and booleans as 'true'/'false'; decode those we know.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls']);
const BOOLEAN_FIELDS = new Set([
  'unfurl_links',
  'unfurl_media',
  'reply_broadcast',
  'mrkdwn',
  'as_user',
  'link_names',
  'include_locale',
  'return_im',
  'replace_original',
  'delete_original',
]);

export function answerFault(
  res: ServerResponse,
  { fault, retryAfter }: ChosenFault,
): { status: number; error: string | null } {
  if ('error' in fault) {
    send(res, 200, fail(fault.error, fault.messages));
    return { status: 200, error: fault.error };
  }
  if ('hang' in fault || 'answerLost' in fault || 'answerAfterMs' in fault || fault.status === 429) {
    send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    return { status: 429, error: 'ratelimited' };
  }
  res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(fault.body ?? 'fake Slack error');
  return { status: fault.status, error: null };
}

export function send(
  res: ServerResponse,
  status: number,
  body: Json,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify(body));
}

/** A request body over the limit: answer 413 and read no further. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** Reads a body as UTF-8; over `limit` bytes (by Content-Length or as it streams in) it throws BodyTooLarge. */
export async function readBody(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new BodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseBody(raw: string, contentType: string | undefined, query: URLSearchParams): Json {
  const body: Json = Object.fromEntries(query);
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw || '{}');
      return typeof parsed === 'object' && parsed !== null ? { ...body, ...(parsed as Json) } : body;
    } catch {
      return { ...body, _raw: raw };
    }
  }
  for (const [key, value] of new URLSearchParams(raw)) body[key] = decodeFormValue(key, value);
  return body;
}

function decodeFormValue(key: string, value: string): unknown {
  if (BOOLEAN_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // left as a string: validation answers invalid_blocks_format, as Slack does
  }
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}
