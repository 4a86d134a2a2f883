// What real Slack rejects in Block Kit payloads (reference §2), and which mentions a message carries (§7).
// Limits follow Slack's docs; the total-text cap is undocumented (~12–13 k, bolt-js #2509), so it is an option.

/** Limits the fake enforces; override per fake with `createFakeSlack({ limits })`. */
export interface BlockLimits {
  /** Blocks per message (50) — views get `viewBlocks`. */
  messageBlocks: number;
  /** Blocks per modal or Home tab (100). */
  viewBlocks: number;
  /** Top-level `text` length above which the call fails with `msg_too_long`. */
  text: number;
  /** Total characters of text across all blocks above which the call fails with `msg_blocks_too_long`. */
  blockTextTotal: number;
}

export const DEFAULT_LIMITS: BlockLimits = {
  messageBlocks: 50,
  viewBlocks: 100,
  text: 40_000,
  blockTextTotal: 13_000,
};

/** One rejected rule, with Slack's JSON-pointer style detail. */
export interface BlockProblem {
  pointer: string;
  message: string;
}

/** The outcome Slack would answer for a payload: `null` when it would be accepted. */
export interface PayloadError {
  error: 'invalid_blocks' | 'invalid_blocks_format' | 'msg_too_long' | 'msg_blocks_too_long' | 'no_text';
  problems: BlockProblem[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const textOf = (value: unknown): string | undefined =>
  isObject(value) && typeof value.text === 'string' ? value.text : undefined;

/** Checks a chat message (`text` + `blocks`) the way chat.postMessage / chat.update / chat.postEphemeral do. */
export function validateMessage(body: Json, limits: BlockLimits = DEFAULT_LIMITS): PayloadError | null {
  const text = typeof body.text === 'string' ? body.text : '';
  const hasBlocks = Array.isArray(body.blocks)
    ? body.blocks.length > 0
    : body.blocks !== undefined && body.blocks !== '';
  if (!text && !hasBlocks && body.attachments === undefined) return { error: 'no_text', problems: [] };
  if (text.length > limits.text) {
    return {
      error: 'msg_too_long',
      problems: [{ pointer: '/text', message: `must be at most ${limits.text} characters` }],
    };
  }
  return hasBlocks ? validateBlocks(body.blocks, limits.messageBlocks, limits) : null;
}

/** Checks a view (Home tab or modal): at most `viewBlocks` blocks, each valid. */
export function validateView(view: unknown, limits: BlockLimits = DEFAULT_LIMITS): PayloadError | null {
  if (!isObject(view))
    return { error: 'invalid_blocks_format', problems: [{ pointer: '/view', message: 'not an object' }] };
  return validateBlocks(view.blocks ?? [], limits.viewBlocks, limits, '/view');
}

/** Checks a blocks array; `max` is the per-surface block count. */
export function validateBlocks(
  blocks: unknown,
  max: number,
  limits: BlockLimits = DEFAULT_LIMITS,
  base = '',
): PayloadError | null {
  if (!Array.isArray(blocks) || !blocks.every(isObject)) {
    return {
      error: 'invalid_blocks_format',
      problems: [{ pointer: `${base}/blocks`, message: 'must be an array of objects' }],
    };
  }
  const problems: BlockProblem[] = [];
  const add = (pointer: string, message: string) =>
    problems.push({ pointer: `${base}/blocks${pointer}`, message });
  if (blocks.length > max) add('', `no more than ${max} items allowed`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) add(`/${i}/block_id`, `duplicate block_id '${block.block_id}'`);
      if (block.block_id.length > 255) add(`/${i}/block_id`, 'must be less than 256 characters');
      blockIds.add(block.block_id);
    }
    checkBlock(block, `/${i}`, add);
  });
  if (problems.length > 0) return { error: 'invalid_blocks', problems };
  const total = allTexts(blocks).reduce((sum, text) => sum + text.length, 0);
  if (total > limits.blockTextTotal) {
    return {
      error: 'msg_blocks_too_long',
      problems: [{ pointer: `${base}/blocks`, message: `block text totals ${total} characters` }],
    };
  }
  return null;
}

type Add = (pointer: string, message: string) => void;

function checkLength(value: unknown, pointer: string, min: number, max: number, add: Add): void {
  const text = textOf(value);
  if (text === undefined) {
    add(pointer, 'must be a text object');
    return;
  }
  if (text.length < min) add(`${pointer}/text`, `must be more than ${min - 1} characters`);
  if (text.length > max) add(`${pointer}/text`, `must be less than ${max + 1} characters`);
}

function checkBlock(block: Json, at: string, add: Add): void {
  switch (block.type) {
    case 'section':
      if (block.text !== undefined) checkLength(block.text, `${at}/text`, 1, 3000, add);
      if (Array.isArray(block.fields)) {
        if (block.fields.length > 10) add(`${at}/fields`, 'no more than 10 items allowed');
        block.fields.forEach((field, j) => {
          checkLength(field, `${at}/fields/${j}`, 1, 2000, add);
        });
      }
      if (block.text === undefined && block.fields === undefined) add(at, 'must provide text or fields');
      if (isObject(block.accessory)) checkElement(block.accessory, `${at}/accessory`, add);
      return;
    case 'header':
      if (!isObject(block.text) || block.text.type !== 'plain_text') add(`${at}/text`, 'must be plain_text');
      checkLength(block.text, `${at}/text`, 1, 150, add);
      return;
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0) add(`${at}/elements`, 'must provide at least 1 item');
      if (elements.length > 25) add(`${at}/elements`, 'no more than 25 items allowed');
      const actionIds = new Set<string>();
      elements.forEach((element, j) => {
        if (!isObject(element)) {
          add(`${at}/elements/${j}`, 'must be an object');
          return;
        }
        if (typeof element.action_id === 'string') {
          if (actionIds.has(element.action_id)) {
            add(`${at}/elements/${j}/action_id`, `duplicate action_id '${element.action_id}'`);
          }
          actionIds.add(element.action_id);
        }
        checkElement(element, `${at}/elements/${j}`, add);
      });
      return;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0 || elements.length > 10) add(`${at}/elements`, 'must provide 1 to 10 items');
      return;
    }
    case 'markdown':
      if (typeof block.text !== 'string' || block.text.length > 12_000) {
        add(`${at}/text`, 'must be a string of at most 12000 characters');
      }
      return;
    default:
      return;
  }
}

function checkElement(element: Json, at: string, add: Add): void {
  if (typeof element.action_id === 'string' && element.action_id.length > 255) {
    add(`${at}/action_id`, 'must be less than 256 characters');
  }
  if (element.type !== 'button') return;
  checkLength(element.text, `${at}/text`, 1, 75, add);
  if (typeof element.value === 'string' && element.value.length > 2000) {
    add(`${at}/value`, 'must be less than 2001 characters');
  }
  if (typeof element.url === 'string' && element.url.length > 3000) {
    add(`${at}/url`, 'must be less than 3001 characters');
  }
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    add(`${at}/style`, 'must be primary or danger');
  }
}

/** Every `text` string anywhere in blocks (text objects, fields, markdown blocks), plus rich-text mentions. */
export function allTexts(value: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!isObject(node)) return;
    if (typeof node.text === 'string') out.push(node.text);
    // Rich text carries mentions as elements rather than `<…>` tokens.
    if (node.type === 'user' && typeof node.user_id === 'string') out.push(`<@${node.user_id}>`);
    if (node.type === 'usergroup' && typeof node.usergroup_id === 'string') {
      out.push(`<!subteam^${node.usergroup_id}>`);
    }
    if (node.type === 'broadcast' && typeof node.range === 'string') out.push(`<!${node.range}>`);
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'text' || typeof child !== 'string') walk(child);
    }
  };
  walk(value);
  return out;
}

const MENTION = /<[@!][^<>]*>/g;

/**
 * Every `<@…>` and `<!…>` token in a message's `text` and in all text of its `blocks`, in order, as sent
 * (labels included, e.g. `<!subteam^S1|@oncall>`). Escaped text (`&lt;!channel&gt;`) yields nothing.
 */
export function mentionsIn(message: { text?: unknown; blocks?: unknown }): string[] {
  const texts = [typeof message.text === 'string' ? message.text : '', ...allTexts(message.blocks ?? [])];
  return texts.flatMap((text) => text.match(MENTION) ?? []);
}

/** The id a mention targets: `U123` for `<@U123|bob>`, `S1` for `<!subteam^S1>`, `channel` for `<!channel>`. */
export function mentionTarget(token: string): { kind: 'user' | 'subteam' | 'special' | 'other'; id: string } {
  const inner = token.slice(1, -1).split('|')[0] ?? '';
  if (inner.startsWith('@')) return { kind: 'user', id: inner.slice(1) };
  if (inner.startsWith('!subteam^')) return { kind: 'subteam', id: inner.slice('!subteam^'.length) };
  const word = inner.slice(1);
  if (word === 'channel' || word === 'here' || word === 'everyone') return { kind: 'special', id: word };
  return { kind: 'other', id: word };
}
