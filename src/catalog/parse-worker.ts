// The parse process's entry: parses runbooks off the bot's process (see parse-off-thread.ts). A child
// process, not a worker thread: when a parse runs out of memory, V8 may abort the whole process it
// runs in (it did, now and then, instead of ending a worker with ERR_WORKER_OUT_OF_MEMORY).
import { parseRunbook } from '../runbook/index.js';
import type { ParseReply, ParseRequest } from './parse-off-thread.js';

process.on('message', (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: request.id, ok: true, runbook: parseRunbook(request.text, request.options) };
  } catch (err) {
    reply = { id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  process.send?.(reply);
});
// The parent going away (a stop, a crash) ends this process too.
process.on('disconnect', () => process.exit(0));
