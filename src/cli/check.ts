// `deploybot check`: lint runbooks for people (a summary and diagnostics) or for scripts (--json).
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadDirectory } from '../directory/load-directory.js';
import { buildSummary, parseRunbook, type Runbook } from '../runbook/index.js';
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
  const directory = await loadDirectory(directoryPath, { optional: options.directory === undefined });
  if (!directory.ok) {
    for (const error of directory.errors) output.err(`deploybot check: ${error}`);
    return 2;
  }
  const roles = Object.values(directory.directory.roles).map((r) => r.name);
  // Without a directory file there is nothing to check approval roles against.
  const knownRoles = options.directory !== undefined || roles.length ? roles : undefined;
  let exit = 0;
  const jsonResults: unknown[] = [];
  for (const path of files) {
    const file = await readRunbookFile(path);
    if (!file.ok) {
      output.err(`${file.path}: ${file.problem}`);
      exit = 2;
      continue;
    }
    const runbook = parseRunbook(file.text, {
      fileName: file.name,
      ...(knownRoles ? { knownRoles } : {}),
    });
    if (runbook.diagnostics.some((d) => d.severity === 'error')) exit = Math.max(exit, 1);
    if (options.json)
      jsonResults.push(files.length === 1 ? buildSummary(runbook) : { file: path, ...buildSummary(runbook) });
    else for (const line of describe(path, runbook)) output.out(line);
  }
  // One file prints its object, a folder an array; a file that could not be read prints nothing.
  if (options.json && (files.length > 1 || jsonResults.length)) {
    output.out(JSON.stringify(files.length === 1 ? jsonResults[0] : jsonResults, null, 2));
  }
  return exit;
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
