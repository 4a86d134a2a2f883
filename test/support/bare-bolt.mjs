// A bare Bolt app (HTTPReceiver, nothing of ours) for the upstream-bug test: prints its port, then
// serves until it dies. Run as its own process: node test/support/bare-bolt.mjs <signing secret>
import bolt from '@slack/bolt';

const receiver = new bolt.HTTPReceiver({ signingSecret: process.argv[2], logLevel: bolt.LogLevel.ERROR });
const app = new bolt.App({
  token: 'xoxb-bare',
  receiver,
  tokenVerificationEnabled: false,
  logLevel: bolt.LogLevel.ERROR,
});
app.command('/deploy', async ({ ack }) => ack());
const server = await app.start(0);
process.stdout.write(`port=${server.address().port}\n`);
