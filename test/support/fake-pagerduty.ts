// A fake of PagerDuty's Events API v2 (POST /v2/enqueue): it checks events the way PagerDuty
// documents them (routing_key, event_action, dedup_key; a trigger needs payload.summary, source and
// severity), answers 202 with the dedup_key, and can be told to fail the next requests.
import { createServer, type Server } from 'node:http';

type Json = Record<string, unknown>;

/** One request as the fake saw it, and what it answered. */
export interface FakePagerDutyCall {
  body: Json;
  status: number;
}

const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);
const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/** Starts the fake on a free port. */
export async function createFakePagerDuty() {
  const calls: FakePagerDutyCall[] = [];
  const failures: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: Json) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      let body: Json = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      } catch {
        calls.push({ body, status: 400 });
        return answer(400, { status: 'invalid event', message: 'Event object is invalid' });
      }
      const fault = failures.shift();
      if (fault) {
        calls.push({ body, status: fault });
        return answer(fault, { status: 'error', message: 'fake PagerDuty failure' });
      }
      const errors = problemsOf(req.url ?? '', body);
      const status = errors.length ? 400 : 202;
      calls.push({ body, status });
      if (errors.length)
        return answer(400, { status: 'invalid event', message: 'Event object is invalid', errors });
      answer(202, { status: 'success', message: 'Event processed', dedup_key: body.dedup_key });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v2/enqueue`,
    calls,
    /** Events PagerDuty accepted, in order. */
    accepted: () => calls.filter((c) => c.status === 202).map((c) => c.body),
    /** Fails the next `count` requests with `status`. */
    failNext(status: number, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The fake's type. */
export type FakePagerDuty = Awaited<ReturnType<typeof createFakePagerDuty>>;

function problemsOf(path: string, body: Json): string[] {
  const errors: string[] = [];
  if (path !== '/v2/enqueue') errors.push(`unknown path ${path}`);
  if (typeof body.routing_key !== 'string' || body.routing_key.length === 0)
    errors.push('routing_key is missing');
  if (!ACTIONS.has(String(body.event_action)))
    errors.push('event_action must be trigger, acknowledge or resolve');
  if (body.event_action !== 'trigger' && typeof body.dedup_key !== 'string')
    errors.push('dedup_key is required');
  if (body.event_action === 'trigger') {
    const payload = (body.payload ?? {}) as Json;
    if (typeof payload.summary !== 'string' || !payload.summary) errors.push('payload.summary is missing');
    if (typeof payload.summary === 'string' && payload.summary.length > 1024)
      errors.push('payload.summary too long');
    if (typeof payload.source !== 'string' || !payload.source) errors.push('payload.source is missing');
    if (!SEVERITIES.has(String(payload.severity))) errors.push('payload.severity is invalid');
  }
  return errors;
}
