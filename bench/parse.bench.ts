// Parse-time benchmark: `npm run bench` (builds, then runs dist/bench/parse.bench.js).
//
// For each runbook of ../shared/runbooks-devset (when present) and for generated runbooks of 350,
// 1,000 and 10,000 lines it prints the median and p95 parse time of parseRunbook, the same for the
// bare Markdown parse it is built on (mdast-util-from-markdown + GFM + front matter), measured in
// turn in the same run, and their ratio (target ≤ 1.3×, issue 20); then how the parse time grows
// from 1,000 to 10,000 lines (1.0 = linear); then each shape of bench/shapes.ts at 10 KB, 100 KB and
// 1 MB, ours and bare, with the ratio and the growth (bench/parse-shapes.ts).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbooks use ${KEY} placeholders literally
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunbook } from '../src/runbook/index.js';
import { parseMarkdown } from '../src/runbook/markdown.js';
import { benchShapes, RATIO_LIMIT } from './parse-shapes.js';

// dist/bench/parse.bench.js → the repository root, whatever the working directory.
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// ../shared beside the repository, or two levels up from a worktree (/work/wt/NAME → /work/shared).
const DEVSET =
  [join(REPO, '..', 'shared', 'runbooks-devset'), join(REPO, '..', '..', 'shared', 'runbooks-devset')].find(
    (d) => existsSync(d),
  ) ?? join(REPO, '..', 'shared', 'runbooks-devset');

const LINEARITY_LIMIT = 1.5; // "roughly linear": ms per 1,000 lines may grow by at most this factor

/** Time spent measuring each parser on one document (after warm-up), and the iteration bounds. */
const MEASURE_MS = 1_000;
const WARMUP_MS = 200;
const WARMUP_RUNS = 1;
const MIN_ITERATIONS = 7;
const MAX_ITERATIONS = 500;

/** The baseline: the bare Markdown parse (mdast-util-from-markdown with the same extensions), no walk. */
function bareParse(text: string): unknown {
  return parseMarkdown(text);
}

// ---------------------------------------------------------------------------------------------
// A deterministic generator of realistic runbooks

/** mulberry32: a tiny seeded PRNG, so the generated runbooks are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PHASES = [
  'Pre-flight checks',
  'Database migration',
  'Deploy to staging',
  'Smoke tests',
  'Canary release',
  'Production rollout',
  'Post-deploy verification',
  'Feature flags',
  'Cache warm-up',
  'Monitoring ✅',
  'ðŸš€ Launch',
];
const STEPS = [
  'Announce the release in #releases with version `${VERSION}`',
  'Confirm the change ticket is approved',
  'Check the error-rate dashboard is green',
  'Run the migration job',
  'Watch the canary dashboard for 10 minutes',
  'Monitor error logs for 30 minutes',
  'Soak for 2h before promoting',
  'Wait 90 s for the pods to settle',
  'Verify `GET /healthz` returns **200** on every pod',
  'Scale the worker pool to ${WORKERS:-4} replicas',
  'Confirm p99 latency stays below 300 ms',
  'Purge the CDN cache for `/static/*`',
  'Tick the feature flag [payments-v2](https://flags.example.com/payments-v2)',
  'Take a snapshot of the database',
  'Rotate the API keys in the vault',
  'Keep an eye on the queue depth for 1 hour',
  'Notify @support-leads that the release is live',
  'Wait until replication lag is 0',
  'Check T+1d metrics in the last 24 hours',
  'Hold for 5 min, then re-run the smoke suite',
];
const COMMANDS = [
  ['kubectl -n ${NAMESPACE:-prod} set image deploy/api api=registry.example.com/api:${VERSION}'],
  ['kubectl -n prod rollout status deploy/api --timeout 10m'],
  ['psql "$DATABASE_URL" -c "SELECT count(*) FROM schema_migrations;"'],
  ['helm upgrade --install api charts/api \\', '  --set image.tag=${VERSION} \\', '  --wait'],
  ['curl -fsS https://api.example.com/healthz', '# expect: {"status":"ok"}'],
  ['./scripts/migrate.sh --env production --dry-run', './scripts/migrate.sh --env production'],
];
const PROSE = [
  'This phase is owned by the release captain; do not start it before the go/no-go call.',
  'If 5xx rises above 1% for 5 minutes, stop and go to the rollback section.',
  'The job runs every 6 hours, so a missed run is not an incident.',
  'See the [dashboard](https://grafana.example.com/d/api) and the on-call notes.',
  'Expect roughly 2 minutes of elevated latency while connections drain.',
];
const PEOPLE = [
  ['Release captain', 'Ingrid Solberg', '+47 555 01 234', 'ingrid.solberg@example.com', '@ingrid'],
  ['DBA secondary', 'Rafael Mendes', '+55 11 5555 0190', 'rafael.mendes@example.com', '@rmendes'],
  ['SRE on-call', 'Aiko Tanaka', '+81 3 5555 0142', 'aiko.tanaka@example.com', '@aiko'],
  ['Security', 'TBD', 'N/A', 'security@example.com', '@sec-oncall'],
];

/** A realistic runbook of exactly `lineCount` lines, the same for the same seed. */
export function generateRunbook(lineCount: number, seed: number): string {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const out: string[] = [
    '---',
    `title: Service ${seed} release`,
    'params:',
    '  VERSION: 1.4.0',
    '  NAMESPACE: prod',
    'approvals:',
    '  SRE: 2',
    '---',
    `# Service ${seed} release`,
    '',
    'Run this checklist top to bottom. Tick every box.',
    '',
  ];
  let section = 0;

  const fence = (pad: string, lines: readonly string[]): string[] => {
    const marker = chance(0.8) ? '```' : '~~~';
    return [`${pad}${marker}${chance(0.7) ? 'bash' : ''}`, ...lines.map((l) => pad + l), `${pad}${marker}`];
  };

  const taskList = (rollback: boolean): string[] => {
    const block: string[] = [];
    const ordered = rollback || chance(0.3);
    const items = 3 + Math.floor(random() * 8);
    const lazy = chance(0.2); // `1. 1. 1.` numbering
    const numbers = [0, 0, 0];
    let depth = 0;
    for (let i = 0; i < items; i++) {
      const next = Math.max(0, Math.min(2, depth + (chance(0.35) ? 1 : 0) - (chance(0.3) ? 1 : 0)));
      if (next > depth) numbers[next] = 0;
      depth = i === 0 ? 0 : next;
      numbers[depth] = (numbers[depth] ?? 0) + 1;
      const pad = '  '.repeat(depth * (ordered ? 2 : 1));
      const marker = ordered ? `${lazy ? 1 : numbers[depth]}.` : pick(['-', '-', '*', '+']);
      const box = ordered && chance(0.5) ? '' : chance(0.15) ? '[x] ' : '[ ] ';
      block.push(`${pad}${marker} ${box}${pick(STEPS)}`);
      if (chance(0.15)) block.push(`${pad}${' '.repeat(marker.length + 1)}${pick(PROSE)}`);
      if (chance(0.2)) {
        block.push('');
        block.push(...fence(`${pad}${' '.repeat(marker.length + 1)}`, pick(COMMANDS)));
      }
    }
    return block;
  };

  const table = (): string[] => [
    '| Check | Owner | Status |',
    '|---|---|---|',
    ...Array.from(
      { length: 2 + Math.floor(random() * 4) },
      () => `| ${pick(STEPS)} | ${pick(PEOPLE)[0]} | ☐ |`,
    ),
  ];

  const contacts = (): string[] => [
    `## ${++section}. Contacts and escalation`,
    '',
    '| Role | Name | Phone | Email | Slack |',
    '|---|---|---|---|---|',
    ...PEOPLE.map((p) => `| ${p.join(' | ')} |`),
    '',
    '### Escalation',
    '',
    '1. Ingrid Solberg',
    '2. Rafael Mendes',
    '3. SRE on-call',
  ];

  const phase = (): string[] => {
    const rollback = chance(0.12);
    const title = rollback ? pick(['Rollback', 'Roll back the release', 'Back-out plan']) : pick(PHASES);
    const block = [
      chance(0.1)
        ? `Phase ${++section}: ${title}\n${'-'.repeat(title.length + 10)}`
        : `## ${++section}. ${title}`,
    ];
    block.push('');
    if (chance(0.4)) block.push(pick(PROSE), '');
    if (chance(0.15)) block.push('> [!WARNING]', `> ${pick(PROSE)}`, '');
    block.push(...taskList(rollback), '');
    if (chance(0.25)) block.push(...fence('', pick(COMMANDS)), '');
    if (chance(0.3)) {
      block.push(`### ${section}.1 ${pick(PHASES)}`, '', ...taskList(rollback), '');
    }
    if (chance(0.15)) block.push(...table(), '');
    if (chance(0.1))
      block.push(
        '<details>',
        '<summary>Expected output</summary>',
        '',
        ...fence('', pick(COMMANDS)),
        '',
        '</details>',
        '',
      );
    if (chance(0.1)) block.push('<!-- TODO: automate this phase -->', '');
    if (chance(0.2)) block.push(`Approved By (${pick(['SRE', 'QA', 'Release captain'])}): __________`, '');
    return block.join('\n').split('\n');
  };

  while (out.length < lineCount) {
    const block = section % 9 === 4 ? contacts() : phase();
    if (out.length + block.length > lineCount) break;
    out.push(...block);
  }
  // Top up with one-line steps so the document has exactly the asked-for number of lines.
  while (out.length < lineCount) out.push(`- [ ] ${pick(STEPS)}`);
  return `${out.slice(0, lineCount).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Timing {
  median: number;
  p95: number;
  iterations: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

function summarise(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  return { median: quantile(samples, 0.5), p95: quantile(samples, 0.95), iterations: samples.length };
}

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Times two parsers on the same text, alternating them so drift (GC, JIT, other load) hits both alike. */
function measurePair(a: () => unknown, b: () => unknown): [Timing, Timing] {
  const warmupEnd = performance.now() + WARMUP_MS;
  // At least one run each (the 10,000-line document takes seconds), more until WARMUP_MS is spent.
  for (let i = 0; i < WARMUP_RUNS || performance.now() < warmupEnd; i++) {
    a();
    b();
  }
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  const end = performance.now() + 2 * MEASURE_MS;
  while (samplesA.length < MAX_ITERATIONS && (samplesA.length < MIN_ITERATIONS || performance.now() < end)) {
    if (samplesA.length % 2 === 0) {
      samplesA.push(time(a));
      samplesB.push(time(b));
    } else {
      samplesB.push(time(b));
      samplesA.push(time(a));
    }
  }
  return [summarise(samplesA), summarise(samplesB)];
}

interface Row {
  name: string;
  lines: number;
  bytes: number;
  ours: Timing;
  bare: Timing;
}

function countLines(text: string): number {
  const lines = text.split(/\r\n|\r|\n/);
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

function bench(name: string, text: string): Row {
  const [ours, bare] = measurePair(
    () => parseRunbook(text, { fileName: name }),
    () => bareParse(text),
  );
  return { name, lines: countLines(text), bytes: Buffer.byteLength(text), ours, bare };
}

const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);

function printTable(rows: readonly Row[]): void {
  const header = [
    'document',
    'lines',
    'bytes',
    'median ms',
    'p95 ms',
    'bare median',
    'bare p95',
    'ours/bare',
    'runs',
    `≤ ${RATIO_LIMIT}x`,
  ];
  const body = rows.map((r) => [
    r.name,
    String(r.lines),
    String(r.bytes),
    ms(r.ours.median),
    ms(r.ours.p95),
    ms(r.bare.median),
    ms(r.bare.p95),
    `${(r.ours.median / r.bare.median).toFixed(2)}x`,
    String(r.ours.iterations),
    r.ours.median / r.bare.median <= RATIO_LIMIT ? 'ok' : 'OVER',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'OVER TARGET';
}

function main(): void {
  const started = performance.now();
  console.log(
    `parseRunbook benchmark — node ${process.version}, ≥ ${MEASURE_MS} ms and ≥ ${MIN_ITERATIONS} runs per parser and document, after warm-up`,
  );
  console.log(
    'median/p95: parseRunbook; bare: fromMarkdown with the same extensions (tables, task lists, front matter), no walk\n',
  );

  // Warm the JIT up on a typical runbook first, so the first document measured is not penalised.
  const typicalText = generateRunbook(350, 350);
  const warm = performance.now() + 1_000;
  while (performance.now() < warm) {
    parseRunbook(typicalText);
    bareParse(typicalText);
  }

  const rows: Row[] = [];
  if (existsSync(DEVSET)) {
    for (const file of readdirSync(DEVSET).sort()) {
      if (!/\.md$/i.test(file) || /^readme\./i.test(file)) continue;
      const path = join(DEVSET, file);
      rows.push(bench(relative(REPO, path), readFileSync(path, 'utf8')));
    }
  } else {
    console.log(`(skipping the dev set: ${relative(REPO, DEVSET)} not found)\n`);
  }
  const typical = bench('generated 350 lines', typicalText);
  const small = bench('generated 1,000 lines', generateRunbook(1_000, 1_000));
  const large = bench('generated 10,000 lines', generateRunbook(10_000, 10_000));
  rows.push(typical, small, large);
  printTable(rows);
  console.log('');
  for (const [name, lines] of [
    ['generated 350 lines', 350],
    ['generated 1,000 lines', 1_000],
    ['generated 10,000 lines', 10_000],
  ] as const) {
    const runbook = parseRunbook(generateRunbook(lines, lines));
    const count = (n: number, what: string) => `${n} ${what}`;
    console.log(
      `${name}: ${[
        count(runbook.phases.length, 'phases'),
        count(runbook.steps.length, 'steps'),
        count(runbook.steps.filter((s) => s.depth > 0).length, 'nested'),
        count(runbook.steps.filter((s) => s.rollback).length, 'rollback'),
        count(
          runbook.steps.reduce((n, s) => n + s.commands.length, 0),
          'commands',
        ),
        count(runbook.steps.filter((s) => s.wait).length, 'waits'),
        count(runbook.approvals.length, 'approvals'),
        count(runbook.contacts.length, 'contacts'),
      ].join(', ')}`,
    );
  }

  const perK = (r: Row, t: Timing) => t.median / (r.lines / 1000);
  const growth = perK(large, large.ours) / perK(small, small.ours);
  const bareGrowth = perK(large, large.bare) / perK(small, small.bare);
  console.log('');
  console.log(
    `ms per 1,000 lines: 1,000-line ${ms(perK(small, small.ours))}, 10,000-line ${ms(perK(large, large.ours))}` +
      ` → ratio ${growth.toFixed(2)} (1.0 = linear; bare parse ${bareGrowth.toFixed(2)})`,
  );
  console.log('');
  console.log('targets:');
  const worst = rows.reduce((w, r) => Math.max(w, r.ours.median / r.bare.median), 0);
  console.log(
    `  ours ÷ bare ≤ ${RATIO_LIMIT}× on every document above   worst ${worst.toFixed(2)}×   ${verdict(worst <= RATIO_LIMIT)}`,
  );
  console.log(
    `  roughly linear     ratio ≤ ${LINEARITY_LIMIT}    ratio ${growth.toFixed(2)}   ${verdict(growth <= LINEARITY_LIMIT)}`,
  );
  console.log('');
  benchShapes();
  console.log(`\n(benchmark took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

// Run only when executed, so other scripts can import the generator.
if (process.argv[1] === fileURLToPath(import.meta.url)) main();
