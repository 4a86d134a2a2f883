// Slack mrkdwn is parsed for `<…>` sequences (mentions, links, broadcasts), so every string that did not
// come from our code is escaped here before it reaches a text object. Pure: no I/O.
import type { Nodes, Parent } from 'mdast';
import { dedent, parseMarkdown } from '../../runbook/markdown.js';
import { fillPlaceholders } from '../../runbook/placeholders.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
// Same grammar as src/runbook/placeholders.ts, which does not export its pattern.
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::?-([^}]*))?\}/g;
// Private-use code points stand in for placeholders while the Markdown is parsed, so that a default
// value holding `*` or `]` cannot change the document's structure.
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARK = /\uE000(\d+)\uE001/g;
const MARK_INDEX = /\uE000(\d+)\uE001/;

/** Escapes Slack's three control characters, so `<!channel>` or `<@U123>` in the text pings nobody. */
export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A user mention for a real Slack user id; anything else is shown as escaped text. */
export function mention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeText(userId);
}

/** Shortens `s` to at most `max` characters, ending with "…"; never splits a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  let end = max - 1;
  if (isHighSurrogate(s.charCodeAt(end - 1))) end--;
  return `${s.slice(0, end)}…`;
}

/** Inline code, or escaped plain text when a backtick would end the code span early. */
export function code(s: string): string {
  return s.length > 0 && !s.includes('`') ? `\`${escapeText(s)}\`` : escapeText(s);
}

/** A channel link for a real channel id; anything else is shown as escaped text. */
export function channelLink(channelId: string): string {
  return CHANNEL_ID.test(channelId) ? `<#${channelId}>` : escapeText(channelId);
}

/** `<url|label>` for an http(s) URL, else the label alone; the label is plain text. */
export function link(url: string | null, label: string): string {
  return formatLink(url ?? '', label, () => escapeText(label));
}

/** Fills placeholders in a command and escapes it for a ``` block; unfilled ones stay as written. */
export function formatCommandCode(source: string, values: Readonly<Record<string, string>>): string {
  // A ``` inside the command would close the block: a zero-width space keeps it one block.
  return escapeText(fillPlaceholders(source, values)).replace(/```/g, '`\u200b`\u200b`');
}

// formatMarkdown is pure and every render of a phase calls it for each of its steps, whose texts
// rarely change: its results are kept, the least recently used dropped first.
const FORMATTED_KEPT = 20_000;
const formatted = new Map<string, string>();

/** Turns a step's CommonMark (inline) into safe Slack mrkdwn, placeholders filled from `values`. */
export function formatMarkdown(markdown: string, values: Readonly<Record<string, string>>): string {
  const key = `${JSON.stringify(values)}\u0000${markdown}`;
  const kept = formatted.get(key);
  if (kept !== undefined) {
    formatted.delete(key);
    formatted.set(key, kept);
    return kept;
  }
  const result = formatUncached(markdown, values);
  formatted.set(key, result);
  if (formatted.size > FORMATTED_KEPT) formatted.delete(formatted.keys().next().value as string);
  return result;
}

function formatUncached(markdown: string, values: Readonly<Record<string, string>>): string {
  const uses: { whole: string; value: string | null }[] = [];
  const masked = dedent(markdown.replace(/[\uE000\uE001]/g, '')).replace(
    PLACEHOLDER,
    (whole, key: string, fallback: string | undefined) => {
      const value = Object.hasOwn(values, key) ? (values[key] ?? '') : (fallback ?? null);
      uses.push({ whole, value: value?.replace(/[\uE000\uE001]/g, '') ?? null });
      return `${MARK_OPEN}${uses.length - 1}${MARK_CLOSE}`;
    },
  );
  const fillText: Fill = (text) =>
    // Values go in after parsing, so a parameter is never read as Markdown; unfilled ones stay visible,
    // in code style, so nobody runs them by mistake.
    text
      .replace(MARK, (m, i: string) => uses[Number(i)]?.value ?? m)
      .split(/(\uE000\d+\uE001)/)
      .map((part, k) =>
        k % 2 === 0 ? linkify(part) : code(uses[Number(MARK_INDEX.exec(part)?.[1])]?.whole ?? ''),
      )
      .join('');
  const raw: Fill = (text) =>
    text.replace(MARK, (_m, i: string) => uses[Number(i)]?.value ?? uses[Number(i)]?.whole ?? '');
  const root = parseMarkdown(masked);
  return root.children
    .map((node) => renderBlock(node, { text: fillText, raw }))
    .filter((s) => s.trim() !== '')
    .join('\n');
}

type Fill = (text: string) => string;
interface Fills {
  /** Text shown as mrkdwn: escaped, bare URLs linked, unfilled placeholders in code style. */
  text: Fill;
  /** The source with every placeholder filled or left as written; the caller escapes it. */
  raw: Fill;
}

function renderBlock(node: Nodes, fill: Fills): string {
  switch (node.type) {
    case 'list':
      return node.children.map((item) => `• ${renderChildren(item, fill, '\n')}`).join('\n');
    case 'code':
      return `\`\`\`${escapeText(fill.raw(node.value)).replace(/```/g, '`\u200b`\u200b`')}\`\`\``;
    case 'thematicBreak':
      return '';
    default:
      return 'children' in node
        ? renderChildren(node, fill, isBlockParent(node) ? '\n' : '')
        : renderInline(node, fill);
  }
}

function renderChildren(node: Parent, fill: Fills, separator: string): string {
  return node.children.map((child) => renderInline(child, fill)).join(separator);
}

function isBlockParent(node: Nodes): boolean {
  return (
    node.type === 'root' || node.type === 'blockquote' || node.type === 'listItem' || node.type === 'table'
  );
}

function renderInline(node: Nodes, fill: Fills): string {
  switch (node.type) {
    case 'text':
    case 'html':
      return fill.text(node.value);
    case 'strong':
      return wrap('*', renderChildren(node, fill, ''));
    case 'emphasis':
      return wrap('_', renderChildren(node, fill, ''));
    case 'delete':
      return wrap('~', renderChildren(node, fill, ''));
    case 'inlineCode':
      return code(fill.raw(node.value));
    case 'break':
      return '\n';
    case 'link':
    case 'image': {
      const label = node.type === 'image' ? (node.alt ?? '') : fill.raw(plainOf(node));
      return formatLink(fill.raw(node.url), label, () =>
        node.type === 'image' ? fill.text(label) : renderChildren(node, fill, ''),
      );
    }
    default:
      return 'children' in node ? renderBlock(node, fill) : '';
  }
}

const BARE_URL = /https?:\/\/[^\s<>"'`|]+/g;

/** Escapes text and turns bare http(s) URLs into explicit links (messages are sent `verbatim`). */
function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    const url = match[0].replace(/[.,;:!?)\]}]+$/, '');
    const href = safeHttpUrl(url);
    if (!href) continue;
    out += `${escapeText(text.slice(last, match.index))}<${href}>`;
    last = match.index + url.length;
  }
  return out + escapeText(text.slice(last));
}

/** `<url|label>` for an http(s) URL; for anything else (javascript:, data:, relative) only the label. */
function formatLink(url: string, label: string, fallback: () => string): string {
  const safeUrl = safeHttpUrl(url);
  if (!safeUrl) return fallback();
  const text = escapeText(label.replace(/[|<>]/g, '').trim());
  return text ? `<${safeUrl}|${text}>` : `<${safeUrl}>`;
}

function safeHttpUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // `|` would end the URL part of `<url|label>`; the URL parser leaves it unencoded.
  return escapeText(parsed.href.replace(/\|/g, '%7C'));
}

function plainOf(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'html') return node.value;
  if (node.type === 'image') return node.alt ?? '';
  return 'children' in node ? node.children.map(plainOf).join('') : '';
}

/** Slack needs the markers right against the text: `*bold*`, not `* bold *`. */
function wrap(marker: string, inner: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [, lead = '', body = '', trail = ''] = match ?? [];
  return body ? `${lead}${marker}${body}${marker}${trail}` : inner;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
