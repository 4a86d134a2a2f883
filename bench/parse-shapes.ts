// Parse time per KB of each shape of bench/shapes.ts at 10 KB, 100 KB and 1 MB (target: within 2×
// between 10 KB and 1 MB), next to micromark's own (mdast-util-from-markdown on the whole text, no
// pieces), which is measured apart because it is superlinear on some shapes.
import { parseMarkdown } from '../src/runbook/markdown.js';
import { parseRunbook } from '../src/runbook/parse.js';
import { SHAPES } from './shapes.js';

const SIZES_KB = [10, 100, 1024];
const GROWTH_LIMIT = 2;
/** Time spent per shape and size, and the runs it takes at least. */
const BUDGET_MS = 1_500;
const MIN_RUNS = 3;
/** micromark on the whole text is skipped at 1 MB when it would take longer than this. */
const BARE_SKIP_MS = 30_000;

function medianMs(run: () => unknown, budgetMs = BUDGET_MS): number {
  run(); // warm-up
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  while (samples.length < MIN_RUNS || (performance.now() < end && samples.length < 200)) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

/** Prints one row per shape; returns whether every shape stays within the growth limit. */
export function benchShapes(): boolean {
  console.log(
    `ms per KB of parseRunbook (median) at ${SIZES_KB.map((k) => `${k} KB`).join(' / ')}; bare = micromark alone on the whole text\n`,
  );
  const header = [
    'shape',
    ...SIZES_KB.map((k) => `${k} KB`),
    '1MB/10KB',
    'bare 10 KB',
    'bare 100 KB',
    'bare 1 MB',
    'bare 1MB/10KB',
  ];
  console.log(header.map((h, i) => (i ? h.padStart(14) : h.padEnd(14))).join(''));
  let ok = true;
  for (const shape of SHAPES) {
    const texts = SIZES_KB.map((kb) => shape.build(kb * 1024));
    const ours = texts.map((t) => medianMs(() => parseRunbook(t)) / (t.length / 1024));
    const bare: number[] = [];
    for (const [i, t] of texts.entries()) {
      const kb = t.length / 1024;
      const previous = bare[i - 1];
      const previousKb = (texts[i - 1]?.length ?? 1) / 1024;
      // Quadratic extrapolation when the last step grew by more than 2x: skip what would take too long.
      const superlinear = previous !== undefined && previous > GROWTH_LIMIT * (bare[0] ?? previous);
      const predicted = previous === undefined ? 0 : previous * kb * (superlinear ? kb / previousKb : 1);
      bare.push(predicted > BARE_SKIP_MS ? Number.NaN : medianMs(() => parseMarkdown(t), 500) / kb);
    }
    const growth = (ours[2] ?? 0) / (ours[0] ?? 1);
    const bareGrowth = (bare[2] ?? Number.NaN) / (bare[0] ?? 1);
    ok &&= growth <= GROWTH_LIMIT;
    const cells = [
      ...ours.map(f),
      `${growth.toFixed(2)}x ${growth <= GROWTH_LIMIT ? 'ok' : 'OVER'}`,
      ...bare.map(f),
    ];
    cells.push(Number.isFinite(bareGrowth) ? `${bareGrowth.toFixed(2)}x` : 'skipped');
    console.log([shape.name.padEnd(14), ...cells.map((c) => c.padStart(14))].join(''));
  }
  console.log(
    `\ntarget: ms per KB within ${GROWTH_LIMIT}x between 10 KB and 1 MB for every shape: ${ok ? 'ok' : 'OVER TARGET'}`,
  );
  return ok;
}
