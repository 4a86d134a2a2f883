// The playground's page: static files, the state each person sees, live updates over server-sent
// events (each person's whole state, pushed on every change), and the page's actions (command, click, modal submit/cancel, App Home) relayed to the bot.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeSlack } from '../fake-slack/fake-slack.js';
import { readBody, send } from '../fake-slack/fake-slack-http.js';
import type { PlaygroundPerson } from './people.js';
import type { Relay } from './relay.js';
import { pageState } from './view-state.js';
import { WEB_DIR } from './web-dir.js';

type Json = Record<string, unknown>;

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

type Ctx = PageServerOptions & {
  closed: Set<string>;
  streams: Map<ServerResponse, string>;
  changed: () => void;
  version: () => number;
};

async function route(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
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

function openStream(ctx: Ctx, req: IncomingMessage, res: ServerResponse, user: string): void {
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
function push(ctx: Ctx, res: ServerResponse, user: string): void {
  const state = pageState(ctx.slack, ctx.relay, ctx.closed, user, ctx.channel.id);
  res.write(`data: ${JSON.stringify({ version: ctx.version(), ...state })}\n\n`);
}

function knownUser(ctx: Ctx, id: unknown): string | null {
  return typeof id === 'string' && ctx.people.some((p) => p.id === id) ? id : null;
}

/** The page's actions. JSON only: a plain HTML form from another site cannot post here. */
async function act(ctx: Ctx, action: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!req.headers['content-type']?.startsWith('application/json'))
    return send(res, 415, { ok: false, error: 'json_only' });
  let body: Json;
  try {
    body = JSON.parse(await readBody(req)) as Json;
  } catch {
    return send(res, 400, { ok: false, error: 'invalid_json' });
  }
  const user = knownUser(ctx, body.user);
  if (!user) return send(res, 400, { ok: false, error: 'unknown_user' });
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const { relay } = ctx;
  switch (action) {
    case 'command':
      return answer(res, await relay.command(user, ctx.channel.id, str(body.text)));
    case 'click':
      return answer(
        res,
        await relay.click({
          user,
          channel: str(body.channel),
          ts: str(body.ts),
          actionId: str(body.actionId),
          value: str(body.value),
          blockId: str(body.blockId),
          text: str(body.text),
          ...(str(body.threadTs) ? { threadTs: str(body.threadTs) } : {}),
        }),
      );
    case 'submit':
    case 'close':
      return closeModal(ctx, action, user, body, res);
    case 'home':
      return answer(res, await relay.openHome(user));
    default:
      return send(res, 404, { ok: false, error: 'not_found' });
  }
}

async function closeModal(ctx: Ctx, action: string, user: string, body: Json, res: ServerResponse) {
  const viewId = typeof body.viewId === 'string' ? body.viewId : '';
  const view = ctx.slack
    .modals()
    .filter((v) => v.id === viewId)
    .at(-1);
  if (!view) return send(res, 404, { ok: false, error: 'view_not_found' });
  if (action === 'close') {
    ctx.closed.add(viewId);
    ctx.changed();
    return send(res, 200, { ok: true });
  }
  const values = (typeof body.values === 'object' && body.values !== null ? body.values : {}) as Record<
    string,
    Record<string, Json>
  >;
  const answered = await ctx.relay.submit(user, { ...view.view, id: viewId }, values);
  // An empty 200 closes the modal on Slack; `response_action: errors` keeps it open with messages.
  if (answered.status === 200 && !answered.body.includes('"errors"')) ctx.closed.add(viewId);
  ctx.changed();
  return answer(res, answered);
}

function answer(res: ServerResponse, answered: { status: number; body: string; ms: number }): void {
  send(res, 200, {
    ok: answered.status === 200,
    status: answered.status,
    body: answered.body,
    ms: answered.ms,
  });
}
