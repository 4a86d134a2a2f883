// Slack's links, read as the Slack client reads them: a message permalink
// (https://TEAM.slack.com/archives/C123/p1700000000000100, with ?thread_ts=… for a reply) and
// https://slack.com/app_redirect?channel=…&message_ts=… (or ?app=…). The page opens them in place.

/** A message ts from a permalink's `p…` part: the last six digits are the microseconds. */
function tsFromPermalink(part) {
  const digits = /^p(\d{7,})$/.exec(part)?.[1];
  return digits ? `${digits.slice(0, -6)}.${digits.slice(-6)}` : null;
}

/**
 * Where a Slack link leads, or null when it is not one the page can open: `{ channel, ts?,
 * threadTs? }` for a conversation or message, `{ app }` for an app's Home.
 */
export function slackLink(href, teamDomain) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:') return null;
  const host = url.hostname.toLowerCase();
  if (host === 'slack.com' || host === 'app.slack.com' || host === `${teamDomain}.slack.com`) {
    if (url.pathname === '/app_redirect') {
      const channel = url.searchParams.get('channel');
      if (channel) {
        const ts = url.searchParams.get('message_ts');
        return { channel, ...(ts ? { ts } : {}) };
      }
      const app = url.searchParams.get('app');
      return app ? { app } : null;
    }
    const [, archives, channel, part] = url.pathname.split('/');
    if (archives === 'archives' && channel) {
      const ts = part ? tsFromPermalink(part) : null;
      const threadTs = url.searchParams.get('thread_ts');
      return { channel, ...(ts ? { ts } : {}), ...(threadTs && threadTs !== ts ? { threadTs } : {}) };
    }
  }
  return null;
}
