// Fixture pairs, one folder per rule of runbook-format.md: `case.md` is a runbook, `case.json` the
// `check --json` summary it must give (title and placeholders left out, diagnostics as
// "line severity code: message"). Regenerate on purpose only, then read the diff:
//   npm run fixtures:update   (UPDATE_FIXTURES=1 vitest run test/runbook/fixtures.test.ts)
// A `case.md` without its `case.json` fails: a fixture is never accepted blindly.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSummary, parseRunbook } from '../../src/runbook/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const UPDATE = process.env.UPDATE_FIXTURES === '1';

/** The part of the summary a fixture pins down. */
function expectedShape(markdown: string, fileName: string) {
  const {
    title: _title,
    placeholders: _placeholders,
    diagnostics,
    ...summary
  } = buildSummary(parseRunbook(markdown, { fileName }));
  return {
    ...summary,
    diagnostics: diagnostics.map((d) => `${d.line} ${d.severity} ${d.code}: ${d.message}`),
  };
}

const rules = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory());

for (const rule of rules) {
  describe(`fixtures: ${rule.name}`, () => {
    const cases = readdirSync(join(ROOT, rule.name)).filter((f) => f.endsWith('.md'));
    it.each(cases)('%s', (file) => {
      const mdPath = join(ROOT, rule.name, file);
      const jsonPath = mdPath.replace(/\.md$/, '.json');
      const actual = expectedShape(readFileSync(mdPath, 'utf8'), file.replace(/\.md$/, ''));
      if (UPDATE) writeFileSync(jsonPath, `${JSON.stringify(actual, null, 2)}\n`);
      if (!existsSync(jsonPath))
        throw new Error(`${jsonPath} is missing: run npm run fixtures:update and review it`);
      expect(actual).toStrictEqual(JSON.parse(readFileSync(jsonPath, 'utf8')));
    });
  });
}
