// Stable ids from content: the same file always gives the same ids, with no I/O and no randomness.

/** cyrb53: a small, well-distributed 53-bit string hash. */
function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Hands out ids from content, unique within one runbook even for identical content. */
export function createIdFactory(prefix: string) {
  const used = new Set<string>();
  // The next counter to try per content: the n-th copy of a content starts where the last one
  // stopped, so 10,000 identical steps cost linear time (the ids are the same as trying from 0).
  const next = new Map<string, number>();
  return (content: string): string => {
    for (let n = next.get(content) ?? 0; ; n++) {
      const id = `${prefix}${hash53(`${content}\u0000${n}`).toString(36).padStart(11, '0')}`;
      if (!used.has(id)) {
        used.add(id);
        next.set(content, n + 1);
        return id;
      }
    }
  };
}
