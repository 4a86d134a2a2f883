// Each shape of bench/shapes.ts at 10 KB, 100 KB and 1 MB: parseRunbook against micromark + mdast
// alone (mdast-util-from-markdown with the same extensions on the whole text, no pieces), measured
// in turn in the same run. Targets (issue 20): ours ÷ bare ≤ 1.3× for every shape and size, and the
// growth of ms per KB from 10 KB to 1 MB within 2× wherever micromark's own growth is.
import { parseMarkdown } from '../src/runbook/markdown.js';
import { parseRunbook } from '../src/runbook/parse.js';
import { SHAPES } from './shapes.js';

const SIZES_KB = [10, 100, 1024];
export const RATIO_LIMIT = 1.3;
const GROWTH_LIMIT = 2;
/** Time spent per shape and size, and the runs it takes at least. */
const BUDGET_MS = 1_500;
const MIN_RUNS = 3;
/** micromark on the whole text is skipped at 1 MB when it would take longer than this. */
const BARE_SKIP_MS = 30_000;

/** Medians of two parsers on one text, run in turn (a, b, b, a, …) so drift hits both alike. */
function medianPair(a: () => unknown, b: (() => unknown) | null): [number, number] {
  a();
  b?.();
  const samples: [number[], number[]] = [[], []];
  const end = performance.now() + BUDGET_MS;
  const time = (run: () => unknown) => {
    const start = performance.now();
    run();
    return performance.now() - start;
  };
  while (samples[0].length < MIN_RUNS || (performance.now() < end && samples[0].length < 200)) {
    const flip = samples[0].length % 2 === 1;
    if (flip && b) samples[1].push(time(b));
    samples[0].push(time(a));
    if (!flip && b) samples[1].push(time(b));
  }
  const median = (s: number[]) => s.sort((x, y) => x - y)[Math.floor(s.length / 2)] ?? Number.NaN;
  return [median(samples[0]), b ? median(samples[1]) : Number.NaN];
}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

/** Prints one row per shape; returns whether every shape meets both targets. */
export function benchShapes(): boolean {
  console.log(
    `ms per KB (median) of parseRunbook and of micromark + mdast alone ("bare"), in turn, at ${SIZES_KB.map((k) => `${k} KB`).join(' / ')}\n`,
  );
  const header = [
    'shape',
    ...SIZES_KB.flatMap((k) => [`ours ${k}K`, `bare ${k}K`, `ratio ${k}K`]),
    'growth ours',
    'growth bare',
  ];
  const width = (i: number) => (i ? 12 : 14);
  const row = (cells: string[]) =>
    cells.map((c, i) => (i ? c.padStart(width(i)) : c.padEnd(width(i)))).join('');
  console.log(row(header));
  let ok = true;
  const failures: string[] = [];
  for (const shape of SHAPES) {
    const ours: number[] = [];
    const bare: number[] = [];
    for (const [i, kbWanted] of SIZES_KB.entries()) {
      const text = shape.build(kbWanted * 1024);
      const kb = text.length / 1024;
      const previous = bare[i - 1];
      const previousKb = i ? (SIZES_KB[i - 1] ?? 1) : 1;
      // Quadratic extrapolation when micromark grew by more than 2×: skip what would take too long.
      const superlinear = previous !== undefined && previous > GROWTH_LIMIT * (bare[0] ?? previous);
      const predicted = previous === undefined ? 0 : previous * kb * (superlinear ? kb / previousKb : 1);
      const skipBare = predicted > BARE_SKIP_MS;
      const [o, b] = medianPair(() => parseRunbook(text), skipBare ? null : () => parseMarkdown(text));
      ours.push(o / kb);
      bare.push(b / kb);
    }
    const cells = [shape.name];
    for (const [i, kb] of SIZES_KB.entries()) {
      const ratio = (ours[i] ?? 0) / (bare[i] ?? Number.NaN);
      const within = !Number.isFinite(ratio) || ratio <= RATIO_LIMIT;
      if (!within) failures.push(`${shape.name} at ${kb} KB: ${ratio.toFixed(2)}×`);
      cells.push(
        f(ours[i] ?? Number.NaN),
        f(bare[i] ?? Number.NaN),
        Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'bare skip',
      );
    }
    const growth = (ours[2] ?? 0) / (ours[0] ?? 1);
    const bareGrowth = (bare[2] ?? Number.NaN) / (bare[0] ?? 1);
    // Our growth is held to 2× where micromark's own is within 2× (or was too slow to measure at 1 MB: then not).
    if (Number.isFinite(bareGrowth) && bareGrowth <= GROWTH_LIMIT && growth > GROWTH_LIMIT) {
      failures.push(
        `${shape.name}: growth ${growth.toFixed(2)}× where micromark's is ${bareGrowth.toFixed(2)}×`,
      );
    }
    cells.push(
      `${growth.toFixed(2)}x`,
      Number.isFinite(bareGrowth) ? `${bareGrowth.toFixed(2)}x` : 'skipped',
    );
    console.log(row(cells));
  }
  ok = failures.length === 0;
  console.log(
    `\ntargets: ours ÷ bare ≤ ${RATIO_LIMIT}× for every shape and size; growth 10 KB → 1 MB ≤ ${GROWTH_LIMIT}× where micromark's own is: ${ok ? 'ok' : 'OVER TARGET'}`,
  );
  for (const failure of failures) console.log(`  over: ${failure}`);
  return ok;
}
