// `deploybot check`: lint runbooks for people (a summary and diagnostics) or for scripts (--json).
import { access, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  createRunbookParser,
  DEFAULT_PARSE_TIME_LIMIT_MS,
  describeParseFailure,
} from '../catalog/parse-off-thread.js';
import type { Runbook } from '../runbook/index.js';
import { buildSummary } from '../runbook/summary.js';
import { listRunbookFiles, readRunbookFile } from '../runbook-files/read-runbook-file.js';

/** Where `check` writes; injected so tests can read it. */
export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Options of `deploybot check`. */
export interface CheckOptions {
  target: string;
  json: boolean;
  /** The directory file; by default `directory.yml` beside the runbooks, when there is one. */
  directory?: string;
  /** Time limit of one runbook's parse, as the bot applies it (default DEFAULT_PARSE_TIME_LIMIT_MS). */
  timeLimitMs?: number;
}

/** Runs `check`; returns the exit code: 0 clean, 1 a runbook has errors, 2 nothing could be checked. */
export async function runCheck(options: CheckOptions, output: Output): Promise<number> {
  const files = await resolveTargets(options.target);
  if (typeof files === 'string') {
    output.err(`deploybot check: ${options.target}: ${files}`);
    return 2;
  }
  const directoryPath =
    options.directory ??
    join(
      files.length === 1 && files[0] === options.target ? dirname(options.target) : options.target,
      'directory.yml',
    );
  const directory = await loadRoles(directoryPath, options.directory === undefined);
  if (!directory.ok) {
    for (const error of directory.errors) output.err(`deploybot check: ${error}`);
    return 2;
  }
  const roles = directory.roles;
  // Without a directory file there is nothing to check approval roles against.
  const knownRoles = options.directory !== undefined || roles.length ? roles : undefined;
  let exit = 0;
  const jsonResults: unknown[] = [];
  // The bot's own parser: a child process with the same time and memory limits, so a runbook the bot
  // would refuse as too big is refused here, with the same words, instead of hanging the terminal.
  const parser = createRunbookParser({ timeLimitMs: options.timeLimitMs ?? DEFAULT_PARSE_TIME_LIMIT_MS });
  try {
    for (const path of files) {
      const runbook = await checkOne(path, parser, knownRoles, output);
      if (!runbook) {
        exit = 2;
        continue;
      }
      if (runbook.diagnostics.some((d) => d.severity === 'error')) exit = Math.max(exit, 1);
      if (options.json)
        jsonResults.push(
          files.length === 1 ? buildSummary(runbook) : { file: path, ...buildSummary(runbook) },
        );
      else for (const line of describe(path, runbook)) output.out(line);
    }
  } finally {
    await parser.close();
  }
  // One file prints its object, a folder an array; a file that could not be read prints nothing.
  if (options.json && (files.length > 1 || jsonResults.length)) {
    output.out(JSON.stringify(files.length === 1 ? jsonResults[0] : jsonResults, null, 2));
  }
  return exit;
}

/** Reads and parses one runbook; null (said on stderr) when it cannot be read or is too big. */
async function checkOne(
  path: string,
  parser: ReturnType<typeof createRunbookParser>,
  knownRoles: string[] | undefined,
  output: Output,
): Promise<Runbook | null> {
  const file = await readRunbookFile(path);
  if (!file.ok) {
    output.err(`${file.path}: ${file.problem}`);
    return null;
  }
  const outcome = await parser.parse(file.text, {
    fileName: file.name,
    ...(knownRoles ? { knownRoles } : {}),
  });
  if (outcome.ok) return outcome.runbook;
  output.err(`${path}: ${describeParseFailure(file.name, outcome)}`);
  return null;
}

/** The role names of the directory file; with no file where one is optional, none (and YAML and zod stay unloaded). */
async function loadRoles(
  path: string,
  optional: boolean,
): Promise<{ ok: true; roles: string[] } | { ok: false; errors: string[] }> {
  if (
    optional &&
    !(await access(path).then(
      () => true,
      () => false,
    ))
  )
    return { ok: true, roles: [] };
  const { loadDirectory } = await import('../directory/load-directory.js');
  const loaded = await loadDirectory(path, { optional });
  return loaded.ok ? { ok: true, roles: Object.values(loaded.directory.roles).map((r) => r.name) } : loaded;
}

async function resolveTargets(target: string): Promise<string[] | string> {
  try {
    const info = await stat(target);
    if (!info.isDirectory()) return [target];
  } catch {
    return 'no such file or directory';
  }
  const files = await listRunbookFiles(target);
  return files.length ? files : 'no runbooks (*.md) in this directory';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The human summary of one runbook, then its diagnostics as file:line:col severity code message. */
export function describe(path: string, runbook: Runbook): string[] {
  const s = buildSummary(runbook);
  const lines = [
    `${path}: ${runbook.title}`,
    `  ${plural(s.phases.length, 'phase')}, ${plural(s.stepCount, 'step')} (${s.rollbackSteps} rollback), ` +
      `${plural(s.approvals.length, 'approval')}, ${plural(s.waits.length, 'wait')}, ` +
      `${plural(s.contacts.length, 'contact')}, ${plural(s.commands, 'command')}`,
  ];
  if (s.escalationOrder) lines.push(`  escalation: ${s.escalationOrder.join(' → ')}`);
  for (const d of runbook.diagnostics)
    lines.push(`${path}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`);
  return lines;
}
