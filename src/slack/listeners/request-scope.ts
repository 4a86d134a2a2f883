// Checks every request makes before any listener runs: it comes from the workspace the bot is installed
// in, and any response_url it carries points at Slack (hooks.slack.com) or, in tests and the playground,
// at the configured fake (the SLACK_API_URL origin). A refused request is acknowledged and dropped.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';

/** Is `url` a response_url the bot may post to? */
export function isAllowedResponseUrl(url: string, apiUrl: string | null): boolean {
  const parsed = URL.parse(url);
  if (!parsed) return false;
  if (parsed.protocol === 'https:' && parsed.hostname === 'hooks.slack.com' && parsed.port === '')
    return true;
  const fake = apiUrl ? URL.parse(apiUrl) : null;
  return fake !== null && parsed.origin === fake.origin;
}

interface Body {
  team_id?: unknown;
  team?: { id?: unknown } | string | null;
  user?: { team_id?: unknown };
  response_url?: unknown;
  response_urls?: { response_url?: unknown }[];
}

/** The workspace a request says it comes from (slash command, interaction or event), or null. */
export function teamOf(body: unknown): string | null {
  const b = (body ?? {}) as Body;
  const team = typeof b.team === 'string' ? b.team : b.team?.id;
  for (const id of [b.team_id, team, b.user?.team_id]) if (typeof id === 'string' && id) return id;
  return null;
}

/** Every response_url a request carries. */
export function responseUrlsOf(body: unknown): string[] {
  const b = (body ?? {}) as Body;
  const urls = [b.response_url, ...(b.response_urls ?? []).map((r) => r.response_url)];
  return urls.filter((u): u is string => typeof u === 'string');
}

/** Why a request is refused, or null. */
export function refusalOf(
  body: unknown,
  installedTeam: string | undefined,
  apiUrl: string | null,
): string | null {
  const team = teamOf(body);
  if (installedTeam && team && team !== installedTeam) return 'foreign_team';
  if (responseUrlsOf(body).some((u) => !isAllowedResponseUrl(u, apiUrl))) return 'foreign_response_url';
  return null;
}

/** The global middleware. `installedTeam` is the team auth.test named (undefined until it answered). */
export function createRequestScope(options: {
  installedTeam: () => Promise<string | undefined>;
  apiUrl: string | null;
  logger: Logger;
  onRefused?: (reason: string) => void;
}): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const refusal = refusalOf(args.body, await options.installedTeam(), options.apiUrl);
    if (!refusal) return args.next();
    options.onRefused?.(refusal);
    options.logger.warn({ refusal, team: teamOf(args.body) }, 'request refused');
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  };
}
