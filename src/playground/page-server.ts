// The playground's page: static files, the state each person sees, live updates over server-sent
// events (each person's whole state, pushed on every change), and the page's actions (command, click, modal submit/cancel, App Home) relayed to the bot.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeSlack } from '../fake-slack/fake-slack.js';
import { send } from '../fake-slack/fake-slack-http.js';
import { act, knownUser } from './page-actions.js';
import type { PlaygroundPerson } from './people.js';
import type { Relay } from './relay.js';
import { pageState } from './view-state.js';
import { WEB_DIR } from './web-dir.js';

export interface PageServerOptions {
  slack: FakeSlack;
  relay: Relay;
  people: PlaygroundPerson[];
  channel: { id: string; name: string };
  speed: number;
  /** When the (possibly faster) clock started, in ms: the page computes the bot's now from it. */
  clockStart: number;
  host: string;
  port: number;
}

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/blockkit.js': 'blockkit.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css' };

/** Starts the page server; resolves once it listens. */
export async function startPageServer(options: PageServerOptions): Promise<{ url: string; server: Server }> {
  const { slack } = options;
  const closed = new Set<string>();
  // Each open page, and whose eyes it shows: a change pushes that person's whole state at once.
  const streams = new Map<ServerResponse, string>();
  let version = 0;
  let pending = false;
  const changed = () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      version += 1;
      for (const [res, user] of streams) push(ctx, res, user);
    });
  };
  slack.onChange(changed);
  const ctx = { ...options, closed, streams, changed, version: () => version };
  const server = createServer((req, res) => {
    route(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: String(error) });
    });
  });
  const heartbeat = setInterval(() => {
    for (const res of streams.keys()) res.write(': keep-alive\n\n');
  }, 15_000);
  server.on('close', () => clearInterval(heartbeat));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const shown = options.host === '127.0.0.1' || options.host === '::1' ? 'localhost' : options.host;
  return { url: `http://${shown}:${port}/`, server };
}

/** The page server's state, shared with its actions. */
export type PageCtx = PageServerOptions & {
  closed: Set<string>;
  streams: Map<ServerResponse, string>;
  changed: () => void;
  version: () => number;
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** On loopback, only loopback names: another site's DNS name pointing here (rebinding) is refused. */
function hostAllowed(ctx: PageCtx, req: IncomingMessage): boolean {
  if (!LOOPBACK.has(ctx.host) && ctx.host !== '::1') return true;
  const name = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK.has(name);
}

async function route(ctx: PageCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hostAllowed(ctx, req)) return send(res, 403, { ok: false, error: 'host_not_allowed' });
  const url = new URL(req.url ?? '/', 'http://playground');
  const file = FILES[url.pathname];
  if (req.method === 'GET' && file) return serveFile(res, file);
  if (req.method === 'GET' && url.pathname === '/api/events') {
    const user = knownUser(ctx, url.searchParams.get('user'));
    if (!user) return send(res, 400, { ok: false, error: 'unknown_user' });
    return openStream(ctx, req, res, user);
  }
  if (req.method === 'GET' && url.pathname === '/api/setup') {
    const bot = ctx.slack.identity;
    const clock = { start: ctx.clockStart, speed: ctx.speed };
    return send(res, 200, {
      people: ctx.people,
      channel: ctx.channel,
      speed: ctx.speed,
      clock,
      bot: bot.botUserId,
    });
  }
  if (req.method === 'GET' && url.pathname === '/api/state') {
    const user = knownUser(ctx, url.searchParams.get('user'));
    if (!user) return send(res, 400, { ok: false, error: 'unknown_user' });
    const state = pageState(ctx.slack, ctx.relay, ctx.closed, user, ctx.channel.id);
    return send(res, 200, { version: ctx.version(), ...state });
  }
  if (req.method === 'POST' && url.pathname.startsWith('/api/'))
    return act(ctx, url.pathname.slice(5), req, res);
  send(res, 404, { ok: false, error: 'not_found' });
}

async function serveFile(res: ServerResponse, file: string): Promise<void> {
  const body = await readFile(new URL(file, WEB_DIR));
  const type = TYPES[file.split('.').pop() ?? ''] ?? 'text/plain';
  res
    .writeHead(200, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'",
      'x-content-type-options': 'nosniff',
    })
    .end(body);
}

function openStream(ctx: PageCtx, req: IncomingMessage, res: ServerResponse, user: string): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.write('retry: 1000\n\n');
  ctx.streams.set(res, user);
  req.on('close', () => ctx.streams.delete(res));
  push(ctx, res, user);
}

/** Sends `user`'s state down one event stream (one line of JSON: SSE data may not hold newlines). */
function push(ctx: PageCtx, res: ServerResponse, user: string): void {
  const state = pageState(ctx.slack, ctx.relay, ctx.closed, user, ctx.channel.id);
  res.write(`data: ${JSON.stringify({ version: ctx.version(), ...state })}\n\n`);
}
