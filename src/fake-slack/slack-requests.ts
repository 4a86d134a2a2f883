// Drives a real Bolt HTTPReceiver over HTTP as Slack does (reference §3.8, §4.12, design rule 17): v0-signed
// requests, form bodies for slash commands, `payload=` form bodies for interactions, JSON for Events API.
import { createHmac } from 'node:crypto';

type Json = Record<string, unknown>;

/** Defaults that match the fake Slack's identity (`createFakeSlack()` without options). */
export const TEST_IDS = {
  teamId: 'T0FAKE',
  teamDomain: 'fake',
  appId: 'A0APP',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  verificationToken: 'fake-verification-token',
} as const;

/** Headers Slack sends with a signed request; JSON bodies (Events API) get `application/json`. */
export function signRequest(
  secret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'content-type': contentTypeOf(body),
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${signature}`,
  };
}

/** Bolt matches the form content type exactly; anything else is parsed as JSON. */
function contentTypeOf(body: string): string {
  return body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}${String(++sequence).padStart(6, '0')}`;
const triggerId = () => `${nextId('')}.1000000000.fake-trigger`;
// Unique per click, as Slack's are: two clicks in one millisecond are still two clicks.
const actionTs = () => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, '0')}`;

export interface SlashCommandInput {
  command?: string;
  text?: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId?: string;
  responseUrl: string;
  triggerId?: string;
}

/** The form body Slack posts for a slash command. */
export function slashCommandBody(input: SlashCommandInput): string {
  const teamId = input.teamId ?? TEST_IDS.teamId;
  return new URLSearchParams({
    token: TEST_IDS.verificationToken,
    team_id: teamId,
    team_domain: TEST_IDS.teamDomain,
    channel_id: input.channelId,
    channel_name: input.channelName ?? 'deploys',
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command ?? '/deploy',
    text: input.text ?? '',
    api_app_id: TEST_IDS.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? triggerId(),
  }).toString();
}

/** One clicked element; a button unless `type` says otherwise. */
export interface ActionInput {
  action_id: string;
  value?: string;
  block_id?: string;
  type?: string;
  text?: string;
  /** The user picked in a `users_select`. */
  selected_user?: string;
}

export interface BlockActionsInput {
  userId: string;
  userName?: string;
  teamId?: string;
  channelId: string;
  messageTs: string;
  /** Set when the clicked message is a thread reply. */
  threadTs?: string;
  actions: ActionInput[];
  responseUrl: string;
  triggerId?: string;
  /** The clicked message as Slack echoes it (e.g. `fake.message(channel, ts)`), merged over a minimal one. */
  message?: object | undefined;
  /** Replaces the default message container (e.g. for ephemeral messages). */
  container?: Json;
  /** `state.values` of inputs in the message. */
  state?: Json;
}

/** `payload=<urlencoded JSON>`: the body of a real `block_actions` interaction from a message button. */
export function blockActionsBody(input: BlockActionsInput): string {
  const teamId = input.teamId ?? TEST_IDS.teamId;
  const { edits: _edits, channel: _channel, reply_broadcast: _rb, ...echoed } = (input.message ?? {}) as Json;
  const payload = {
    type: 'block_actions',
    user: userOf(input, teamId),
    api_app_id: TEST_IDS.appId,
    token: TEST_IDS.verificationToken,
    container: input.container ?? {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channelId,
      is_ephemeral: false,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    },
    trigger_id: input.triggerId ?? triggerId(),
    team: { id: teamId, domain: TEST_IDS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: 'deploys' },
    message: {
      type: 'message',
      user: TEST_IDS.botUserId,
      bot_id: TEST_IDS.botId,
      app_id: TEST_IDS.appId,
      text: '',
      team: teamId,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      ...echoed,
      ts: input.messageTs,
    },
    state: { values: input.state ?? {} },
    response_url: input.responseUrl,
    actions: input.actions.map((action) => ({
      type: action.type ?? 'button',
      action_id: action.action_id,
      block_id: action.block_id ?? nextId('b'),
      text: { type: 'plain_text', text: action.text ?? action.action_id, emoji: true },
      ...(action.value !== undefined ? { value: action.value } : {}),
      ...(action.selected_user ? { selected_user: action.selected_user } : {}),
      action_ts: actionTs(),
    })),
  };
  return formPayload(payload);
}

/** A submitted input: a bare string is a `plain_text_input` value. */
export type SubmittedValue = string | Json;

export interface ViewSubmissionInput {
  userId: string;
  userName?: string;
  teamId?: string;
  callbackId: string;
  privateMetadata?: string;
  /** `state.values`: block_id → action_id → value. */
  values?: Record<string, Record<string, SubmittedValue>>;
  viewId?: string;
  triggerId?: string;
}

/** `payload=<urlencoded JSON>`: the body of a `view_submission` for a modal. */
export function viewSubmissionBody(input: ViewSubmissionInput): string {
  const teamId = input.teamId ?? TEST_IDS.teamId;
  const values = Object.fromEntries(
    Object.entries(input.values ?? {}).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(
        Object.entries(actions).map(([actionId, value]) => [
          actionId,
          typeof value === 'string' ? { type: 'plain_text_input', value } : value,
        ]),
      ),
    ]),
  );
  const viewId = input.viewId ?? nextId('V');
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: TEST_IDS.teamDomain },
    user: userOf(input, teamId),
    api_app_id: TEST_IDS.appId,
    token: TEST_IDS.verificationToken,
    trigger_id: input.triggerId ?? triggerId(),
    view: {
      id: viewId,
      team_id: teamId,
      type: 'modal',
      blocks: [],
      private_metadata: input.privateMetadata ?? '',
      callback_id: input.callbackId,
      state: { values },
      hash: `${nextId('')}.hash`,
      title: { type: 'plain_text', text: 'deploybot', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: TEST_IDS.appId,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: TEST_IDS.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return formPayload(payload);
}

/** An Events API event: `type` plus its own fields (e.g. `{ type: 'app_home_opened', user, tab: 'home' }`). */
export interface EventInput {
  type: string;
  teamId?: string;
  eventId?: string;
  [field: string]: unknown;
}

/** The JSON `event_callback` envelope Slack posts for a subscribed event. */
export function eventBody(input: EventInput): string {
  const { type, teamId = TEST_IDS.teamId, eventId = nextId('Ev'), ...fields } = input;
  const now = Math.floor(Date.now() / 1000);
  const event: Json = { type, ...fields, event_ts: `${now}.000100` };
  if (type === 'app_home_opened' && typeof fields.user === 'string' && fields.channel === undefined) {
    event.channel = `D${fields.user.slice(1)}`;
  }
  return JSON.stringify({
    token: TEST_IDS.verificationToken,
    team_id: teamId,
    api_app_id: TEST_IDS.appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: now,
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: TEST_IDS.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${eventId}`,
  });
}

/** The \`user\` of an interaction payload; the user name defaults to the id in lower case. */
function userOf(input: { userId: string; userName?: string }, teamId: string): Json {
  const name = input.userName ?? input.userId.toLowerCase();
  return { id: input.userId, username: name, name, team_id: teamId };
}

function formPayload(payload: Json): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface PostOptions {
  secret: string;
  /** Unix seconds to sign with (default now); an old one makes a stale request. */
  timestamp?: number;
  /** Sent instead of the computed signature. */
  signature?: string;
  /** Send no `x-slack-signature` header. */
  omitSignature?: boolean;
  /** Send no `x-slack-request-timestamp` header. */
  omitTimestamp?: boolean;
  /** Extra headers, e.g. `x-slack-retry-num`. */
  headers?: Record<string, string>;
}

export interface AppResponse {
  status: number;
  body: string;
  /** Milliseconds from sending until the response headers arrived (the ack latency Slack sees). */
  ms: number;
  headers: Record<string, string>;
}

/** POSTs a signed body to the app (e.g. `http://127.0.0.1:PORT/slack/events`). */
export async function postToApp(url: string, body: string, options: PostOptions): Promise<AppResponse> {
  const headers: Record<string, string> = { ...signRequest(options.secret, body, options.timestamp) };
  if (options.signature !== undefined) headers['x-slack-signature'] = options.signature;
  if (options.omitSignature) delete headers['x-slack-signature'];
  if (options.omitTimestamp) delete headers['x-slack-request-timestamp'];
  Object.assign(headers, options.headers);
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const ms = performance.now() - started;
  return {
    status: response.status,
    body: await response.text(),
    ms,
    headers: Object.fromEntries(response.headers.entries()),
  };
}
