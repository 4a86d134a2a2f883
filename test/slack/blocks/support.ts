// Test support for the Block Kit renderers: a validator that checks every Slack limit the renderers
// promise (written independently of src/slack/blocks/limits.ts, so it does not trust what it tests),
// a walker over every string, and a RunView built from a test harness.
import type { KnownBlock } from '@slack/types';
import { expect } from 'vitest';
import type { RunView } from '../../../src/slack/blocks/index.js';
import type { Harness } from '../../runs/support.js';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** A RunView of the harness's run at the harness's clock. */
export function viewOf(run: Harness, overrides: Partial<RunView> = {}): RunView {
  return {
    runId: run.state.id,
    runbookName: 'payments-rollout',
    runbook: run.runbook,
    state: run.state,
    contentHash: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    gitCommit: '0123456789abcdef0123',
    version: 7,
    now: run.clock.now(),
    ...overrides,
  };
}

/** Calls `visit` with every string in a value, its path, and whether it sits in a plain_text object. */
export function walkStrings(
  value: unknown,
  visit: (s: string, path: string, plain: boolean) => void,
  path = '',
  plain = false,
): void {
  if (typeof value === 'string') visit(value, path, plain);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walkStrings(v, visit, `${path}/${i}`, plain);
  } else if (value && typeof value === 'object') {
    const isPlain = (value as { type?: unknown }).type === 'plain_text';
    for (const [k, v] of Object.entries(value)) walkStrings(v, visit, `${path}/${k}`, plain || isPlain);
  }
}

function textChars(value: unknown): number {
  let n = 0;
  walkStrings(value, (s, path) => {
    if (path.endsWith('/text')) n += s.length;
  });
  return n;
}

// Slack's date token (`<!date^epoch^{ago}|fallback>`) is the bot's own, never runbook text.
const DATE_TOKEN = /<!date\^\d{1,12}\^\{ago\}\|at \d\d:\d\d UTC>/g;
const SAFE_TOKEN = /^<(@[UW][A-Z0-9]{2,}|#[CGD][A-Z0-9]{2,}|https?:\/\/[^\s|<>]+(\|[^<>|]*)?)>$/;

/** Every `<…>` token in mrkdwn that is not a user or channel mention or an http(s) link. */
export function unsafeTokens(text: string): string[] {
  const s = text.replace(DATE_TOKEN, '');
  const bad: string[] = [];
  for (const m of s.matchAll(/<[^>]*>?/g)) if (!SAFE_TOKEN.test(m[0])) bad.push(m[0]);
  if (/<!/.test(s)) bad.push('<!');
  if (/javascript:/i.test(s.match(/<[^>]*>/g)?.join('') ?? '')) bad.push('javascript: link');
  return bad;
}

/** The user ids mentioned (`<@U…>`) in a message: in its fallback text and mrkdwn (plain text pings nobody). */
export function mentionsIn(msg: Message): string[] {
  const ids: string[] = [];
  walkStrings([msg.text, msg.blocks], (s, _path, plain) => {
    if (!plain) for (const m of s.matchAll(/<@([A-Z0-9]+)>/g)) ids.push(m[1] ?? '');
  });
  return ids;
}

type Loose = Record<string, unknown> & { type: string; block_id?: string };

/** Every limit the renderers promise for a message; returns what is wrong (empty when nothing). */
export function checkMessage(msg: Message, maxBlocks = 50): string[] {
  const problems: string[] = [];
  const fail = (p: string) => problems.push(p);
  if (!msg.text || msg.text.length > 4000) fail(`fallback text length ${msg.text.length}`);
  if (msg.blocks.length > maxBlocks) fail(`${msg.blocks.length} blocks`);
  if (maxBlocks === 50 && textChars(msg.blocks) > 10_000) fail(`block text ${textChars(msg.blocks)} > 10000`);
  const blockIds = new Set<string>();
  for (const [i, raw] of msg.blocks.entries()) {
    const block = raw as unknown as Loose;
    const at = `block ${i} (${block.type})`;
    if (!block.block_id || block.block_id.length > 255) fail(`${at}: block_id ${block.block_id}`);
    else if (blockIds.has(block.block_id)) fail(`${at}: duplicate block_id ${block.block_id}`);
    else blockIds.add(block.block_id);
    checkBlock(block, at, fail);
  }
  for (const t of unsafeTokens(msg.text)) fail(`fallback text: unsafe ${t}`);
  // Without `verbatim`, Slack would turn a bare "@here" in runbook text into a real mention.
  JSON.stringify(msg.blocks, (_k, v: unknown) => {
    const o = v as { type?: unknown; verbatim?: unknown } | null;
    if (o && typeof o === 'object' && o.type === 'mrkdwn' && o.verbatim !== true)
      fail('mrkdwn without verbatim');
    return v;
  });
  walkStrings(msg.blocks, (s, path, plain) => {
    if (!plain && path.endsWith('/text')) for (const t of unsafeTokens(s)) fail(`${path}: unsafe ${t}`);
  });
  return problems;
}

function checkBlock(block: Loose, at: string, fail: (p: string) => void): void {
  const text = block.text as { type: string; text: string } | undefined;
  if (block.type === 'header') {
    if (text?.type !== 'plain_text' || !text.text || text.text.length > 150)
      fail(`${at}: header ${text?.text}`);
  }
  if (block.type === 'section') {
    if (!text?.text?.trim() || text.text.length > 3000)
      fail(`${at}: section text length ${text?.text.length}`);
    if (block.accessory) checkButton(block.accessory as Loose, at, fail);
  }
  if (block.type === 'context') {
    const elements = block.elements as { text: string }[];
    if (elements.length > 10 || elements.some((e) => !e.text || e.text.length > 3000)) fail(`${at}: context`);
  }
  if (block.type === 'actions') {
    const elements = block.elements as Loose[];
    if (elements.length === 0 || elements.length > 5) fail(`${at}: ${elements.length} elements`);
    const ids = elements.map((e) => e.action_id as string);
    if (new Set(ids).size !== ids.length) fail(`${at}: duplicate action_ids ${ids.join(',')}`);
    if (elements.filter((e) => e.style === 'primary').length > 1) fail(`${at}: more than one primary`);
    for (const e of elements) checkButton(e, at, fail);
  }
}

function checkButton(b: Loose, at: string, fail: (p: string) => void): void {
  const text = b.text as { type: string; text: string };
  if (text.type !== 'plain_text' || !text.text || text.text.length > 75)
    fail(`${at}: button text ${text.text}`);
  const id = b.action_id as string;
  if (!id || id.length > 255) fail(`${at}: action_id ${id}`);
  if (typeof b.value === 'string' && b.value.length > 2000) fail(`${at}: value length`);
  const confirm = b.confirm as Record<string, { text: string }> | undefined;
  if (confirm) {
    if ((confirm.title?.text.length ?? 0) > 100 || (confirm.text?.text.length ?? 0) > 300)
      fail(`${at}: confirm`);
    if ((confirm.confirm?.text.length ?? 0) > 30 || (confirm.deny?.text.length ?? 0) > 30)
      fail(`${at}: confirm`);
  }
}

/** Asserts that a message keeps every limit and holds nothing unsafe. */
export function validateMessage(msg: Message): void {
  expect(checkMessage(msg)).toEqual([]);
}

/** All the mrkdwn and fallback text of some messages, one string (for `toContain` checks). */
export function allText(messages: Message | Message[]): string {
  const out: string[] = [];
  for (const msg of [messages].flat()) {
    out.push(msg.text);
    walkStrings(msg.blocks, (s, path) => {
      if (path.endsWith('/text')) out.push(s);
    });
  }
  return out.join('\n');
}

/** Only the mrkdwn text of some messages (what Slack parses), one string. */
export function mrkdwnOf(messages: Message | Message[]): string {
  const out: string[] = [];
  for (const msg of [messages].flat()) {
    walkStrings(msg.blocks, (s, path, plain) => {
      if (!plain && path.endsWith('/text')) out.push(s);
    });
  }
  return out.join('\n');
}

/** The buttons of some messages: action_id, label and value, in order. */
export function buttonsOf(
  messages: Message | Message[],
): { actionId: string; text: string; value: string; raw: Loose }[] {
  const found: { actionId: string; text: string; value: string; raw: Loose }[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Loose;
      if (o.type === 'button') {
        found.push({
          actionId: o.action_id as string,
          text: (o.text as { text: string }).text,
          value: o.value as string,
          raw: o,
        });
      }
      Object.values(o).forEach(visit);
    }
  };
  for (const msg of [messages].flat()) visit(msg.blocks);
  return found;
}
