// Parsing in pieces: where a piece may start, and that the pieces give the whole document's tree.
// (The fuzz test checks the same equality on generated documents; these are the cases by name.)
import type { List } from 'mdast';
import { describe, expect, it } from 'vitest';
import { findCutPoints, parseInChunks } from '../../src/runbook/chunks.js';
import { parseMarkdown } from '../../src/runbook/markdown.js';

const at = (source: string, line: string) => source.indexOf(line);

describe('findCutPoints', () => {
  it('cuts before a top-level bullet item, and an ordered one only after a blank line', () => {
    const source = '- [ ] a\n  - [ ] nested\n- [ ] b\n1. c\n\n2. d\n';
    const cuts = findCutPoints(source, 1);
    expect(cuts).toContain(at(source, '- [ ] b'));
    expect(cuts).not.toContain(at(source, '1. c'));
    expect(cuts).toContain(at(source, '2. d'));
    expect(cuts).not.toContain(at(source, '  - [ ] nested'));
  });

  it('does not cut before a thematic break, an empty item or a setext underline', () => {
    const source = 'Title\n- - -\n* * *\n-\n---\n- x\n';
    const cuts = findCutPoints(source, 1);
    for (const line of ['- - -', '* * *', '-\n', '---']) expect(cuts).not.toContain(at(source, line));
    expect(cuts).toContain(at(source, '- x'));
  });
});

describe('parseInChunks', () => {
  const same = (source: string, every: number) => {
    const pieces = parseInChunks(source, every);
    expect(pieces).toStrictEqual(parseMarkdown(source));
    return pieces;
  };

  it('joins a long list of nested items cut between its top-level items into one list', () => {
    const items = Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i % 10)}- [ ] Step ${i}\n`).join('');
    const source = `# Deploy\n\n${items}`;
    expect(findCutPoints(source, 256).length).toBeGreaterThan(5);
    const root = same(source, 256);
    expect(root.children.map((c) => c.type)).toEqual(['heading', 'list']);
    expect((root.children[1] as List).children).toHaveLength(40);
  });

  it('makes the joined list loose when a blank line separates two items at a cut', () => {
    const source = `${'- a\n'.repeat(30)}\n${'- b\n'.repeat(30)}`;
    const list = same(source, 40).children[0] as List;
    expect(list.spread).toBe(true);
    expect(list.children).toHaveLength(60);
  });

  it('keeps two lists where the bullet or the delimiter changes', () => {
    const source = `${'- a\n'.repeat(20)}${'* b\n'.repeat(20)}\n${'1. c\n'.repeat(20)}\n${'1) d\n'.repeat(20)}`;
    expect(same(source, 30).children.map((c) => c.type)).toEqual(['list', 'list', 'list', 'list']);
  });

  it('reads an ordered item after indented code as micromark does, as paragraph text', () => {
    const source = `${'para\n\n'.repeat(10)}    code\n\n7. not an item\n- [ ] item\n`;
    const root = same(source, 8);
    expect(root.children.slice(-3).map((c) => c.type)).toEqual(['code', 'paragraph', 'list']);
  });

  it('joins a list whose last item ends in a fence left open at the cut', () => {
    const source = `${'- a\n'.repeat(10)}- b\n  \`\`\`sh\n- still code\n  \`\`\`\n${'- c\n'.repeat(10)}`;
    same(source, 12);
  });
});
