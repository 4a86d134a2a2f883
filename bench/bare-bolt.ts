// The ack bench's baseline: a bare Bolt app that only acknowledges, in its own process like the bot.
import { App, HTTPReceiver } from '@slack/bolt';

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.end('ok') }],
});
const app = new App({
  receiver,
  authorize: async () => ({ botToken: 'xoxb-bare', botId: 'B0BARE', botUserId: 'U0BARE' }),
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? 'http://127.0.0.1:9/api/' },
});
app.action(/.*/, async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env.PORT ?? 0));
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
