// The `deploybot` command line. Only this file and src/main.ts read process state.
// Each subcommand is imported when it runs: `check` loads the parser's thin side and no playground,
// Bolt or database (issue 17: it took 1.48 s to start when everything was loaded up front).
import { parseArgs } from 'node:util';

const USAGE = `usage: deploybot check [--json] [--directory FILE] [--time-limit SECONDS] <file|dir>
       deploybot playground [--runbooks DIR] [--directory FILE] [--speed N] [--port N] [--host H]

  check <file|dir>   summarise runbooks and list their problems as file:line:col severity code message;
                     exits 1 when a runbook has an error
  --json             print the summary object of one runbook (an array for a folder)
  --directory FILE   check approval roles against this directory file
                     (default: directory.yml beside the runbooks, when there is one)
  --time-limit S     give up on a runbook whose parse takes longer than S seconds, as the bot
                     does (default 20; the parse also stops at 512 MB of memory)

  playground         run the bot against an embedded Slack and open it in the browser
                     (http://localhost:3000/); no Slack app needed
  --runbooks DIR     the runbooks to offer (default ./runbooks)
  --speed N          waits and escalation timeouts run N× faster (default 60: 10 minutes in 10 s)
  --port N           the page's port (default 3000); --host H its interface (default 127.0.0.1)`;

/** Runs the command line with the given arguments; returns the exit code (null: still running). */
export async function main(argv: readonly string[]): Promise<number | null> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    err(`deploybot: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, target, ...extra] = parsed.positionals;
  if (parsed.values.help || !command) {
    (command ? out : err)(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  if (command === 'playground') {
    const { runbooks, directory, speed, port, host } = parsed.values;
    const args = { runbooks, directory, speed, port, host };
    const defined = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
    const { runPlaygroundCommand } = await import('./playground.js');
    return runPlaygroundCommand(defined, process.env, {
      err,
      onSignal: (signal, stop) => process.on(signal, stop),
      exit: (code) => process.exit(code),
    });
  }
  if (command !== 'check') {
    err(`deploybot: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  if (!target || extra.length) {
    err(`deploybot check: give exactly one file or folder\n${USAGE}`);
    return 2;
  }
  // `deploybot check runbooks/ | head`: a reader that has read enough closes the pipe; stop quietly,
  // as Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const directory = parsed.values.directory;
  const limit = parsed.values['time-limit'];
  const seconds = limit === undefined ? undefined : Number(limit);
  if (seconds !== undefined && !(seconds > 0 && Number.isFinite(seconds))) {
    err(`deploybot check: --time-limit takes a number of seconds above 0, not "${limit}"\n${USAGE}`);
    return 2;
  }
  const { runCheck } = await import('./check.js');
  return runCheck(
    {
      target,
      json: parsed.values.json ?? false,
      ...(directory ? { directory } : {}),
      ...(seconds ? { timeLimitMs: Math.round(seconds * 1000) } : {}),
    },
    { out, err },
  );
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      directory: { type: 'string' },
      'time-limit': { type: 'string' },
      runbooks: { type: 'string' },
      speed: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`deploybot: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
