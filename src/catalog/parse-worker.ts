// The worker thread's entry: parses runbooks off the bot's event loop (see parse-off-thread.ts).
import { parentPort } from 'node:worker_threads';
import { parseRunbook } from '../runbook/index.js';
import type { ParseReply, ParseRequest } from './parse-off-thread.js';

parentPort?.on('message', (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: request.id, ok: true, runbook: parseRunbook(request.text, request.options) };
  } catch (err) {
    reply = { id: request.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
