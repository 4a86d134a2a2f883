// Property-based fuzzing of the runbook parser: whatever Markdown comes in, the model that comes out
// must hang together (ids, phases, parents, diagnostics) and must not depend on line endings.
//
// The seed is fixed so CI is deterministic; fast-check prints the seed and the shrunk counterexample
// on failure. Explore other seeds locally with FUZZ_SEED=<n> (or FUZZ_SEED=random) and scale the
// number of runs with FUZZ_RUNS=<factor>, e.g. `FUZZ_SEED=random FUZZ_RUNS=10 npx vitest run test/runbook/fuzz.test.ts`.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbooks use ${KEY} placeholders literally
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SHAPES } from '../../bench/shapes.js';
import { parseInChunks } from '../../src/runbook/chunks.js';
import {
  buildSummary,
  type DiagnosticCode,
  parseRunbook,
  type Runbook,
  type Severity,
} from '../../src/runbook/index.js';
import { parseMarkdown } from '../../src/runbook/markdown.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEED_ENV = process.env.FUZZ_SEED;
const SEED =
  SEED_ENV === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(SEED_ENV ?? '') || 0x5eed_2025;
const SCALE = Number(process.env.FUZZ_RUNS ?? '') || 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Generous: the runs are fixed, so on a slow or busy machine they take longer rather than fewer. */
const TIMEOUT = 120_000 * SCALE;
const settings = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs(numRuns) });

// Typed as records so that tsc fails here when the model gains a severity or a code.
const SEVERITY: Record<Severity, true> = { error: true, warning: true, info: true };
const CODE: Record<DiagnosticCode, true> = {
  'runbook.no_steps': true,
  'runbook.no_rollback': true,
  'runbook.rollback_without_steps': true,
  'runbook.contact_unreachable': true,
  'runbook.escalation_unknown': true,
  'runbook.approval_unmapped': true,
  'runbook.placeholder_no_default': true,
  'runbook.front_matter_invalid': true,
  'runbook.unclosed_fence': true,
  'runbook.wait_without_duration': true,
};
const SEVERITIES = new Set(Object.keys(SEVERITY));
const CODES = new Set(Object.keys(CODE));

// ---------------------------------------------------------------------------------------------
// The invariants

function fail(message: string, detail?: unknown): never {
  throw new Error(detail === undefined ? message : `${message}: ${JSON.stringify(detail)}`);
}

/** Parses `text` and checks every structural invariant of the model; returns the runbook. */
function checkInvariants(text: string, options: { knownRoles?: readonly string[] } = {}): Runbook {
  const runbook = parseRunbook(text, { fileName: 'fuzz', ...options });
  const { phases, steps, approvals, diagnostics } = runbook;

  const rollbackSteps = steps.filter((s) => s.rollback).length;
  if (steps.length < rollbackSteps) fail('more rollback steps than steps');

  const phaseIds = new Set(phases.map((p) => p.id));
  if (phaseIds.size !== phases.length)
    fail(
      'phase ids are not unique',
      phases.map((p) => p.id),
    );
  const stepIds = new Set(steps.map((s) => s.id));
  if (stepIds.size !== steps.length)
    fail(
      'step ids are not unique',
      steps.map((s) => s.id),
    );
  const approvalIds = new Set(approvals.map((a) => a.id));
  if (approvalIds.size !== approvals.length) fail('approval ids are not unique');

  const indexOfStep = new Map(steps.map((s, i) => [s.id, i]));
  steps.forEach((step, i) => {
    const phase = phases[step.phaseIndex];
    if (!Number.isInteger(step.phaseIndex) || !phase) fail('step.phaseIndex points at no phase', step);
    if (!phase.stepIds.includes(step.id)) fail("step is missing from its phase's stepIds", step);
    if (step.rollback !== phase.rollback) fail('step.rollback differs from its phase', step);
    if (!Number.isInteger(step.line) || step.line < 1) fail('step.line < 1', step);
    if (!Number.isInteger(step.depth) || step.depth < 0) fail('step.depth < 0', step);
    if (step.parentId === null) {
      if (step.depth !== 0) fail('step without parent has depth > 0', step);
    } else {
      const parentIndex = indexOfStep.get(step.parentId);
      if (parentIndex === undefined) fail('step.parentId refers to no step', step);
      if (parentIndex >= i) fail('step.parentId refers to a later step', step);
      if (steps[parentIndex]?.depth !== step.depth - 1) fail("parent's depth is not depth - 1", step);
    }
    for (const command of step.commands) {
      if (command.code.includes('\r')) fail('command code keeps a \\r', command);
      if (command.line < 1) fail('command line < 1', command);
    }
    if (step.wait && !(Number.isFinite(step.wait.minutes) && step.wait.minutes > 0))
      fail('wait minutes not a positive finite number', step.wait);
  });

  // The other direction: phases list exactly the steps that point at them, in document order.
  const listed = phases.flatMap((p, pi) =>
    p.stepIds.map((id) => {
      const si = indexOfStep.get(id);
      if (si === undefined) fail('phase.stepIds lists an unknown step', { phase: p.title, id });
      if (steps[si]?.phaseIndex !== pi) fail('phase.stepIds lists a step of another phase', { id });
      return si;
    }),
  );
  if (listed.length !== steps.length) fail('phases do not list every step exactly once');
  phases.forEach((p) => {
    if (!(p.level >= 0 && p.level <= 6)) fail('phase level out of range', p);
    if (p.line < 1) fail('phase line < 1', p);
  });

  const nonRollback = steps.length - rollbackSteps;
  for (const a of approvals) {
    if (a.phaseIndex !== null && !(Number.isInteger(a.phaseIndex) && phases[a.phaseIndex]))
      fail('approval.phaseIndex points at no phase', a);
    if (a.stepsBefore < 0 || a.stepsBefore > nonRollback) fail('approval.stepsBefore out of range', a);
    if (!(a.required >= 1)) fail('approval.required < 1', a);
  }

  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const d of diagnostics) {
    if (!Number.isInteger(d.line) || d.line < 1 || d.line > lineCount) fail('diagnostic line', d);
    if (!Number.isInteger(d.column) || d.column < 1) fail('diagnostic column', d);
    if (!SEVERITIES.has(d.severity)) fail('diagnostic severity', d);
    if (!CODES.has(d.code)) fail('diagnostic code', d);
    if (typeof d.message !== 'string' || !d.message) fail('diagnostic message', d);
  }
  if ((steps.length === 0) !== diagnostics.some((d) => d.code === 'runbook.no_steps'))
    fail('runbook.no_steps must be reported exactly when there are no steps');

  const summary = buildSummary(runbook);
  if (summary.stepCount !== steps.length) fail('summary.stepCount !== steps.length');
  if (summary.rollbackSteps !== rollbackSteps) fail('summary.rollbackSteps');
  const roundTrip: unknown = JSON.parse(JSON.stringify(summary));
  if (!isDeepStrictEqual(roundTrip, summary)) {
    expect(roundTrip, 'summary is not JSON-serialisable as is').toStrictEqual(summary);
  }

  const again = parseRunbook(text, { fileName: 'fuzz', ...options });
  if (!isDeepStrictEqual(again, runbook)) {
    expect(again, 'parsing the same text twice differs').toStrictEqual(runbook);
  }
  return runbook;
}

/** The parts of the summary that must not depend on line endings. */
function lineEndingFree(runbook: Runbook) {
  const { phases, stepCount, rollbackSteps, commands, approvals, waits } = buildSummary(runbook);
  return { phases, stepCount, rollbackSteps, commands, approvals, waits };
}

// ---------------------------------------------------------------------------------------------
// Runbook-ish fragments

const WORDS = [
  'Deploy',
  'deploy',
  'the',
  'service',
  'to',
  'staging',
  'production',
  'Verify',
  'health',
  'checks',
  'Run',
  'migration',
  'Check',
  'dashboards',
  'canary',
  'Notify',
  '#releases',
  'Rollback',
  'Roll back',
  'revert',
  'back-out',
  'Fallback',
  'Contacts',
  'Escalation',
  'On-call',
  'Sign-off',
  'Approvals',
  'Pre-flight',
  'Post-deploy',
  'DB',
  'SRE',
  'TBD',
  'N/A',
  '[contact-info]',
  'Go/No-Go',
  'if 5xx above 1% for 5 minutes',
  'T+1d',
  'in the last 24 hours',
  'every 6 hours',
  '(≈ 2 min)',
  '--timeout 10m',
  '1.',
  '2)',
  '✅',
  '🚀',
  'ðŸš€',
  'âœ…',
  'Ã©tape',
  '\uF8FF',
  'e\u0301',
  '\u200B',
  '日本語',
  'Ωmega',
  '<br>',
  '&amp;',
  '\\*',
  '*',
  '_',
  '~~',
  '|',
  ':',
  '____',
];

const word = fc.constantFrom(...WORDS);
const smallUnicode = fc.string({ unit: 'binary', maxLength: 6 }).map((s) => s.replace(/[\r\n]/g, ' '));
const placeholder = fc.oneof(
  fc.constantFrom('VERSION', 'ENV', 'SERVICE', 'db.host', 'A-B').map((k) => `\${${k}}`),
  fc.constantFrom('VERSION', 'REGION').map((k) => `\${${k}:-eu-west-1}`),
  fc.constantFrom('${', '${}', '$${X}', '${1BAD}', '${X:-}'),
);
const email = fc.constantFrom('rafael.mendes@example.com', 'ops+pager@example.co.uk', 'bad@', 'a@b.c');
const phone = fc.constantFrom('+55 11 5555 0190', '(555) 010-2233', '555-0100 ext. 42', '2024-01-15', '123');
const handle = fc.constantFrom('@rmendes', '@sre-oncall', '<@U123ABC>', '<@U9|ingrid>', '@', 'me@');
const person = fc.constantFrom('Rafael Mendes', 'Ingrid Solberg', 'Ana de la Cruz', 'TBD', 'N/A', 'ops');
const role = fc.constantFrom('DBA secondary', 'On-call', 'SRE', 'Release captain', 'Security', 'QA Lead');
const duration = fc
  .tuple(
    fc.constantFrom(
      '90',
      '5',
      '10',
      '1',
      '2',
      '24',
      '45',
      '10-15',
      'a',
      'ten',
      'half an',
      '0',
      '1.5',
      '1h 30',
    ),
    fc.constantFrom(' s', ' seconds', 'm', ' min', ' minutes', 'h', ' hour', ' hours', ' day', ' week', ''),
  )
  .map(([n, u]) => `${n}${u}`);
const waitPhrase = fc
  .tuple(
    fc.constantFrom(
      'Wait',
      'Monitor error logs for',
      'Watch the canary for',
      'Soak',
      'Hold for',
      'Observe for',
      'Bake for',
      'Keep an eye on it for',
      'wait until replication lag is 0',
      'Then a',
      'Roll back if 5xx above 1% for',
    ),
    duration,
  )
  .map(([verb, d]) => `${verb} ${d}`);

/** Inline text: words, markup, placeholders, contacts, waits, random unicode. */
const inline = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: word },
      { weight: 1, arbitrary: word.map((w) => `\`${w}\``) },
      { weight: 1, arbitrary: word.map((w) => `**${w}**`) },
      { weight: 1, arbitrary: word.map((w) => `_${w}_`) },
      { weight: 1, arbitrary: word.map((w) => `[${w}](#${w.toLowerCase()})`) },
      { weight: 1, arbitrary: word.map((w) => `![${w}](img.png)`) },
      { weight: 1, arbitrary: placeholder },
      { weight: 1, arbitrary: fc.oneof(email, phone, handle) },
      { weight: 1, arbitrary: waitPhrase },
      { weight: 1, arbitrary: smallUnicode },
      { weight: 1, arbitrary: fc.constantFrom('<!-- c -->', '<span>x</span>', '  ', '\t', '\\') },
    ),
    { minLength: 0, maxLength: 7 },
  )
  .map((parts) => parts.join(' '));

const indent = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => ' '.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\t\t', '  \t', ' \t ') },
);

const atxHeading = fc
  .tuple(
    fc.integer({ min: 1, max: 7 }),
    fc.constantFrom('', ' ', '   '),
    inline,
    fc.constantFrom('', ' #', ' ##'),
  )
  .map(([level, pad, text, close]) => `${pad}${'#'.repeat(level)} ${text}${close}`);
const setextHeading = fc
  .tuple(inline, fc.constantFrom('=', '-'), fc.integer({ min: 1, max: 8 }))
  .map(([text, ch, n]) => `${text || 'Title'}\n${ch.repeat(n)}`);
const sectionHeading = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.constantFrom(
      'Rollback',
      '3. Roll back',
      'Back-out plan',
      'Revert',
      'Fallback',
      'Contacts',
      'Escalation',
      'Escalation Fails',
      'On-call',
      'Sign-off',
      'Approvals',
      'Deploy',
      '1. Pre-flight',
      'ðŸš€ Launch',
      '`code` heading',
    ),
  )
  .map(([level, text]) => `${'#'.repeat(level)} ${text}`);

const listMarker = fc.constantFrom('-', '*', '+', '1.', '1)', '2.', '10.', '3)');
const box = fc.constantFrom('[ ]', '[x]', '[X]', '[]', '[-]', '');
const listItem = fc
  .tuple(indent, listMarker, box, inline, fc.option(inline, { nil: undefined }), fc.boolean())
  .map(([pad, marker, b, text, more, lazy]) => {
    const first = `${pad}${marker} ${b}${b ? ' ' : ''}${text}`;
    if (more === undefined) return first;
    return `${first}\n${lazy ? '' : `${pad}${' '.repeat(marker.length + 1)}`}${more}`;
  });
const bareMarker = fc.tuple(indent, listMarker, box).map(([pad, m, b]) => `${pad}${m} ${b}`.trimEnd());

/** A run of list items nested a few levels deep, the way checklists are. */
const itemFence = fc.constantFrom(
  '```bash\nkubectl rollout status deploy/api\n```',
  '~~~\nSELECT 1;\n~~~',
  '````\n```\nnested\n```\n````',
  '```sh\nnever closed',
);

/** A checklist nested a few levels deep, with a consistent indent width, the way people write them. */
const nestedList = fc
  .tuple(
    fc.constantFrom(2, 3, 4),
    fc.constantFrom('-', '*', '+', '1.', '1)'),
    fc.array(
      fc.tuple(
        fc.integer({ min: -2, max: 1 }),
        fc.constantFrom('[ ] ', '[ ] ', '[x] ', '[X] ', ''),
        inline,
        fc.option(itemFence, { nil: undefined, freq: 6 }),
        fc.boolean(),
      ),
      { minLength: 1, maxLength: 12 },
    ),
  )
  .map(([width, marker, items]) => {
    let level = 0;
    return items
      .map(([delta, b, text, code, blank], i) => {
        level = i === 0 ? 0 : Math.max(0, Math.min(4, level + delta));
        const pad = ' '.repeat(level * Math.max(width, marker.length + 1));
        const first = `${pad}${marker} ${b}${text || 'do it'}`;
        if (!code) return first;
        const inner = ' '.repeat(pad.length + marker.length + 1);
        const body = code
          .split('\n')
          .map((l) => inner + l)
          .join('\n');
        return `${first}\n${blank ? '\n' : ''}${body}`;
      })
      .join('\n');
  });

/** List items at random indents: lists that break, merge and turn into indented code. */
const raggedList = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 9 }), listMarker, box, inline), { minLength: 1, maxLength: 8 })
  .map((items) => items.map(([n, marker, b, text]) => `${' '.repeat(n)}${marker} ${b} ${text}`).join('\n'));

const fence = fc
  .tuple(
    indent,
    fc.constantFrom('`', '~'),
    fc.integer({ min: 3, max: 5 }),
    fc.constantFrom('', 'bash', 'sql', 'sh title="x"', 'json {1,3}', '`weird`', ' '),
    fc.array(fc.oneof(inline, fc.constantFrom('```', '~~~', '````', '$ kubectl apply -f ${FILE}')), {
      maxLength: 5,
    }),
    fc.constantFrom('same', 'longer', 'shorter', 'none', 'other'),
  )
  .map(([pad, ch, n, info, body, close]) => {
    const open = ch.repeat(n);
    const closing =
      close === 'same'
        ? open
        : close === 'longer'
          ? `${open}${ch}`
          : close === 'shorter'
            ? ch.repeat(Math.max(1, n - 1))
            : close === 'other'
              ? (ch === '`' ? '~' : '`').repeat(n)
              : null;
    const lines = [`${pad}${open}${info}`, ...body.map((l) => pad + l)];
    if (closing !== null) lines.push(pad + closing);
    return lines.join('\n');
  });

const indentedCode = fc
  .array(inline, { minLength: 1, maxLength: 3 })
  .map((lines) => lines.map((l) => `    ${l}`).join('\n'));

const table = fc
  .tuple(
    fc.array(fc.oneof(role, person, word), { minLength: 1, maxLength: 4 }),
    fc.array(
      fc.array(fc.oneof(inline, email, phone, handle, person, fc.constantFrom('☐', '✅', '____')), {
        minLength: 0,
        maxLength: 5,
      }),
      { maxLength: 4 },
    ),
    fc.boolean(),
  )
  .map(([header, rows, outerPipes]) => {
    const row = (cells: string[]) => {
      const inner = cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ');
      return outerPipes ? `| ${inner} |` : inner;
    };
    return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
  });

const blockquote = fc
  .tuple(
    fc.constantFrom('', '[!WARNING]', '[!NOTE]', '[!CAUTION]'),
    fc.array(fc.oneof(inline, listItem, fence), { minLength: 1, maxLength: 3 }),
  )
  .map(([alert, parts]) => {
    const body = parts.join('\n').split('\n');
    return [...(alert ? [alert] : []), ...body].map((l) => `> ${l}`).join('\n');
  });

const html = fc.oneof(
  fc.tuple(inline, fc.boolean()).map(([t, closed]) => `<!-- ${t}\n- [ ] hidden step${closed ? ' -->' : ''}`),
  fc
    .tuple(inline, fc.oneof(listItem, fence, nestedList))
    .map(([summary, body]) => `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`),
  fc.constantFrom(
    '<div align="center">',
    '</div>',
    '<br/>',
    '<img src="x.png">',
    '<table><tr><td>x</td></tr>',
  ),
);

const frontMatter = fc
  .oneof(
    fc.constantFrom(
      'title: Payments release\nparams:\n  VERSION: 1.2.3\n  ENV: prod\napprovals:\n  SRE: 2\n  Release captain: { required: 1 }\nescalation:\n  timeout_minutes: 15',
      'parameters:\n  REGION: eu-west-1\nenvironment: production',
      'title: [unclosed',
      'approvals: { SRE: 0 }',
      '- just\n- a list',
      ': : :',
      '\ttabbed: true',
      'title: 42',
      'escalation: -5',
      'params:\n  KEY: null\n  N: 3\n  B: true',
      '',
      '%YAML 1.2\n---\na: 1',
      'a: &x 1\nb: *y',
    ),
    fc.tuple(word, inline).map(([k, v]) => `${k}: ${v}`),
  )
  .map((yaml) => `---\n${yaml}\n---`);

const approvalBlank = fc
  .tuple(
    fc.constantFrom(
      'Approved By',
      'Approval',
      'Sign-off',
      'Reviewed',
      'Authorized by',
      'Date',
      'Executed By',
    ),
    fc.option(role, { nil: undefined }),
    fc.integer({ min: 1, max: 12 }),
    fc.constantFrom('', '- ', '- [ ] ', '**'),
  )
  .map(([label, r, n, prefix]) => `${prefix}${label}${r ? ` (${r})` : ''}: ${'_'.repeat(n)}`);

const contactLine = fc
  .tuple(
    fc.constantFrom('- ', '* ', '1. ', '2) ', '| ', ''),
    role,
    person,
    fc.option(email, { nil: undefined }),
    fc.option(phone, { nil: undefined }),
    fc.option(handle, { nil: undefined }),
  )
  .map(
    ([prefix, r, p, e, ph, h]) =>
      `${prefix}${r}: ${p}${[e, ph, h]
        .filter(Boolean)
        .map((x) => ` (${x})`)
        .join('')}`,
  );

const pseudoHeading = fc.tuple(word, fc.constantFrom('', ':', ' :')).map(([w, colon]) => `**${w}${colon}**`);

const misc = fc.constantFrom(
  '---',
  '***',
  '___',
  '',
  '',
  '[toc]: #toc',
  '- [Deploy](#deploy)',
  '1. [Rollback](#rollback)',
  '\\- [ ] escaped',
  '    ',
  '\u00a0',
  '$$\nx\n$$',
  '[^1]: footnote',
  'Term\n: definition',
);

const escalationSection = fc
  .tuple(
    fc.constantFrom('## Escalation', '### Escalation order', '## On-call & escalation', '**Escalation**'),
    fc.array(
      fc.tuple(fc.oneof(person, role), fc.option(fc.oneof(handle, email, phone), { nil: undefined })),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    fc.constantFrom('.', ')'),
  )
  .map(
    ([heading, entries, dot]) =>
      `${heading}\n\n${entries.map(([who, how], i) => `${i + 1}${dot} ${who}${how ? ` (${how})` : ''}`).join('\n')}`,
  );

/** A heading followed by the kind of content such sections have. */
const section = fc
  .tuple(
    fc.oneof(sectionHeading, atxHeading, setextHeading),
    fc.array(fc.oneof(nestedList, nestedList, table, contactLine, approvalBlank, fence, escalationSection), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([heading, parts]) => [heading, ...parts].join('\n\n'));

const fragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: atxHeading },
  { weight: 1, arbitrary: setextHeading },
  { weight: 2, arbitrary: sectionHeading },
  { weight: 6, arbitrary: listItem },
  { weight: 1, arbitrary: bareMarker },
  { weight: 3, arbitrary: nestedList },
  { weight: 1, arbitrary: raggedList },
  { weight: 4, arbitrary: section },
  { weight: 1, arbitrary: escalationSection },
  { weight: 3, arbitrary: fence },
  { weight: 1, arbitrary: indentedCode },
  { weight: 1, arbitrary: table },
  { weight: 1, arbitrary: blockquote },
  { weight: 1, arbitrary: html },
  { weight: 1, arbitrary: approvalBlank },
  { weight: 1, arbitrary: contactLine },
  { weight: 1, arbitrary: pseudoHeading },
  { weight: 2, arbitrary: inline },
  { weight: 1, arbitrary: misc },
);

/** A generated runbook with LF line endings and no `\r` of its own making. */
const lfDocument = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: frontMatter }, { weight: 7, arbitrary: fc.constant(undefined) }),
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: atxHeading.map((h) => h.replace(/^\s*#+/, '#')) },
    ),
    fc.array(fc.tuple(fragment, fc.constantFrom('\n', '\n\n', '\n\n', '\n\n\n')), { maxLength: 20 }),
    fc.constantFrom('', '\n'),
  )
  .map(([fm, title, parts, trailing]) => {
    let doc = '';
    if (fm !== undefined) doc += `${fm}\n`;
    if (title !== undefined) doc += `${title}\n\n`;
    for (const [part, sep] of parts) doc += part + sep;
    return doc.replace(/\n+$/, '') + trailing;
  });

type Ending = 'lf' | 'crlf' | 'mixed' | 'cr';
const ending = fc.constantFrom<Ending>('lf', 'lf', 'crlf', 'crlf', 'mixed', 'cr');
function withEnding(doc: string, kind: Ending, salt: number): string {
  if (kind === 'lf') return doc;
  if (kind === 'crlf') return doc.replace(/\n/g, '\r\n');
  if (kind === 'cr') return doc.replace(/\n/g, '\r');
  let i = salt;
  return doc.replace(/\n/g, () => (++i % 3 === 0 ? '\r\n' : '\n'));
}

/** A generated runbook as it may come off disk: any line endings, maybe a BOM. */
const document = fc
  .tuple(
    lfDocument,
    ending,
    fc.nat(),
    fc.nat(4).map((n) => n === 0),
  )
  .map(([doc, kind, salt, bom]) => `${bom ? '\uFEFF' : ''}${withEnding(doc, kind, salt)}`);

// ---------------------------------------------------------------------------------------------
// Mutations of real runbooks

const BUILT_IN = `---
title: Payments API release
params:
  VERSION: 1.4.0
approvals:
  SRE: 2
---
# Payments API release

## 1. Pre-flight ✅
- [ ] Announce in #releases: deploying \${VERSION}
- [ ] Check the dashboards
  - [x] Error rate below 0.1%
  - [ ] p99 latency below 300 ms
1. [ ] Snapshot the database
   \`\`\`bash
   pg_dump -Fc payments > /backups/payments-\${VERSION}.dump
   \`\`\`

## 2. Deploy 🚀
1. Deploy the canary
\`\`\`
kubectl -n payments set image deploy/api api=registry/api:\${VERSION}
\`\`\`
2. Watch the canary dashboard for 10 minutes
3) Promote to 100%
   1. Soak 2h
> [!WARNING]
> - [ ] Not a step: it is in a quote

Approved By (SRE): ________
Date: ______

Setext phase
------------
* [ ] Wait until replication lag is 0
+ [X] Hold for 90 s

~~~~sql
SELECT count(*) FROM payments WHERE status = 'pending';
~~~~

| Check | Owner |
|---|---|
| ☐ Smoke tests | QA |

## Rollback
1. [ ] Revert the image
   \`\`\`bash
   kubectl rollout undo deploy/api
   \`\`\`
2. [ ] Keep an eye on it for a week

## Contacts
| Role | Name | Phone | Email | Slack |
|---|---|---|---|---|
| DBA secondary | Rafael Mendes | +55 11 5555 0190 | rafael.mendes@example.com | @rmendes |
| On-call | TBD | N/A | | |

## Escalation
1. Ingrid Solberg (@ingrid)
2. Rafael Mendes

## Sign-off
- [ ] Release captain
- [ ] SRE

<!--
- [ ] hidden
-->
<details><summary>Logs</summary>

\`\`\`
never closed
`;

function exampleRunbooks(): string[] {
  const texts = [BUILT_IN];
  for (const dir of [join(REPO, 'runbooks'), join(REPO, '..', 'shared', 'runbooks-devset')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (/\.md$/i.test(name) && !/^readme\./i.test(name)) texts.push(readFileSync(join(dir, name), 'utf8'));
    }
  }
  return texts;
}
const EXAMPLES = exampleRunbooks();

type Mutation =
  | { kind: 'delete' | 'duplicate'; at: number; count: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'indent' | 'dedent'; at: number; count: number; by: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete', 'duplicate'),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ kind: fc.constant('swap'), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insert'), at: fc.nat(), text: fragment }),
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  fc.record({
    kind: fc.constantFrom('indent', 'dedent'),
    at: fc.nat(),
    count: fc.integer({ min: 1, max: 10 }),
    by: fc.integer({ min: 1, max: 4 }),
  }),
) as fc.Arbitrary<Mutation>;

function mutate(text: string, mutations: readonly Mutation[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  for (const m of mutations) {
    const at = lines.length ? m.at % lines.length : 0;
    switch (m.kind) {
      case 'delete':
        lines.splice(at, m.count);
        break;
      case 'duplicate':
        lines.splice(at, 0, ...lines.slice(at, at + m.count));
        break;
      case 'swap': {
        const other = lines.length ? m.with % lines.length : 0;
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
        break;
      }
      case 'insert':
        lines.splice(at, 0, ...m.text.split('\n'));
        break;
      case 'truncate':
        lines.length = Math.max(at, 1);
        break;
      case 'indent':
      case 'dedent':
        for (let i = at; i < Math.min(lines.length, at + m.count); i++) {
          const line = lines[i] ?? '';
          lines[i] =
            m.kind === 'indent' ? ' '.repeat(m.by) + line : line.replace(new RegExp(`^ {0,${m.by}}`), '');
        }
        break;
    }
  }
  return lines.join(eol);
}

/** A window of an example runbook (real ones are long and slow to parse twice), then mutated. */
const mutatedExample = fc
  .tuple(
    fc.integer({ min: 0, max: EXAMPLES.length - 1 }),
    fc.nat(),
    fc.integer({ min: 20, max: 160 }),
    fc.array(mutation, { minLength: 1, maxLength: 6 }),
  )
  .map(([i, start, size, ms]) => {
    const text = EXAMPLES[i] ?? '';
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const lines = text.split(eol);
    const from = lines.length > size ? start % (lines.length - size) : 0;
    return mutate(lines.slice(from, from + size).join(eol), ms);
  });

// ---------------------------------------------------------------------------------------------
// Unstructured input

const MARKDOWN_ALPHABET = [
  '#',
  '-',
  '*',
  '+',
  '[',
  ']',
  ' ',
  ' ',
  ' ',
  '\n',
  '\n',
  '\r',
  '\t',
  '`',
  '~',
  '>',
  '|',
  'x',
  'X',
  '1',
  '.',
  ')',
  '<',
  '!',
  '-',
  '_',
  ':',
  '$',
  '{',
  '}',
  '=',
  'a',
  '\\',
  '&',
  '\uFEFF',
  '\u0000',
  '🚀',
  'ð',
  '\uD800',
];
const markdownSoup = fc.string({ unit: fc.constantFrom(...MARKDOWN_ALPHABET), maxLength: 400 });
const randomText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  // Any UTF-16 code unit, lone surrogates included (what fast-check 3 called fullUnicodeString and more).
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
);

// ---------------------------------------------------------------------------------------------

describe('parseRunbook under fuzzing', () => {
  // The parser is pure: whatever the front matter (`&x: 1` once made the yaml package print Node
  // warnings), it reports problems as diagnostics and writes nothing to the process.
  let warnings: ReturnType<typeof vi.spyOn>;
  beforeAll(() => {
    warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterAll(() => {
    expect(warnings).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it(
    `keeps its invariants on generated runbooks (seed ${SEED})`,
    () => {
      fc.assert(
        fc.property(document, (text) => {
          checkInvariants(text);
        }),
        settings(900),
      );
    },
    TIMEOUT,
  );

  it(
    'gives a CRLF document the same summary as its LF version',
    () => {
      fc.assert(
        fc.property(lfDocument, (lf) => {
          fc.pre(!lf.includes('\r'));
          const crlf = lf.replace(/\n/g, '\r\n');
          // The invariants of CRLF documents are checked above; one parse of each suffices here.
          const fromLf = parseRunbook(lf);
          const fromCrlf = parseRunbook(crlf);
          expect(lineEndingFree(fromCrlf)).toStrictEqual(lineEndingFree(fromLf));
          // Ids are content hashes of normalised text, so they must not move either.
          expect(fromCrlf.steps.map((s) => s.id)).toStrictEqual(fromLf.steps.map((s) => s.id));
        }),
        settings(500),
      );
    },
    TIMEOUT,
  );

  it(
    'keeps its invariants on mutated example runbooks',
    () => {
      fc.assert(
        fc.property(
          mutatedExample,
          fc.constantFrom<readonly string[] | undefined>(undefined, ['SRE']),
          (text, roles) => {
            checkInvariants(text, roles ? { knownRoles: roles } : {});
          },
        ),
        settings(300),
      );
    },
    TIMEOUT,
  );

  it(
    'never throws on random strings and Markdown soup',
    () => {
      fc.assert(
        fc.property(fc.oneof(markdownSoup, randomText), (text) => {
          checkInvariants(text);
        }),
        settings(3000),
      );
    },
    TIMEOUT,
  );

  it(
    'generates runbooks that exercise every part of the model',
    () => {
      // Guards the generator itself: if it stopped producing steps, rollbacks, commands… the
      // properties above would pass vacuously.
      const seen = new Map<string, number>();
      const count = (what: string, yes: boolean) => {
        if (yes) seen.set(what, (seen.get(what) ?? 0) + 1);
      };
      for (const text of fc.sample(document, { seed: SEED, numRuns: 300 })) {
        const r = parseRunbook(text);
        const codes = new Set(r.diagnostics.map((d) => d.code));
        count('steps', r.steps.length > 0);
        count(
          'nested steps',
          r.steps.some((s) => s.depth >= 2),
        );
        count(
          'rollback steps',
          r.steps.some((s) => s.rollback),
        );
        count(
          'phases',
          r.phases.some((p) => !p.implicit),
        );
        count(
          'commands',
          r.steps.some((s) => s.commands.length > 0),
        );
        count(
          'waits',
          r.steps.some((s) => s.wait),
        );
        count('approvals', r.approvals.length > 0);
        count('contacts', r.contacts.length > 0);
        count('escalation order', r.escalationOrder !== null);
        count('placeholders', r.placeholders.length > 0);
        count('front matter', r.frontMatter.data !== null);
        count('bad front matter', codes.has('runbook.front_matter_invalid'));
        count('unclosed fence', codes.has('runbook.unclosed_fence'));
        count('no steps', codes.has('runbook.no_steps'));
        count('CRLF', text.includes('\r\n'));
        count('BOM', text.startsWith('\uFEFF'));
      }
      const missing = [
        'steps',
        'nested steps',
        'rollback steps',
        'phases',
        'commands',
        'waits',
        'approvals',
        'contacts',
        'escalation order',
        'placeholders',
        'front matter',
        'bad front matter',
        'unclosed fence',
        'no steps',
        'CRLF',
        'BOM',
      ].filter((what) => (seen.get(what) ?? 0) < 3);
      expect(missing, JSON.stringify(Object.fromEntries(seen))).toEqual([]);
    },
    TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------
// Length and nesting: long items and lines, deep lists and quotes, and the pieces long documents
// are parsed in (src/runbook/chunks.ts) must give the very tree of one whole parse.

const deepList = fc
  .tuple(fc.integer({ min: 1, max: 120 }), fc.constantFrom('- [ ] ', '1. ', '* ', '> ', '> - [ ] '), word)
  .map(([depth, marker, w]) =>
    Array.from(
      { length: depth },
      (_, i) => `${marker.startsWith('>') ? '> '.repeat(i) : '  '.repeat(i)}${marker}${w} ${i}`,
    ).join('\n'),
  );
const longLine = fc
  .tuple(
    fc.array(fc.oneof(word, fc.constantFrom(':', '___', '@x', '10 min', '|', '`c`', '**b**')), {
      minLength: 200,
      maxLength: 1000,
    }),
    fc.constantFrom('- [ ] ', '1. ', '- Lead: ', '', '| '),
  )
  .map(([words, lead]) => `${lead}${words.join(' ')}`);
const lengthy = fc
  .array(fc.oneof(fragment, deepList, longLine, fc.constantFrom(...SHAPES.map((s) => s.build(6_000)))), {
    minLength: 1,
    maxLength: 12,
  })
  .map((parts) => `# Long\n\n${parts.join('\n\n')}\n`);

// Cheaper than `lengthy`, for the property that parses everything twice.
const nested = fc
  .array(fc.oneof(fragment, deepList), { minLength: 1, maxLength: 8 })
  .map((parts) => `# Nested\n\n${parts.join('\n\n')}\n`);

/**
 * Lines that meet at column 0 the way lists do: top-level items of one marker or another, nested
 * items, lazy lines, paragraphs, ordered items that cannot interrupt a paragraph, thematic breaks,
 * setext underlines, quotes, tables, HTML and fences, joined by one or two line endings: the places
 * where a piece may be cut between two items of a list and joined again.
 */
const columnZeroLine = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.constantFrom('-', '*', '+'), box, inline).map(([m, b, t]) => `${m} ${b} ${t}`),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom('1.', '2.', '1)', '7.'), inline).map(([m, t]) => `${m} ${t}`),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(2, 3, 4, 6), listMarker, inline)
      .map(([n, m, t]) => `${' '.repeat(n)}${m} ${t}`),
  },
  { weight: 2, arbitrary: inline },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '- - -',
      '* * *',
      '-',
      '---',
      '> - quoted',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '<div>\n- x\n</div>',
      '```\n- in code\n```',
      '```\n- never closed',
      '    - indented code',
    ),
  },
);
const columnZeroLists = fc
  .array(fc.tuple(columnZeroLine, fc.boolean()), { minLength: 1, maxLength: 24 })
  .map((lines) => `${lines.map(([line, blank]) => `${line}\n${blank ? '\n' : ''}`).join('')}`);

describe('parseRunbook on long and deeply nested runbooks', () => {
  it(
    'keeps its invariants on long items, long lines and deep nesting',
    () => {
      fc.assert(
        fc.property(lengthy, (text) => {
          checkInvariants(text);
        }),
        settings(15),
      );
    },
    TIMEOUT,
  );

  it.each(SHAPES.map((s) => [s.name, s] as const))(
    'keeps its invariants on the %s shape at 64 KB',
    (_name, shape) => {
      checkInvariants(shape.build(64 * 1024));
    },
  );

  it(
    'parses in pieces to the same tree as in one go',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(document, nested, markdownSoup, columnZeroLists),
          fc.integer({ min: 1, max: 400 }),
          (text, every) => {
            expect(parseInChunks(text, every)).toStrictEqual(parseMarkdown(text));
          },
        ),
        settings(150),
      );
    },
    TIMEOUT,
  );
});

// Issue 20, family 6: no exception at any depth. micromark itself reads these; every walk of ours
// over the tree keeps its own stack, so none of them can overflow the call stack.
describe('parseRunbook on nesting 2,000 deep', () => {
  const DEPTH = 2_000;
  const section = (body: string) => `# Deep\n\n## Deploy\n\n${body}\n\n## Rollback\n\n1. Revert\n`;
  it.each([
    ['task list on one line', section(`${'- '.repeat(DEPTH)}[ ] tick`), 2],
    ['bullets of mixed markers', section(`${'* + - '.repeat(DEPTH / 3)}[x] tick`), 2],
    // Only the innermost item has text of its own, so it is the only step.
    ['ordered list on one line', section(`${'1. '.repeat(DEPTH)}go`), 2],
    ['ordered list with ) on one line', section(`${'2) '.repeat(DEPTH)}go`), 2],
    ['blockquotes', section(`${'>'.repeat(DEPTH)} - [ ] quoted`), 1],
    ['quotes holding lists', section(`${'> 1. '.repeat(DEPTH / 2)}go`), 1],
    // micromark resolves emphasis in quadratic time: 500 levels are enough for our inline walk.
    ['emphasis in a step', section(`- [ ] ${'*a _b '.repeat(250)}x${' b_ a*'.repeat(250)}`), 2],
  ])(
    '%s: no exception, and the steps it has',
    (_name, text, steps) => {
      const runbook = checkInvariants(text);
      expect(runbook.steps).toHaveLength(steps);
      expect(runbook.steps.at(-1)?.title).toBe('Revert');
    },
    TIMEOUT,
  );

  it(
    'a nested list in a runbook long enough to be parsed in pieces',
    () => {
      // Over the size where parseInChunks cuts the document, so the pieces' positions are shifted too.
      const filler = 'Read the notes before you start.\n\n'.repeat(1_200);
      const runbook = checkInvariants(section(`${filler}${'- '.repeat(DEPTH)}[ ] tick`));
      expect(runbook.steps.map((s) => s.title)).toEqual(['tick', 'Revert']);
    },
    TIMEOUT,
  );
});
