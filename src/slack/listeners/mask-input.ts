// What people type is masked before it is stored ("I ran it" output, reasons, parameters), and the
// stored text itself says how many values were masked, so every place that shows it says so too.
import { maskedNote, maskSecrets } from '../../secrets/mask-secrets.js';

/** The text with its secrets masked and, when any were, a last line saying how many (within `max`). */
export function withMaskNote(text: string | undefined, max = 2900): string | undefined {
  if (text === undefined || text === '') return text;
  const { text: masked, masked: count } = maskSecrets(text);
  if (!count) return masked.slice(0, max);
  const note = `\n(${maskedNote(count)})`;
  return `${masked.slice(0, Math.max(0, max - note.length))}${note}`;
}
