// Runs the playground as a process (`npm start` with no Slack app, or `deploybot playground`): says
// clearly what it is and where to open it, and stops cleanly on SIGINT/SIGTERM.
import type { PlaygroundConfig } from '../config/playground-config.js';
import { createLogger } from '../shared/logger.js';
import { startPlayground } from './start-playground.js';

/** The banner printed once the playground is up. */
export function playgroundBanner(url: string, speed: number, exposed = false): string {
  const pace = speed === 1 ? 'real time' : `${speed}× real time (a 10-minute wait takes ${600 / speed} s)`;
  const warning = exposed
    ? [
        '',
        '  WARNING: the page listens beyond this machine (--host / PLAYGROUND_HOST). Anyone who has the',
        '  URL below, with its token, can act as anyone in the playground. Share it with care.',
      ]
    : [];
  return [
    ...warning,
    '',
    '  deploybot PLAYGROUND: no Slack app is configured, so the bot runs against an embedded Slack.',
    `  Open ${url} to try it: start a runbook with /deploy start <runbook>, click, approve, roll back.`,
    `  Waits and escalation timeouts run at ${pace}; the page can change it. Nothing is kept when it stops.`,
    '  To use a real Slack app: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see README, "Setting up',
    '  the Slack app"). The playground never starts when NODE_ENV=production or a token is set.',
    '',
  ].join('\n');
}

/** Starts the playground and keeps it running until a signal; returns an exit code on failure. */
export async function runPlayground(
  pc: PlaygroundConfig,
  io: {
    err: (line: string) => void;
    onSignal: (signal: string, stop: () => void) => void;
    exit: (code: number) => void;
  },
): Promise<number | null> {
  const logger = createLogger(pc.logLevel);
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  try {
    playground = await startPlayground(pc, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'the playground could not start');
    io.err(`deploybot: the playground could not start: ${(error as Error).message}`);
    return 1;
  }
  logger.info({ speed: pc.speed, mode: 'playground' }, 'deploybot playground is up');
  if (playground.exposed) logger.warn({ host: pc.host }, 'the playground page listens beyond loopback');
  io.err(playgroundBanner(playground.url, pc.speed, playground.exposed));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    playground.stop().then(
      () => io.exit(0),
      () => io.exit(1),
    );
  };
  io.onSignal('SIGINT', stop);
  io.onSignal('SIGTERM', stop);
  return null;
}
