// The page's clicks, commands and submissions as Slack sends them: signed requests to the bot's own
// /slack/events, each with a response_url and trigger_id the embedded Slack issued for that person.
import type { FakeSlack } from '../fake-slack/fake-slack.js';
import {
  blockActionsBody,
  eventBody,
  postToApp,
  slashCommandBody,
  viewSubmissionBody,
} from '../fake-slack/slack-requests.js';

type Json = Record<string, unknown>;

/** A click on a button the page rendered: where the button is and what it carries. */
export interface ClickInput {
  user: string;
  actionId: string;
  value?: string;
  blockId?: string;
  text?: string;
  /** The message the button is in (thread_ts for a reply). */
  channel: string;
  ts: string;
  threadTs?: string;
}

/** What the bot answered (its ack) and how long the ack took. */
export interface RelayAnswer {
  status: number;
  body: string;
  ms: number;
}

export function createRelay(slack: FakeSlack, secret: string, botUrl: () => string) {
  /** response_url id → whom it answers and where (its private answers show there). */
  const responseTargets = new Map<string, { user: string; channel: string; threadTs?: string }>();
  const post = async (body: string): Promise<RelayAnswer> => {
    const res = await postToApp(botUrl(), body, { secret });
    return { status: res.status, body: res.body, ms: res.ms };
  };
  const responseUrl = (user: string, channel: string, ts?: string, threadTs?: string) => {
    const id = `R${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    responseTargets.set(id, { user, channel, ...(threadTs ? { threadTs } : {}) });
    return slack.responseUrl(id, { channel, user, ...(ts ? { ts } : {}) });
  };

  return {
    responseTarget: (id: string) => responseTargets.get(id),

    command(user: string, channel: string, text: string): Promise<RelayAnswer> {
      const [command = '/deploy', ...rest] = text.trim().split(/\s+/);
      return post(
        slashCommandBody({
          command,
          text: rest.join(' '),
          userId: user,
          channelId: channel,
          responseUrl: responseUrl(user, channel),
          triggerId: slack.triggerId(user),
        }),
      );
    },

    click(input: ClickInput): Promise<RelayAnswer> {
      const action = {
        action_id: input.actionId,
        ...(input.value !== undefined ? { value: input.value } : {}),
        ...(input.blockId ? { block_id: input.blockId } : {}),
        ...(input.text ? { text: input.text } : {}),
      };
      const triggerId = slack.triggerId(input.user);
      const { channel, ts } = input;
      const message = slack.message(channel, ts);
      return post(
        blockActionsBody({
          userId: input.user,
          channelId: channel,
          messageTs: ts,
          ...(input.threadTs ? { threadTs: input.threadTs } : {}),
          actions: [action],
          responseUrl: responseUrl(input.user, channel, ts, input.threadTs),
          triggerId,
          message,
        }),
      );
    },

    submit(user: string, view: Json, values: Record<string, Record<string, Json>>): Promise<RelayAnswer> {
      return post(
        viewSubmissionBody({
          userId: user,
          callbackId: String(view.callback_id ?? ''),
          privateMetadata: String(view.private_metadata ?? ''),
          viewId: String(view.id ?? ''),
          triggerId: slack.triggerId(user),
          values,
        }),
      );
    },

    openHome(user: string): Promise<RelayAnswer> {
      return post(eventBody({ type: 'app_home_opened', user, tab: 'home' }));
    },
  };
}

/** The relay's type. */
export type Relay = ReturnType<typeof createRelay>;
