// Reading runbook files from disk: the checks that keep bad files from reaching the parser.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/** Runbooks larger than this are refused: no real checklist is anywhere near it. */
export const MAX_RUNBOOK_BYTES = 2 * 1024 * 1024;

/** A runbook file's text, or one line saying why it cannot be read. */
export type RunbookFile =
  | { ok: true; path: string; name: string; text: string }
  | { ok: false; path: string; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a runbook file as UTF-8, refusing missing, huge, binary and non-UTF-8 files. */
export async function readRunbookFile(path: string): Promise<RunbookFile> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, path, problem: 'not a file' };
    size = info.size;
  } catch {
    return { ok: false, path, problem: 'no such file' };
  }
  if (size > MAX_RUNBOOK_BYTES) {
    return {
      ok: false,
      path,
      problem: `file is ${formatBytes(size)}, over the ${formatBytes(MAX_RUNBOOK_BYTES)} limit for a runbook`,
    };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return {
      ok: false,
      path,
      problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
  if (bytes.includes(0))
    return { ok: false, path, problem: 'binary file (it contains NUL bytes), not a Markdown runbook' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, path, problem: 'not valid UTF-8 text: save the runbook as UTF-8' };
  }
  return { ok: true, path, name: basename(path, extname(path)), text };
}

// A run report committed next to its runbook (`<runbook>.run-2026-01-05-1a2b3c4d.md`) is a record,
// not a runbook to start or lint.
const RUN_REPORT = /\.run-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.md$/i;

/** The Markdown files directly in a folder, sorted by name; READMEs and run reports are not runbooks. */
export async function listRunbookFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (e) =>
        e.isFile() &&
        /\.(md|markdown)$/i.test(e.name) &&
        !/^readme\./i.test(e.name) &&
        !RUN_REPORT.test(e.name),
    )
    .map((e) => join(dir, e.name))
    .sort();
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
