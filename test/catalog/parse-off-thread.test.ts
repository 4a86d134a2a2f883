// The catalog parses off the event loop with a time limit: one clear answer over the limit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes.js';
import {
  createRunbookParser,
  describeParseFailure,
  findWorkerFile,
  IN_PROCESS_MAX_CHARS,
} from '../../src/catalog/parse-off-thread.js';
import { createRunbookCatalog } from '../../src/catalog/runbook-catalog.js';

const SMALL = '# Small\n\n## Deploy\n\n- [ ] Ship\n\n## Rollback\n\n1. Revert\n';
const big = () => SHAPES.find((s) => s.name === 'many items')?.build(1024 * 1024) ?? '';

describe('parsing off the event loop', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  function folder(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'deploybot-catalog-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.md`), text);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  it('finds the compiled worker (npm test builds first), so parses run off the calling process (a child process)', () => {
    expect(findWorkerFile()).toMatch(/parse-worker\.js$/);
    const parser = createRunbookParser({ timeLimitMs: 10_000 });
    cleanups.push(() => parser.close());
    expect(parser.mode).toBe('worker');
  });

  it('gives the same runbook as parsing in this thread', async () => {
    const parser = createRunbookParser({ timeLimitMs: 10_000, inProcessMaxChars: 0 });
    cleanups.push(() => parser.close());
    const here = createRunbookParser({ timeLimitMs: 10_000, workerFile: null });
    const [there, local] = await Promise.all([parser.parse(SMALL), here.parse(SMALL)]);
    expect(there).toStrictEqual(local);
    expect(there.ok && there.runbook.steps.map((s) => s.title)).toEqual(['Ship', 'Revert']);
  });

  it('answers a runbook over the time limit with one clear problem, and still parses the next one', async () => {
    const catalog = createRunbookCatalog(folder({ big: big(), small: SMALL }), { parseTimeLimitMs: 1 });
    cleanups.push(() => catalog.close());
    const loaded = await catalog.load('big');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problem.code).toBe('runbook.too_slow');
    expect(loaded.problem.message).toMatch(/^`big` is too big to read: parsing it took longer than 0 s/);
    // The limit is per parse: the worker was replaced, and a small runbook still has its chance.
    const roomy = createRunbookCatalog(folder({ small: SMALL }), { parseTimeLimitMs: 10_000 });
    cleanups.push(() => roomy.close());
    const small = await roomy.load('small');
    expect(small.ok && small.entry.runbook.steps).toHaveLength(2);
  });

  it("answers a runbook over the worker's memory limit as too big, and still parses the next one", async () => {
    const parser = createRunbookParser({ timeLimitMs: 60_000, memoryLimitMb: 16 });
    cleanups.push(() => parser.close());
    const outcome = await parser.parse(big());
    expect(outcome).toEqual({ ok: false, reason: 'too_big', limitMb: 16 });
    if (outcome.ok) return;
    expect(describeParseFailure('big', outcome)).toBe(
      '`big` is too big to read: parsing it needed more than 16 MB of memory, so the bot stopped. Split it into smaller runbooks.',
    );
    const small = await parser.parse(SMALL);
    expect(small.ok && small.runbook.steps).toHaveLength(2);
  });

  // The child here is a script that exits at once: a runbook that reaches it gets `failed`.
  function parserWithoutChild(): ReturnType<typeof createRunbookParser> {
    const dir = mkdtempSync(join(tmpdir(), 'deploybot-no-parser-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const workerFile = join(dir, 'exits.mjs');
    writeFileSync(workerFile, 'process.exit(3);\n');
    const parser = createRunbookParser({ timeLimitMs: 10_000, workerFile });
    cleanups.push(() => parser.close());
    return parser;
  }

  it(`parses a runbook of up to ${IN_PROCESS_MAX_CHARS} characters in this process, a longer one in the child`, async () => {
    const parser = parserWithoutChild();
    const padded = (chars: number) => `${SMALL}\n${'x'.repeat(chars - SMALL.length - 2)}\n`;
    const atBound = await parser.parse(padded(IN_PROCESS_MAX_CHARS));
    expect(atBound.ok && atBound.runbook.steps.map((s) => s.title)).toEqual(['Ship', 'Revert']);
    expect(await parser.parse(padded(IN_PROCESS_MAX_CHARS + 1))).toEqual({
      ok: false,
      reason: 'failed',
      message: 'the parser stopped (exit code 3)',
    });
  });

  it('gives a short runbook over the time limit the same answer in this process', async () => {
    const parser = createRunbookParser({ timeLimitMs: 1e-9, workerFile: join(tmpdir(), 'no-such.js') });
    expect(await parser.parse(SMALL)).toEqual({ ok: false, reason: 'too_slow', limitMs: 1e-9 });
  });

  // The worst inputs found for micromark, one line each at the bound: a line of list markers opens
  // one nested list per marker (it grows about with the cube of its length: 138 s at 64 KiB).
  it('parses the worst inputs known at the in-process bound quickly', async () => {
    const parser = parserWithoutChild();
    const head = '# One line\n\n## Deploy\n\n- [ ] go\n\n';
    for (const unit of ['+ ', '1. ', '- 1. ', '> ', '|a', '[a](', '*a ', '` ']) {
      const text = `${head}${unit.repeat(IN_PROCESS_MAX_CHARS).slice(0, IN_PROCESS_MAX_CHARS - head.length - 1)}\n`;
      expect(text).toHaveLength(IN_PROCESS_MAX_CHARS);
      const started = performance.now();
      const outcome = await parser.parse(text);
      expect(outcome.ok, unit).toBe(true);
      // ~75 ms at worst on an idle machine, cold; the limit leaves room for a loaded one.
      expect(performance.now() - started, unit).toBeLessThan(2_000);
    }
  });

  it('keeps answering timers on this thread while a 1 MB runbook parses', async () => {
    const parser = createRunbookParser({ timeLimitMs: 60_000 });
    let parsed = false;
    const parse = parser.parse(big()).then((outcome) => {
      parsed = true;
      return outcome;
    });
    let ticks = 0;
    while (!parsed && ticks < 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (!parsed) ticks++;
    }
    expect({ ticks, parsed }).toEqual({ ticks: 5, parsed: false });
    // No need to wait for the end: closing stops the worker and answers the job.
    await parser.close();
    expect(await parse).toEqual({ ok: false, reason: 'failed', message: 'parser closed' });
  });
});
