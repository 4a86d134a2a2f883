// The escalation timeout is stored in whole minutes: values the database cannot hold are refused when
// the file is read, with the line and key, instead of failing later when a rollback starts.
import { describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/directory/load-directory.js';
import { parseRunbook } from '../../src/runbook/index.js';

function errorsOf(yaml: string): string[] {
  const result = parseDirectory(yaml, 'directory.yml');
  return result.ok ? [] : result.errors;
}

describe('escalation.timeout_minutes', () => {
  it('refuses a fraction, zero, a negative number and more than a day, with line and key', () => {
    for (const value of ['0.1', '2.5', '0', '-3', '1441']) {
      expect(errorsOf(`escalation:\n  timeout_minutes: ${value}\n`), value).toEqual([
        expect.stringMatching(
          /:2:3?\d*:? ?escalation\.timeout_minutes: must be a whole number of minutes from 1 to 1440$/,
        ),
      ]);
    }
  });

  it('accepts whole minutes from 1 to 1440', () => {
    for (const value of ['1', '5', '1440'])
      expect(errorsOf(`escalation:\n  timeout_minutes: ${value}\n`)).toEqual([]);
  });

  it('in a runbook front matter, a fraction is a front_matter_invalid warning, not a stored value', () => {
    const runbook = parseRunbook(
      '---\nescalation:\n  timeout_minutes: 0.5\n---\n# T\n\n## Deploy\n\n- [ ] Ship\n',
    );
    expect(runbook.frontMatter.escalationTimeoutMinutes).toBeNull();
    const warnings = runbook.diagnostics.filter((d) => d.code === 'runbook.front_matter_invalid');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/escalation\.timeout_minutes: must be a whole number of minutes from 1 to 1440/),
    ]);
  });
});
