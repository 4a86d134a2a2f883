// The first module src/main.ts runs, before the bot's own modules are even loaded (which takes seconds
// on a busy machine): it checks the Node.js version, and handles stop signals from the first moment. As
// PID 1 in a container (no --init) a signal without a handler is simply ignored.
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

// Until src/main.ts has something to stop, nothing is open: a stop ends the process at once.
let handler: (signal: NodeJS.Signals) => void = (signal) => {
  process.stderr.write(`deploybot: stopped by ${signal} before start-up\n`);
  process.exit(0);
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => handler(signal));

/** From now on, stop signals go to `stop`. */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  handler = stop;
}
