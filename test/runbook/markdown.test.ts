// parseMarkdown tries a table only where the next line could be its delimiter row (markdown.ts):
// these tests hold it to the tree micromark's own table extension gives, on the documents the
// repository has and on generated table-like text.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/runbook/markdown.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The reference: the same extensions, with micromark's table construct as published. */
function plainParse(source: string): Root {
  return fromMarkdown(source, {
    extensions: [gfmTable(), gfmTaskListItem(), gfmStrikethrough(), frontmatter(['yaml'])],
    mdastExtensions: [
      gfmTableFromMarkdown(),
      gfmTaskListItemFromMarkdown(),
      gfmStrikethroughFromMarkdown(),
      frontmatterFromMarkdown(['yaml']),
    ],
  });
}

function markdownFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(dir, f));
}

describe('parseMarkdown tables', () => {
  const cases: Record<string, string> = {
    'a table': '| a | b |\n|---|:-:|\n| 1 | 2 |\n',
    'a table without outer pipes': 'a | b\n--|--\n1 | 2\n',
    'one column, colon delimiter': '| a |\n:-:\n| b |\n',
    'a head with no pipe': 'a\n:--\nb\n',
    'a table after a paragraph line': 'Intro\n| a | b |\n| - | - |\n| 1 | 2 |\n',
    'a table in a list item': '- item\n\n  | a | b |\n  | - | - |\n  | 1 | 2 |\n- next\n',
    'a table in a quote': '> | a | b |\n> | - | - |\n> | 1 | 2 |\n',
    'a lazy delimiter row': '> | a | b |\n| - | - |\n',
    'a lazy body row': '> | a | b |\n> | - | - |\n| 1 | 2 |\n',
    'a setext underline': 'a | b\n---\n',
    'a thematic break': '| a |\n- - -\n',
    'a head row on the last line': 'text\n| a | b |',
    'no trailing newline': '| a | b |\n| - | - |',
    'CRLF line endings': '| a | b |\r\n| - | - |\r\n| 1 | 2 |\r\n',
    'tabs in the delimiter row': '| a | b |\n|\t-\t|\t-\t|\n',
    'an indented delimiter row': '| a |\n    | - |\n',
    'a mismatched delimiter row': '| a | b |\n| - |\n',
    'a table inside fenced code': '```\n| a |\n| - |\n```\n',
    'one-line list items': '- [ ] a | b\n- [ ] c\n- [x] d | e\n  | - | - |\n',
  };
  for (const [name, source] of Object.entries(cases)) {
    it(`gives micromark's tree: ${name}`, () => {
      expect(parseMarkdown(source)).toStrictEqual(plainParse(source));
    });
  }

  it('finds a table where the extension finds one', () => {
    const root = parseMarkdown(cases['a table in a list item'] ?? '');
    expect(JSON.stringify(root)).toContain('"type":"table"');
  });

  it("gives micromark's tree on every Markdown file of the repository and the dev set", () => {
    const files = [
      ...markdownFiles(join(REPO, 'runbooks')),
      ...markdownFiles(join(REPO, 'test')),
      ...markdownFiles(join(REPO, '..', 'shared', 'runbooks-devset')),
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      expect(parseMarkdown(source), file).toStrictEqual(plainParse(source));
    }
  });

  it("gives micromark's tree on generated table-like text", () => {
    const piece = fc.constantFrom(
      '|',
      ' ',
      '\t',
      '-',
      ':',
      '>',
      '- ',
      '1. ',
      'a',
      'b c',
      '`x|y`',
      '\\|',
      '\n',
      '\n',
      '\n\n',
      '\r\n',
      '    ',
      '```',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const source = pieces.join('');
        expect(parseMarkdown(source)).toStrictEqual(plainParse(source));
      }),
      { seed: 0x7ab1e, numRuns: 3000 },
    );
  });
});
