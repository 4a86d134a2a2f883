// `deploybot playground`: runbook authors open their runbooks in the playground, with waits and
// escalation timeouts sped up (default 60×: a 10-minute wait takes 10 s, a 5-minute page 5 s).
import { ConfigError } from '../config/config.js';
import { isPlayground, loadPlaygroundConfig } from '../config/playground-config.js';
import { runPlayground } from '../playground/run-playground.js';

export interface PlaygroundArgs {
  runbooks?: string;
  directory?: string;
  speed?: string;
  port?: string;
  host?: string;
}

export const DEFAULT_CLI_SPEED = 60;

/** Starts the playground; resolves with an exit code on failure, or null while it runs. */
export async function runPlaygroundCommand(
  args: PlaygroundArgs,
  env: Record<string, string | undefined>,
  io: Parameters<typeof runPlayground>[1],
): Promise<number | null> {
  if (!isPlayground(env)) {
    io.err('deploybot playground: not with NODE_ENV=production or a Slack token set (unset them to play)');
    return 2;
  }
  let pc: ReturnType<typeof loadPlaygroundConfig>;
  try {
    pc = loadPlaygroundConfig({
      ...env,
      PLAYGROUND_SPEED: args.speed ?? env.PLAYGROUND_SPEED ?? String(DEFAULT_CLI_SPEED),
      ...(args.runbooks ? { RUNBOOKS_DIR: args.runbooks } : {}),
      ...(args.directory ? { DIRECTORY_FILE: args.directory } : {}),
      ...(args.port ? { PORT: args.port } : {}),
      ...(args.host ? { PLAYGROUND_HOST: args.host } : {}),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems)
      io.err(`deploybot playground: ${problem.replace(/^PLAYGROUND_SPEED/, '--speed')}`);
    return 2;
  }
  return runPlayground(pc, io);
}
