// The page's actions, relayed to the bot as Slack would send them: a /deploy command, a button click,
// a modal submitted or cancelled, the App Home opened. Plain text is posted as the person's message,
// and the speed of the bot's clock can be changed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, send } from '../fake-slack/fake-slack-http.js';
import type { PageCtx } from './page-context.js';

/** The page sends small JSON: a modal's values are the largest (Slack caps inputs at 3,000 characters). */
const MAX_BODY = 64 * 1024;

type Json = Record<string, unknown>;
type Ctx = PageCtx;

/** The person a request acts as, if the page offers them. */
export function knownUser(ctx: Ctx, id: unknown): string | null {
  return typeof id === 'string' && ctx.people.some((p) => p.id === id) ? id : null;
}

/** The page's actions. JSON only: a plain HTML form from another site cannot post here. */
export async function act(
  ctx: Ctx,
  action: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!req.headers['content-type']?.startsWith('application/json'))
    return send(res, 415, { ok: false, error: 'json_only' });
  let body: Json;
  try {
    body = JSON.parse(await readBody(req, MAX_BODY)) as Json;
  } catch (error) {
    if (error instanceof BodyTooLarge)
      return send(res, 413, { ok: false, error: 'request_too_large' }, { connection: 'close' });
    return send(res, 400, { ok: false, error: 'invalid_json' });
  }
  const user = knownUser(ctx, body.user);
  if (!user) return send(res, 400, { ok: false, error: 'unknown_user' });
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const { relay } = ctx;
  switch (action) {
    case 'command': {
      // Typed where the person is: the channel or their DM with the bot.
      const channel = str(body.channel) === 'dm' ? ctx.slack.dmChannel(user) : ctx.channel.id;
      const text = str(body.text).trim();
      if (!text) return send(res, 400, { ok: false, error: 'no_text' });
      if (text.startsWith('/')) return answer(res, await relay.command(user, channel, text));
      // Plain text is a message from the person, as in Slack; the bot does not read channel messages.
      ctx.slack.seedMessage(channel, text.slice(0, 4000), { user });
      ctx.changed();
      return send(res, 200, { ok: true });
    }
    case 'speed': {
      const speed = Number(body.speed);
      if (!Number.isInteger(speed) || speed < 1 || speed > 3600)
        return send(res, 400, { ok: false, error: 'invalid_speed' });
      ctx.clock.setSpeed(speed);
      ctx.changed();
      return send(res, 200, { ok: true, clock: ctx.clock.anchor() });
    }
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
