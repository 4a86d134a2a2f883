// The buttons a message of the fake Slack shows, as a person would click them (benches that drive
// the bot from the Slack side).
import type { FakeMessage } from '../../test/support/fake-slack.js';

export interface Button {
  actionId: string;
  value: string;
  blockId: string;
}

/** The buttons of a message: in its blocks' elements and accessories. */
export function buttonsOf(m: Pick<FakeMessage, 'blocks'> | undefined): Button[] {
  const out: Button[] = [];
  for (const b of (m?.blocks ?? []) as { block_id?: string; elements?: unknown[]; accessory?: unknown }[]) {
    for (const e of [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])] as Record<
      string,
      string
    >[]) {
      if (e.type === 'button' && e.action_id)
        out.push({ actionId: e.action_id, value: e.value ?? '', blockId: b.block_id ?? '' });
    }
  }
  return out;
}
