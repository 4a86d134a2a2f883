// Reading the directory file from disk (an edge: the parsing itself is pure, in parse-directory.ts).
import { readFile, stat } from 'node:fs/promises';
import { type DirectoryResult, parseDirectory } from './parse-directory.js';
import { createEmptyDirectory } from './schema.js';

export { type DirectoryResult, parseDirectory } from './parse-directory.js';

/** A directory file larger than this is refused: a real one is a few kilobytes. */
export const MAX_DIRECTORY_BYTES = 1024 * 1024;

/** Options of `loadDirectory`. */
export interface LoadDirectoryOptions {
  /** When true, a missing file gives an empty directory instead of an error. */
  optional?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads and validates a directory file; problems come back as messages, never as exceptions. */
export async function loadDirectory(
  path: string,
  options: LoadDirectoryOptions = {},
): Promise<DirectoryResult> {
  const fail = (problem: string): DirectoryResult => ({ ok: false, errors: [`${path}: ${problem}`] });
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) return fail('not a file');
    if (info.size > MAX_DIRECTORY_BYTES)
      return fail(`file is over the ${MAX_DIRECTORY_BYTES / 1024} KiB limit`);
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return options.optional ? { ok: true, directory: createEmptyDirectory() } : fail('no such file');
    }
    return fail(`cannot be read (${code ?? 'error'})`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('not valid UTF-8 text: save the directory file as UTF-8');
  }
  return parseDirectory(text, path);
}
