// Types of links.js (plain JavaScript, served to the page as it is) for the tests that import it.

/** Where a Slack link leads inside the playground. */
export type SlackLinkTarget = { channel: string; ts?: string; threadTs?: string } | { app: string };

export function slackLink(href: string, teamDomain: string): SlackLinkTarget | null;
