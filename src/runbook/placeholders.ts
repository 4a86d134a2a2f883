// `${KEY}` placeholders: `${KEY}` or `${KEY:-default}`.

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::?-([^}]*))?\}/g;

/** One use of a placeholder in a piece of text. */
export interface PlaceholderUse {
  key: string;
  defaultValue: string | null;
  /** Lines before the use within the text (0 on its first line). */
  lineOffset: number;
}

/** Every placeholder used in the text, in order. */
export function readPlaceholders(text: string): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  // Lines are counted from the previous use on, not from the start each time (linear in the text).
  let line = 0;
  let counted = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    counted = m.index;
    uses.push({ key: m[1] ?? '', defaultValue: m[2] ?? null, lineOffset: line });
  }
  return uses;
}

/** Fills placeholders from values; unknown ones use their default or stay as written. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, key: string, fallback: string | undefined) =>
    Object.hasOwn(values, key) ? (values[key] ?? '') : (fallback ?? whole),
  );
}
