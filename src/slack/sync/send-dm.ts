// Escalation DMs: open (and remember) the DM channel, then post the page with an Acknowledge button.
import type { RunEffect } from '../../runs/index.js';
import type { LoadedRun } from '../../runs/loaded-run.js';
import { buildEscalationDm } from '../blocks/dm-blocks.js';
import type { SlackWriter } from '../outbound/slack-writer.js';

/** Creates the DM sender; DM channels are cached per user (they never change). `remember` stores where each page went. */
export function createDmSender(
  writer: SlackWriter,
  remember?: (
    runId: string,
    round: number,
    contactIndex: number,
    at: { channel: string; ts: string },
  ) => Promise<void>,
) {
  const channels = new Map<string, string>();
  return async (
    loaded: LoadedRun,
    effect: Extract<RunEffect, { type: 'dm_contact' }>,
    threadLink: string,
  ): Promise<void> => {
    let channel = channels.get(effect.userId);
    if (!channel) {
      const opened = await writer.reads.openDm(effect.userId);
      channel = opened.channel?.id ?? effect.userId;
      channels.set(effect.userId, channel);
    }
    const posted = await writer.post(channel, buildEscalationDm(loaded, effect, threadLink));
    await remember?.(loaded.meta.id, effect.round, effect.contactIndex, posted);
  };
}
