// Stable block_ids: a block's place in the message (the id its renderer gave it) and a hash of what
// it shows. An unchanged block keeps its id across renders, so an unchanged message renders to the
// same JSON and is never sent again; a changed block gets a new id, as Slack asks of updates.
import type { KnownBlock } from '@slack/types';
import type { RenderedMessage } from './run-view.js';

const MAX_BLOCK_ID = 255;

/** FNV-1a over UTF-16 code units, two lanes for 64 bits; enough to tell renders of one block apart. */
function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}

// Blocks are never changed once built, and a step's blocks are kept from render to render
// (step-blocks.ts): a block already stamped under the same place is not serialised again.
const stamped = new WeakMap<KnownBlock, { base: string; block: KnownBlock }>();

/** The same message with every block_id replaced by `<place>.<content hash>`. */
export function stampBlockIds(message: RenderedMessage): RenderedMessage {
  const blocks = message.blocks.map((block, index): KnownBlock => {
    const place = (block as { block_id?: string }).block_id;
    const base = (place ?? `b${index}`).slice(0, MAX_BLOCK_ID - 16);
    const kept = stamped.get(block);
    if (kept?.base === base) return kept.block;
    const { block_id: _place, ...content } = block as KnownBlock & { block_id?: string };
    const result = { ...block, block_id: `${base}.${contentHash(JSON.stringify(content))}` } as KnownBlock;
    stamped.set(block, { base, block: result });
    return result;
  });
  return { text: message.text, blocks };
}
