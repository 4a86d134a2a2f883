// Small pieces of text the run report is made of: times, spans, people, code fences. Pure.
// The report is a Markdown file for a repository, not a Slack message: people are written as plain
// `@U123` (nothing to ping) and times always in UTC, so the same run gives the same file anywhere.
import { differenceInMinutes } from 'date-fns/differenceInMinutes';
import { differenceInSeconds } from 'date-fns/differenceInSeconds';

/** "2026-01-05 14:02 UTC". */
export function formatWhen(iso: string): string {
  const normal = new Date(iso).toISOString();
  return `${normal.slice(0, 10)} ${normal.slice(11, 16)} UTC`;
}

/** "2026-01-05 14:02:13 UTC": the audit trail keeps seconds, to order clicks a moment apart. */
export function formatWhenSeconds(iso: string): string {
  const normal = new Date(iso).toISOString();
  return `${normal.slice(0, 10)} ${normal.slice(11, 19)} UTC`;
}

/** The time of `iso`, with its date only when it is not the day of `sameDayAs`. */
export function formatEnd(iso: string, sameDayAs: string): string {
  const a = new Date(iso).toISOString();
  const b = new Date(sameDayAs).toISOString();
  return a.slice(0, 10) === b.slice(0, 10) ? `${a.slice(11, 16)} UTC` : formatWhen(iso);
}

/** "40 s", "3 min", "1 h 05 min", "2 d 3 h": how long from `from` to `to`. */
export function formatSpan(from: string, to: string): string {
  const later = new Date(to);
  const earlier = new Date(from);
  const minutes = differenceInMinutes(later, earlier);
  if (minutes < 1) return `${Math.max(0, differenceInSeconds(later, earlier))} s`;
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(minutes / (24 * 60))} d ${Math.floor((minutes % (24 * 60)) / 60)} h`;
}

/** A person as the report names them; null is the bot itself (timers, automatic steps). */
export function who(userId: string | null | undefined): string {
  if (!userId) return 'deploybot';
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `@${userId}` : userId;
}

/** Text from a person (a reason) on one line, so it cannot break the report's structure. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A quoted reason, or the words for none. */
export function reasonOf(reason: string | null | undefined): string {
  const text = oneLine(reason ?? '');
  return text ? `“${text}”` : 'no reason given';
}

/** Lines of a fenced code block whose fence is longer than any backtick run inside. */
export function fenced(code: string, language = ''): string[] {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...code.replace(/\r\n?/g, '\n').split('\n'), fence];
}

/** "3 steps", "1 step". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Inline code that survives backticks in the value. */
export function inlineCode(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${text}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}
