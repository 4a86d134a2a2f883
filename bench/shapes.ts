// Runbooks of a given size in one shape each, to see that parse time grows linearly with size:
// `npm run bench` times them at 10 KB, 100 KB and 1 MB, and the fuzz test parses them.

/** A shape of runbook that stresses one dimension. */
export interface Shape {
  name: string;
  /** What the shape stresses. */
  about: string;
  /** A runbook of about `bytes` characters (never less). */
  build: (bytes: number) => string;
}

const WORDS = [
  'deploy',
  'the',
  'service:',
  'and',
  'check',
  'logs',
  'wait',
  'for',
  '10',
  'minutes',
  '@ops',
  '___',
];

/** Repeats `unit(i)` until the text has at least `bytes` characters. */
function fill(head: string, bytes: number, unit: (i: number) => string, tail = ''): string {
  const parts = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const part = unit(i);
    parts.push(part);
    size += part.length;
  }
  parts.push(tail);
  return parts.join('');
}

const HEAD = '# Shape\n\n## Deploy\n\n';
const TAIL = '\n## Rollback\n\n1. Revert\n';

/** Every shape the bench and the fuzz test use. */
export const SHAPES: readonly Shape[] = [
  {
    name: 'one long item',
    about: 'a single task item of many words on one line (no colon before the end)',
    build: (bytes) => fill(`${HEAD}- [ ] Watch`, bytes, (i) => ` ${WORDS[i % WORDS.length]}`, TAIL),
  },
  {
    name: 'many items',
    about: 'thousands of short task items with waits, commands and blanks',
    build: (bytes) =>
      fill(
        HEAD,
        bytes,
        (i) =>
          i % 7 === 3
            ? `- [ ] Run the migration ${i}\n\n  \`\`\`bash\n  ./migrate.sh ${i}\n  \`\`\`\n\n`
            : `- [ ] Watch the canary ${i} for 10 minutes, then check @ops\n`,
        TAIL,
      ),
  },
  {
    name: 'deep nesting',
    about: 'task lists nested 40 deep, repeated',
    build: (bytes) =>
      fill(HEAD, bytes, (i) => `${'  '.repeat(i % 40)}- [ ] Step ${i} hold for 5 minutes\n`, TAIL),
  },
  {
    name: 'nested quotes',
    about: 'blockquotes and lists nested 20 deep, repeated',
    build: (bytes) =>
      fill(HEAD, bytes, (i) => `${'> '.repeat(i % 20)}1. Step ${i}: Approved by (SRE): ____\n`, TAIL),
  },
  {
    name: 'big table',
    about: 'one contact table with thousands of rows',
    build: (bytes) =>
      fill(
        `${HEAD}- [ ] Ship\n\n## Contacts\n\n| Role | Name | Phone | Email |\n|---|---|---|---|\n`,
        bytes,
        (i) =>
          `| Team ${i} lead | Ana Silva${i} | +1 555 01${String(i % 100).padStart(2, '0')} | a${i}@example.com |\n`,
        TAIL,
      ),
  },
  {
    name: 'many headings',
    about: 'a heading with one step each, in a deepening outline',
    build: (bytes) =>
      fill(HEAD, bytes, (i) => `${'#'.repeat(2 + (i % 5))} Phase ${i}\n\n- [ ] Do ${i}\n\n`, TAIL),
  },
  {
    name: 'long lines',
    about: 'steps and contacts on 4,000-character lines of colons, underscores, digits and @',
    build: (bytes) => {
      const line = (i: number) =>
        Array.from({ length: 400 }, (_, j) => ['a:b', '_x_', '12 34', '@h', 'ok'][(i + j) % 5]).join(' ');
      return fill(
        `${HEAD}`,
        bytes,
        (i) => (i % 2 ? `- [ ] ${line(i)}\n` : `## Contacts ${i}\n\n- Lead: ${line(i)}\n\n`),
        TAIL,
      );
    },
  },
];
