// End-to-end tests of `deploybot check`: runs the real bin/deploybot (the compiled CLI) on temp files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO, 'bin', 'deploybot');
const ENTRY = join(REPO, 'dist', 'src', 'cli', 'main.js');

// biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook placeholder, written literally
const VERSION = '${VERSION}';

const CLEAN = `---
title: Payments API release
params:
  VERSION: 1.4.0
---
# Payments API release

## 1. Deploy
- [ ] Announce the release of ${VERSION} in #releases
- [ ] Deploy the canary
  \`\`\`bash
  kubectl -n payments set image deploy/api api=registry/api:${VERSION}
  \`\`\`
- [ ] Watch the canary dashboard for 10 minutes
  - [ ] Error rate below 0.1%

Approved By (SRE): ________

## 2. Rollback
1. [ ] Revert the image
   \`\`\`bash
   kubectl -n payments rollout undo deploy/api
   \`\`\`

## Contacts
| Role | Name | Phone | Email | Slack |
|---|---|---|---|---|
| DBA secondary | Rafael Mendes | +55 11 5555 0190 | rafael.mendes@example.com | @rmendes |
`;

const NO_STEPS = '# Release notes\n\nJust prose: nothing to tick off.\n';

/** The lines `check` prints for people: a header, a summary, an escalation order, diagnostics. */
const HEADER = /^(?<file>\S.*\.md): (?<title>.+)$/;
const SUMMARY =
  /^ {2}\d+ phases?, \d+ steps? \(\d+ rollback\), \d+ approvals?, \d+ waits?, \d+ contacts?, \d+ commands?$/;
const ESCALATION = /^ {2}escalation: .+$/;
const DIAGNOSTIC =
  /^(?<file>\S.*\.md):(?<line>[1-9]\d*):(?<column>[1-9]\d*) (?<severity>error|warning|info) (?<code>runbook\.[a-z_]+) (?<message>\S.*)$/;

let dir: string;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/deploybot with the arguments, in the temp folder. */
function deploybot(...args: string[]): Result {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env,
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return name;
}

/** One line on stderr, naming the target and the problem, with no stack trace and nothing on stdout. */
function expectOneClearError(result: Result, target: string, problem: RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((l) => l.trim());
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(target);
  expect(lines[0]).toMatch(problem);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:|internal error|node:internal/);
}

beforeAll(() => {
  if (!existsSync(ENTRY)) {
    execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'pipe', shell: process.platform === 'win32' });
  }
  dir = mkdtempSync(join(tmpdir(), 'deploybot-check-'));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('deploybot check --json <file>', () => {
  it('prints exactly one JSON object on stdout and nothing else', () => {
    const result = deploybot('check', '--json', file('clean.md', CLEAN));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary: unknown = JSON.parse(result.stdout);
    expect(summary).toBeTypeOf('object');
    expect(Array.isArray(summary)).toBe(false);
    expect(summary).toMatchObject({
      phases: ['1. Deploy', '2. Rollback', 'Contacts'],
      stepCount: 5,
      rollbackSteps: 1,
      commands: 2,
      approvals: ['SRE'],
      waits: [{ step: 'Watch the canary dashboard for 10 minutes', minutes: 10 }],
      contacts: [
        {
          role: 'DBA secondary',
          name: 'Rafael Mendes',
          phone: '+55 11 5555 0190',
          email: 'rafael.mendes@example.com',
          handle: '@rmendes',
        },
      ],
      diagnostics: [],
    });
  });

  it('still prints one object, and exits 1, for a runbook with no steps', () => {
    const result = deploybot('check', '--json', file('json/no-steps.md', NO_STEPS));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout) as { stepCount: number; diagnostics: { code: string }[] };
    expect(summary.stepCount).toBe(0);
    expect(summary.diagnostics.map((d) => d.code)).toContain('runbook.no_steps');
  });

  it('prints an array, one summary per runbook, for a folder', () => {
    file('json-dir/a.md', CLEAN);
    file('json-dir/b.md', CLEAN);
    const result = deploybot('check', '--json', 'json-dir');
    expect(result.status).toBe(0);
    const summaries = JSON.parse(result.stdout) as { file: string; stepCount: number }[];
    expect(summaries.map((s) => [s.file, s.stepCount])).toEqual([
      [join('json-dir', 'a.md'), 5],
      [join('json-dir', 'b.md'), 5],
    ]);
  });

  it('prints nothing on stdout when the only file cannot be read', () => {
    const result = deploybot('check', '--json', file('json/binary.md', Buffer.from('a\0b')));
    expectOneClearError(result, 'binary.md', /binary/i);
  });
});

describe('deploybot check <file|dir>', () => {
  it('stops quietly when what reads its output has closed the pipe (check … | head)', () => {
    const target = file('pipe/clean.md', CLEAN);
    const result = spawnSync(
      'bash',
      ['-c', `"$0" "$1" check "$2" | true; exit "\${PIPESTATUS[0]}"`, process.execPath, BIN, target],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 30_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('exits 0 for a clean runbook and prints a summary with no diagnostics', () => {
    const result = deploybot('check', file('one/clean.md', CLEAN));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${join('one', 'clean.md')}: Payments API release`,
      '  3 phases, 5 steps (1 rollback), 1 approval, 1 wait, 1 contact, 2 commands',
    ]);
  });

  it('exits 1 and reports file:line:col error runbook.no_steps for a runbook with no steps', () => {
    const result = deploybot('check', file('one/no-steps.md', NO_STEPS));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `${join('one', 'no-steps.md')}:1:1 error runbook.no_steps no steps found`,
    );
  });

  it('summarises every runbook of a folder for people, skipping its README and run reports', () => {
    file('folder/clean.md', CLEAN);
    file('folder/no-steps.md', NO_STEPS);
    file('folder/README.md', NO_STEPS);
    file('folder/clean.run-2026-01-05-1a2b3c4d.md', NO_STEPS);
    file('folder/notes.txt', NO_STEPS);
    const result = deploybot('check', 'folder/');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) {
      expect(
        [HEADER, SUMMARY, ESCALATION, DIAGNOSTIC].some((re) => re.test(line)),
        line,
      ).toBe(true);
    }
    const headers = lines.filter((l) => SUMMARY.test(l) === false && !DIAGNOSTIC.test(l));
    expect(headers).toEqual([
      `${join('folder', 'clean.md')}: Payments API release`,
      `${join('folder', 'no-steps.md')}: Release notes`,
    ]);
    expect(lines.filter((l) => SUMMARY.test(l))).toHaveLength(2);
    const diagnostics = lines.flatMap((l) => {
      const groups = DIAGNOSTIC.exec(l)?.groups;
      return groups ? [groups] : [];
    });
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        file: join('folder', 'no-steps.md'),
        line: '1',
        column: '1',
        severity: 'error',
        code: 'runbook.no_steps',
      }),
    );
    expect(diagnostics.every((d) => d.file === join('folder', 'no-steps.md'))).toBe(true);
    expect(result.stdout).not.toMatch(/README|notes\.txt|\.run-2026/);
  });

  it('exits 0 for a folder whose only problem file is its README', () => {
    file('readme-only/clean.md', CLEAN);
    file('readme-only/README.md', NO_STEPS);
    const result = deploybot('check', 'readme-only');
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('README');
  });
});

describe('deploybot check on what is not a runbook', () => {
  it('a missing file: one line on stderr, exit 2', () => {
    expectOneClearError(deploybot('check', 'missing.md'), 'missing.md', /no such file/i);
  });

  it('an empty folder: one line on stderr, exit 2', () => {
    mkdirSync(join(dir, 'empty'));
    expectOneClearError(deploybot('check', 'empty'), 'empty', /no runbooks/i);
  });

  it('a folder with nothing but a README: one line on stderr, exit 2', () => {
    file('docs-only/README.md', CLEAN);
    expectOneClearError(deploybot('check', 'docs-only'), 'docs-only', /no runbooks/i);
  });

  it('a binary file (NUL bytes): one line on stderr, exit 2', () => {
    const name = file('binary.md', Buffer.from([0x23, 0x20, 0x54, 0x00, 0x01, 0x02, 0x0a]));
    expectOneClearError(deploybot('check', name), name, /binary/i);
  });

  it('a file that is not UTF-8 (0xff 0xfe 0x41): one line on stderr, exit 2', () => {
    const name = file('latin.md', Buffer.from([0xff, 0xfe, 0x41]));
    expectOneClearError(deploybot('check', name), name, /UTF-8/);
  });

  it('a 3 MiB file: one line on stderr, exit 2', () => {
    const name = file('huge.md', Buffer.alloc(3 * 1024 * 1024, '- [ ] step\n'));
    expectOneClearError(deploybot('check', name), name, /MiB|too large|limit/i);
  });

  it('a runbook over the time limit: the "too big" answer of the bot on stderr, exit 2', () => {
    const name = file('slow.md', CLEAN);
    const result = deploybot('check', '--time-limit', '0.001', name);
    expectOneClearError(result, name, /is too big to read: parsing it took longer than 0 s/);
  });

  // The parse runs in a child process: out of memory, V8 aborts that process, never `check` itself
  // (in a worker thread it sometimes aborted the whole process, and this test failed by signal).
  it('a 2 MiB line of emphasis markers: "too big" within the time limit, the parser held to its memory', {
    timeout: 30_000,
  }, () => {
    const M = 2 * 1024 * 1024;
    const name = file(
      'one-line.md',
      `# One line\n\n## Deploy\n\n- [ ] go\n\n${'*a '.repeat(M / 3).slice(0, M - 64)}\n`,
    );
    const started = performance.now();
    const result = deploybot('check', '--time-limit', '20', name);
    expect(performance.now() - started).toBeLessThan(25_000);
    expectOneClearError(
      result,
      name,
      /is too big to read: parsing it (?:took longer than 20 s|needed more than 512 MB)/,
    );
  });

  it('--time-limit takes seconds above 0: anything else is a usage error', () => {
    for (const flag of [['--time-limit', '0'], ['--time-limit=-1'], ['--time-limit', 'soon']]) {
      const result = deploybot('check', ...flag, 'a.md');
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/--time-limit takes a number of seconds/);
    }
  });

  it('no target, or two: usage on stderr, exit 2, no stack trace', () => {
    for (const args of [['check'], ['check', 'a.md', 'b.md']]) {
      const result = deploybot(...args);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/usage: deploybot check/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  // The yaml package once printed Node warnings for front matter like this one.
  it('writes nothing to stderr for front matter the YAML library warns about', () => {
    const result = deploybot('check', file('yaml-warning.md', `---\n&x: 1\n---\n${CLEAN.split('---\n')[2]}`));
    expect(result.stderr).toBe('');
  });
});

describe('deploybot check with a directory file', () => {
  const roles = 'roles:\n  SRE:\n    users: [U0SRE0001]\n';

  it('reads directory.yml beside the runbooks and warns about approval roles it does not map', () => {
    file('with-dir/directory.yml', roles);
    file('with-dir/release.md', CLEAN.replace('Approved By (SRE)', 'Approved By (QA)'));
    const result = deploybot('check', 'with-dir');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^with-dir\/release\.md:\d+:1 warning runbook\.approval_unmapped approval role "QA" is not in the directory/m,
    );
  });

  it('is quiet about roles the directory maps', () => {
    file('mapped/directory.yml', roles);
    file('mapped/release.md', CLEAN);
    const result = deploybot('check', '--json', 'mapped/release.md');
    const summary = JSON.parse(result.stdout) as { diagnostics: { code: string }[] };
    expect(summary.diagnostics.map((d) => d.code)).not.toContain('runbook.approval_unmapped');
  });

  it('--directory with a file that does not validate: one clear line, exit 2', () => {
    file('bad-directory.yml', 'roles:\n  SRE:\n    required: 0\n');
    const result = deploybot('check', '--directory', 'bad-directory.yml', file('r.md', CLEAN));
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/bad-directory\.yml.*roles\.SRE/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
