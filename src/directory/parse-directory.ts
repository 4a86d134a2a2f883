// Directory file text in, a validated `Directory` or readable errors out. Pure: no file system.
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLError,
} from 'yaml';
import type { z } from 'zod';
import { type Directory, directorySchema } from './schema.js';

/** A directory, or every problem found in the file, one line each (`file:line:col: path: message`). */
export type DirectoryResult = { ok: true; directory: Directory } | { ok: false; errors: string[] };

/** Parses and validates a directory file's text; `source` names it in the messages. */
export function parseDirectory(text: string, source: string): DirectoryResult {
  const lineCounter = new LineCounter();
  // Silent: the pure parser reports problems in its result, never through Node warnings.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    lineCounter,
    uniqueKeys: true,
    logLevel: 'silent',
  });
  if (doc.errors.length) return { ok: false, errors: doc.errors.map((e) => formatYamlError(e, source)) };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, errors: [`${source}: ${(error as Error).message}`] };
  }
  const result = directorySchema.safeParse(data);
  if (result.success) return { ok: true, directory: result.data };
  const at = (path: readonly PropertyKey[], key: boolean) => {
    const node = findNode(doc.contents, path, key);
    const offset = node?.range?.[0];
    if (offset === undefined) return source;
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  return { ok: false, errors: result.error.issues.map((issue) => formatIssue(issue, at)) };
}

function formatYamlError(error: YAMLError, source: string): string {
  const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  return `${pos ? `${source}:${pos.line}:${pos.col}` : source}: YAML syntax error: ${message}`;
}

function formatIssue(
  issue: z.core.$ZodIssue,
  at: (path: readonly PropertyKey[], key: boolean) => string,
): string {
  // An unknown key is shown where it is written, under the path of the mapping that holds it.
  const where =
    issue.code === 'unrecognized_keys'
      ? at([...issue.path, issue.keys[0] ?? ''], true)
      : at(issue.path, false);
  return `${where}: ${formatPath(issue.path)}: ${issue.message}`;
}

/** `roles.SRE.required`, `admins[0]`, `roles["Release captain"].users[1]`; the root is `top level`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'top level';
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      if (!/^[A-Za-z_][\w-]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

/** The YAML node a validation path points at (its key when `key`), or the deepest one that exists. */
function findNode(root: unknown, path: readonly PropertyKey[], key: boolean): Node | null {
  let node = root as Node | null;
  for (const [i, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === String(segment));
      if (!pair) break;
      const last = i === path.length - 1;
      node = ((last && key) || !pair.value ? pair.key : pair.value) as Node;
      if (!pair.value) break;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      node = item;
    } else if (isSeq(node)) {
      // A role written as a bare list: the `users` in the path is implied, so stay on the list.
    } else break;
  }
  return node;
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}
