// Who the bot is in Slack (auth.test), asked once at start-up and handed to Bolt through our own
// authorize, so no request ever waits for (or fails with) an auth.test. If Slack does not answer at
// start-up, requests are still authorised with the token alone and the identity is asked again in
// the background with a capped back-off.
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';

/** What Bolt's authorize gives each request. */
export interface BotIdentity {
  botToken: string;
  botId?: string;
  botUserId?: string;
  teamId?: string;
}

/** Starts asking Slack who the bot is; returns Bolt's authorize function over the answer. */
export function createBotIdentity(
  client: WebClient,
  input: { botToken: string; botUserId: string | null },
  logger: Logger,
) {
  const identity: BotIdentity = {
    botToken: input.botToken,
    ...(input.botUserId ? { botUserId: input.botUserId } : {}),
  };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function ask(attempt: number): Promise<void> {
    try {
      const res = (await client.apiCall('auth.test', {})) as {
        bot_id?: string;
        user_id?: string;
        team_id?: string;
      };
      if (res.bot_id) identity.botId = res.bot_id;
      if (res.user_id) identity.botUserId = res.user_id;
      if (res.team_id) identity.teamId = res.team_id;
    } catch (err) {
      if (stopped) return;
      const ms = Math.min(1000 * 2 ** attempt, 60_000);
      logger.warn(
        { err, retryInMs: ms },
        'auth.test failed; requests are served with the token alone meanwhile',
      );
      timer = setTimeout(() => void ask(attempt + 1), ms);
    }
  }

  return {
    /** Resolves after the first answer (or the first failure): start-up never waits longer. */
    ready: ask(0),
    /** Bolt's authorize: the same identity for every request, no Web API call. */
    authorize: async (): Promise<BotIdentity> => ({ ...identity }),
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** The identity's type. */
export type BotIdentitySource = ReturnType<typeof createBotIdentity>;
