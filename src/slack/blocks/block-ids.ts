// Stable block_ids: a block's place in the message (the id its renderer gave it) and a hash of what
// it shows. An unchanged block keeps its id across renders, so an unchanged message renders to the
// same JSON and is never sent again; a changed block gets a new id, as Slack asks of updates.
import type { KnownBlock } from '@slack/types';
import type { MessageContent } from './run-view.js';

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

/** The same message with every block_id replaced by `<place>.<content hash>`. */
export function stampBlockIds(message: Required<MessageContent>): Required<MessageContent> {
  const blocks = message.blocks.map((block, index): KnownBlock => {
    const { block_id: place, ...content } = block as KnownBlock & { block_id?: string };
    const base = (place ?? `b${index}`).slice(0, MAX_BLOCK_ID - 16);
    return { ...block, block_id: `${base}.${contentHash(JSON.stringify(content))}` } as KnownBlock;
  });
  return { text: message.text, blocks };
}
