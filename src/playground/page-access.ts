// Who may use the page. On every bind the Host must name this machine (loopback names, an IP
// literal, its host name or the bind address): a DNS name rebound to it by another site is refused.
// Beyond loopback, every request also needs the start-up token: given once in the printed URL, then
// kept in a same-site, HTTP-only cookie.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const COOKIE = 'deploybot_playground';

/** Whether a bind address is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\./.test(host);
}

/** The page's access rules for one bind address. */
export function createPageAccess(bindHost: string) {
  const token = isLoopback(bindHost) ? null : randomBytes(18).toString('base64url');
  const names = new Set([...LOOPBACK, bindHost.toLowerCase(), hostname().toLowerCase()]);
  const hostAllowed = (req: IncomingMessage): boolean => {
    const raw = (req.headers.host ?? '').toLowerCase();
    const name = raw.startsWith('[') ? raw.slice(0, raw.indexOf(']') + 1) : raw.replace(/:\d+$/, '');
    return names.has(name) || isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  };
  const same = (given: string | undefined | null) =>
    token !== null &&
    typeof given === 'string' &&
    given.length === token.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(token));
  return {
    /** The token the banner prints in the URL, or null on loopback. */
    token,
    /** The query to add to the page's URL. */
    urlSuffix: token ? `?token=${token}` : '',
    /**
     * Checks a request; on refusal it has answered. A valid `?token=` on the page itself sets the
     * cookie and redirects to the bare URL, so the token does not stay in the address bar.
     */
    admit(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
      if (!hostAllowed(req)) return refuse(res, 403, 'host_not_allowed');
      if (token === null) return true;
      if (same(cookie(req, COOKIE))) return true;
      if (url.pathname === '/' && same(url.searchParams.get('token'))) {
        res
          .writeHead(303, {
            location: '/',
            'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
          })
          .end();
        return false;
      }
      return refuse(res, 401, 'token_required: open the URL the playground printed at start-up');
    },
  };
}

/** The page's access rules' type. */
export type PageAccess = ReturnType<typeof createPageAccess>;

function refuse(res: ServerResponse, status: number, error: string): false {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify({ ok: false, error }));
  return false;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
