// The playground's page: static files, the state each person sees, live updates over server-sent
// events (each person's whole state, pushed on every change), files shared in Slack, and the page's
// actions (command, message, click, modal submit/cancel, App Home, speed) relayed to the bot.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { send } from '../fake-slack/fake-slack-http.js';
import { createPageAccess, type PageAccess } from './page-access.js';
import { act, knownUser } from './page-actions.js';
import type { PageCtx, PageServerOptions } from './page-context.js';
import { speedsOffered } from './playground-clock.js';
import { pageState } from './view-state.js';
import { WEB_DIR } from './web-dir.js';

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/blockkit.js': 'blockkit.js',
  '/links.js': 'links.js',
  '/style.css': 'style.css',
  '/favicon.svg': 'favicon.svg',
};
const TYPES: Record<string, string> = {
  html: 'text/html',
  js: 'text/javascript',
  css: 'text/css',
  svg: 'image/svg+xml',
};

/** Starts the page server; resolves once it listens. `url` carries the token a non-loopback bind needs. */
export async function startPageServer(
  options: PageServerOptions,
): Promise<{ url: string; server: Server; access: PageAccess }> {
  const { slack } = options;
  const access = createPageAccess(options.host);
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
  const ctx = { ...options, access, closed, streams, changed, version: () => version };
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
  return {
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/${access.urlSuffix}`,
    server,
    access,
  };
}

async function route(ctx: PageCtx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://playground');
  if (!ctx.access.admit(req, res, url)) return;
  const file = FILES[url.pathname];
  if (req.method === 'GET' && file) return serveFile(res, file);
  if (req.method === 'GET' && url.pathname.startsWith('/files/'))
    return serveShared(ctx, res, decodeURIComponent(url.pathname.slice(7)));
  if (req.method === 'GET' && url.pathname === '/api/events') {
    const user = knownUser(ctx, url.searchParams.get('user'));
    if (!user) return send(res, 400, { ok: false, error: 'unknown_user' });
    return openStream(ctx, req, res, user);
  }
  if (req.method === 'GET' && url.pathname === '/api/setup') {
    const bot = ctx.slack.identity;
    const clock = ctx.clock.anchor();
    return send(res, 200, {
      people: ctx.people,
      channel: ctx.channel,
      speed: clock.speed,
      speeds: speedsOffered(clock.speed),
      clock,
      bot: bot.botUserId,
      team: { id: bot.teamId, domain: bot.teamDomain },
    });
  }
  if (req.method === 'GET' && url.pathname === '/api/state') {
    const user = knownUser(ctx, url.searchParams.get('user'));
    if (!user) return send(res, 400, { ok: false, error: 'unknown_user' });
    const state = pageState(ctx.slack, ctx.relay, ctx.closed, user, ctx.channel.id);
    return send(res, 200, { version: ctx.version(), clock: ctx.clock.anchor(), ...state });
  }
  if (req.method === 'POST' && url.pathname.startsWith('/api/'))
    return act(ctx, url.pathname.slice(5), req, res);
  send(res, 404, { ok: false, error: 'not_found' });
}

/** A file shared in Slack, whole, as text (never rendered as HTML: it is what the bot uploaded). */
function serveShared(ctx: PageCtx, res: ServerResponse, id: string): void {
  const file = ctx.slack.files.get(id);
  if (!file?.shared || file.bytes === null) {
    send(res, 404, { ok: false, error: 'file_not_found' });
    return;
  }
  res
    .writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `inline; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
    })
    .end(file.bytes);
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
  res.write(`data: ${JSON.stringify({ version: ctx.version(), clock: ctx.clock.anchor(), ...state })}\n\n`);
}
