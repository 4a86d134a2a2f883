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
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({
    key: m[1] ?? '',
    defaultValue: m[2] ?? null,
    lineOffset: text.slice(0, m.index).split('\n').length - 1,
  }));
}

/** Fills placeholders from values; unknown ones use their default or stay as written. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, key: string, fallback: string | undefined) =>
    Object.hasOwn(values, key) ? (values[key] ?? '') : (fallback ?? whole),
  );
}
