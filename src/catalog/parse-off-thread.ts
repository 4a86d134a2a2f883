// Parses runbooks in a child process with a time limit and a memory limit, so a 1 MB runbook never
// blocks the bot: other people's clicks are acknowledged while it parses, and a runbook that takes
// longer than the limit, or more memory than the parser may have, gets one answer ("too big":
// `too_slow` or `too_big`) instead of holding a core or the machine's memory (the process is ended).
// A process, not a worker thread: out of memory, V8 sometimes aborted the whole process a worker
// ran in (the bot, or `deploybot check`) instead of ending the worker; a child's abort is its own.
//
// A runbook of at most IN_PROCESS_MAX_CHARS characters is parsed in the calling process instead:
// starting a process costs more than such a parse, and the worst such a runbook can do is bounded
// far below both limits (see IN_PROCESS_MAX_CHARS). Its time limit is checked afterwards.
//
// The parser's file: next to this one when running compiled (dist/src/catalog/parse-worker.js, as
// `npm start` does). Under vitest the sources are TypeScript, which a plain child cannot load,
// so the compiled worker in dist/ is used (`npm test` builds first: `pretest`). With no compiled
// worker at all, parsing falls back to this thread with the same time limit checked afterwards:
// the answer is the same, but the event loop waits for the parse.

import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseOptions, Runbook } from '../runbook/index.js';

/** How long one runbook may take to parse before it is given up (a 1 MB runbook takes ~2–8 s). */
export const DEFAULT_PARSE_TIME_LIMIT_MS = 20_000;
/**
 * The worker's heap limit. A 1 MB runbook needs about 150 MB; a 2 MiB line of emphasis markers or
 * blanks, which micromark resolves in quadratic time and memory, needed 940 MB before this limit.
 */
export const PARSE_MEMORY_LIMIT_MB = 512;
/**
 * Runbooks up to this many characters are parsed in the calling process, without the child: the
 * child's start (a second Node process that loads micromark) was most of `deploybot check`'s time
 * for a one-step runbook. The bound is what the worst inputs found can do at this size, cold, in a
 * fresh process: a line of list markers (`+ + + …`, `1. 1. 1. …`), which micromark opens as one
 * nested list per marker, took ~75 ms and ~10 MB at 1 KiB (~250 ms and ~20 MB at 2 KiB; it grows
 * about with the cube: 1.3 s at 8 KiB, 138 s at 64 KiB). Blockquote, table, link, emphasis and code
 * lines took less. So neither limit can be reached, and the bot's event loop waits ~0.1 s at worst.
 * Real runbooks (5–13 KB) are longer and still go to the child.
 */
export const IN_PROCESS_MAX_CHARS = 1024;

/** A job sent to the worker. */
export interface ParseRequest {
  id: number;
  text: string;
  options: ParseOptions;
}

/** The worker's answer to one job. */
export type ParseReply =
  | { id: number; ok: true; runbook: Runbook }
  | { id: number; ok: false; message: string };

/** What a parse gives: the runbook, or why there is none. */
export type ParseOutcome =
  | { ok: true; runbook: Runbook }
  | { ok: false; reason: 'too_slow'; limitMs: number }
  | { ok: false; reason: 'too_big'; limitMb: number }
  | { ok: false; reason: 'failed'; message: string };

/** Why a runbook was given up, for its author: the time or memory limit, and what to do. */
export function describeParseFailure(name: string, outcome: Exclude<ParseOutcome, { ok: true }>): string {
  if (outcome.reason === 'failed') return `\`${name}\` cannot be read: ${outcome.message}`;
  const over =
    outcome.reason === 'too_slow'
      ? `parsing it took longer than ${Math.round(outcome.limitMs / 100) / 10} s`
      : `parsing it needed more than ${outcome.limitMb} MB of memory`;
  return `\`${name}\` is too big to read: ${over}, so the bot stopped. Split it into smaller runbooks.`;
}

interface Job {
  request: ParseRequest;
  resolve: (outcome: ParseOutcome) => void;
}

/** The compiled worker entry, or null when there is none (see the top of this file). */
export function findWorkerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'parse-worker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const built = join(dirname(here), '..', '..', 'dist', 'src', 'catalog', 'parse-worker.js');
  return existsSync(built) ? built : null;
}

/**
 * Creates the parser: one worker, one job at a time, each held to `timeLimitMs` once it starts;
 * a runbook of at most `inProcessMaxChars` characters (default IN_PROCESS_MAX_CHARS) is parsed here.
 */
export function createRunbookParser(options: {
  timeLimitMs: number;
  workerFile?: string | null;
  memoryLimitMb?: number;
  inProcessMaxChars?: number;
}) {
  const memoryLimitMb = options.memoryLimitMb ?? PARSE_MEMORY_LIMIT_MB;
  const inProcessMaxChars = options.inProcessMaxChars ?? IN_PROCESS_MAX_CHARS;
  const file = options.workerFile === undefined ? findWorkerFile() : options.workerFile;
  const queue: Job[] = [];
  let worker: ChildProcess | null = null;
  let current: { job: Job; timer: NodeJS.Timeout } | null = null;
  let nextId = 1;

  function spawn(path: string): ChildProcess {
    // The young generation is part of the limit too: without it a parse may hold ~64 MB more.
    const w = fork(path, [], {
      execArgv: [`--max-old-space-size=${memoryLimitMb}`, '--max-semi-space-size=16'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    w.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    w.on('message', (reply: ParseReply) => {
      if (!current || reply.id !== current.job.request.id) return;
      finish(
        reply.ok
          ? { ok: true, runbook: reply.runbook }
          : { ok: false, reason: 'failed', message: reply.message },
      );
    });
    w.on('error', (err) => {
      if (worker === w) worker = null;
      finish({ ok: false, reason: 'failed', message: err.message });
    });
    w.on('exit', (code, signal) => {
      if (worker !== w) return; // ended on purpose
      worker = null;
      // Out of memory, V8 aborts the process (SIGABRT, or exit 134) and says so on stderr.
      const outOfMemory = signal === 'SIGABRT' || code === 134 || /out of memory/i.test(stderr);
      finish(
        outOfMemory
          ? { ok: false, reason: 'too_big', limitMb: memoryLimitMb }
          : { ok: false, reason: 'failed', message: `the parser stopped (exit code ${code ?? signal})` },
      );
    });
    return w;
  }

  function finish(outcome: ParseOutcome): void {
    if (!current) return;
    clearTimeout(current.timer);
    current.job.resolve(outcome);
    current = null;
    pump();
  }

  function pump(): void {
    if (current || !file) return;
    const job = queue.shift();
    if (!job) {
      // An idle parser does not keep the process alive.
      worker?.unref();
      worker?.channel?.unref();
      return;
    }
    worker ??= spawn(file);
    worker.ref();
    worker.channel?.ref();
    const timer = setTimeout(() => {
      const stuck = worker;
      worker = null;
      stuck?.kill('SIGKILL');
      finish({ ok: false, reason: 'too_slow', limitMs: options.timeLimitMs });
    }, options.timeLimitMs);
    current = { job, timer };
    worker.send(job.request);
  }

  async function parseHere(request: ParseRequest): Promise<ParseOutcome> {
    // Loaded here, not at the top: a process that only ever hands long runbooks to the worker never
    // needs the parser.
    const { parseRunbook } = await import('../runbook/index.js');
    const started = performance.now();
    try {
      const runbook = parseRunbook(request.text, request.options);
      const slow = performance.now() - started > options.timeLimitMs;
      return slow ? { ok: false, reason: 'too_slow', limitMs: options.timeLimitMs } : { ok: true, runbook };
    } catch (err) {
      return { ok: false, reason: 'failed', message: err instanceof Error ? err.message : String(err) };
    }
  }

  return {
    /** `worker` when long runbooks are parsed off the event loop, `in-thread` for the fallback. */
    mode: file ? ('worker' as const) : ('in-thread' as const),
    parse(text: string, parseOptions: ParseOptions = {}): Promise<ParseOutcome> {
      const request: ParseRequest = { id: nextId++, text, options: parseOptions };
      if (!file || text.length <= inProcessMaxChars) return parseHere(request);
      return new Promise((resolve) => {
        queue.push({ request, resolve });
        pump();
      });
    },
    /** Stops the worker; jobs still queued are answered `failed`. */
    async close(): Promise<void> {
      for (const job of queue.splice(0))
        job.resolve({ ok: false, reason: 'failed', message: 'parser closed' });
      const w = worker;
      worker = null;
      if (current) finish({ ok: false, reason: 'failed', message: 'parser closed' });
      if (w && w.exitCode === null && w.signalCode === null) {
        const exited = new Promise((resolve) => w.once('exit', resolve));
        // Held until it has exited: an idle parser is unref'd, and this wait must keep the process up.
        w.ref();
        w.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The parser's type. */
export type RunbookParser = ReturnType<typeof createRunbookParser>;
