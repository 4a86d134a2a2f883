// The runbooks the bot can run: files in RUNBOOKS_DIR, parsed once per content (an edge: file system).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type { Runbook } from '../runbook/index.js';
import { listRunbookFiles, readRunbookFile } from '../runbook-files/read-runbook-file.js';
import {
  createRunbookParser,
  DEFAULT_PARSE_TIME_LIMIT_MS,
  describeParseFailure,
  type ParseOutcome,
  type RunbookParser,
} from './parse-off-thread.js';

const run = promisify(execFile);

/** A runbook ready to start: its model, its text, content hash and git commit. */
export interface CatalogEntry {
  name: string;
  runbook: Runbook;
  /** The file's Markdown (the run report annotates it when a run pinned this very content). */
  text: string;
  contentHash: string;
  gitCommit: string | null;
}

/** Why a runbook cannot be started. */
export type CatalogProblem =
  | { code: 'runbook.bad_name'; message: string }
  | { code: 'runbook.unknown'; message: string; suggestions: string[] }
  | { code: 'runbook.unreadable'; message: string }
  | { code: 'runbook.too_slow'; message: string }
  | { code: 'runbook.invalid'; message: string; errors: string[] };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export { DEFAULT_PARSE_TIME_LIMIT_MS };

/** Options of the catalog. */
export interface CatalogOptions {
  /** Time limit of one parse, in milliseconds. */
  parseTimeLimitMs?: number;
  /** The parser to use (tests pass one to count or stop it); by default createRunbookParser's. */
  parser?: RunbookParser;
  /** Told how long each parse took (for /metrics), in milliseconds. */
  onParse?: (ms: number) => void;
}

/**
 * Creates the catalog over a folder. Runbooks are parsed off the event loop (a child process; one of
 * at most IN_PROCESS_MAX_CHARS characters in this process) with a time limit, and each outcome is
 * cached by content hash, so a runbook is parsed once per content.
 */
export function createRunbookCatalog(dir: string, options: CatalogOptions = {}) {
  const limitMs = options.parseTimeLimitMs ?? DEFAULT_PARSE_TIME_LIMIT_MS;
  const parser = options.parser ?? createRunbookParser({ timeLimitMs: limitMs });
  // Promises, so that two people starting the same runbook at once share one parse.
  const cache = new Map<string, Promise<ParseOutcome>>();

  async function names(): Promise<string[]> {
    try {
      return (await listRunbookFiles(dir)).map((f) => basename(f).replace(/\.(md|markdown)$/i, ''));
    } catch {
      return [];
    }
  }

  async function load(
    name: string,
  ): Promise<{ ok: true; entry: CatalogEntry } | { ok: false; problem: CatalogProblem }> {
    const wanted = name.replace(/\.(md|markdown)$/i, '');
    if (!NAME.test(wanted) || wanted.includes('..')) {
      return {
        ok: false,
        problem: {
          code: 'runbook.bad_name',
          message: `"${name}" is not a runbook name: use the file name in the runbooks folder, without folders`,
        },
      };
    }
    const available = await names();
    if (!available.includes(wanted)) {
      const suggestions = closest(wanted, available);
      const hint = suggestions.length
        ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?`
        : '';
      return {
        ok: false,
        problem: {
          code: 'runbook.unknown',
          message: `There is no runbook called \`${wanted}\`.${hint}`,
          suggestions,
        },
      };
    }
    const path = join(dir, `${wanted}.md`);
    if (!(await isInside(dir, path))) {
      return {
        ok: false,
        problem: { code: 'runbook.bad_name', message: `\`${wanted}\` points outside the runbooks folder` },
      };
    }
    const file = await readRunbookFile(path);
    if (!file.ok)
      return {
        ok: false,
        problem: { code: 'runbook.unreadable', message: `\`${wanted}\` cannot be read: ${file.problem}` },
      };
    const contentHash = createHash('sha256').update(file.text).digest('hex');
    let parsing = cache.get(contentHash);
    if (!parsing) {
      const started = performance.now();
      parsing = parser.parse(file.text, { fileName: wanted });
      void parsing.then(() => options.onParse?.(performance.now() - started));
      cache.set(contentHash, parsing);
    }
    const outcome = await parsing;
    if (!outcome.ok) {
      if (outcome.reason === 'failed') cache.delete(contentHash);
      return { ok: false, problem: parseProblem(wanted, outcome) };
    }
    const runbook: Runbook = outcome.runbook;
    const errors = runbook.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `line ${d.line}: ${d.message}`);
    if (errors.length) {
      return { ok: false, problem: { code: 'runbook.invalid', message: `\`${wanted}\` has errors`, errors } };
    }
    return {
      ok: true,
      entry: { name: wanted, runbook, text: file.text, contentHash, gitCommit: await gitCommit(dir, path) },
    };
  }

  return { names, load, close: () => parser.close() };
}

function parseProblem(name: string, outcome: Exclude<ParseOutcome, { ok: true }>): CatalogProblem {
  const message = describeParseFailure(name, outcome);
  return outcome.reason === 'failed'
    ? { code: 'runbook.unreadable', message }
    : { code: 'runbook.too_slow', message };
}

/** The catalog's type. */
export type RunbookCatalog = ReturnType<typeof createRunbookCatalog>;

async function isInside(dir: string, path: string): Promise<boolean> {
  try {
    const [root, real] = await Promise.all([realpath(dir), realpath(path)]);
    const rel = relative(root, real);
    return rel !== '' && !rel.startsWith('..') && !rel.includes(`..${sep}`);
  } catch {
    return false;
  }
}

async function gitCommit(dir: string, path: string): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['-C', dir, 'log', '-1', '--format=%H', '--', basename(path)], {
      timeout: 5000,
    });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** Up to three names closest to the one asked for (edit distance, or sharing a prefix). */
export function closest(name: string, names: readonly string[]): string[] {
  const scored = names.map((n) => ({ n, d: distance(name.toLowerCase(), n.toLowerCase()) }));
  const limit = Math.max(3, Math.floor(name.length / 2));
  return scored
    .filter((s) => s.d <= limit || s.n.toLowerCase().includes(name.toLowerCase()))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((s) => s.n);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
