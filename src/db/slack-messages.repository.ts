// Where a run's messages are in Slack: channel and ts of the parent and of each phase message part.
import { and, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { slackMessagesTable } from './schema.js';

/** A stored message of a run. */
export type StoredMessage = typeof slackMessagesTable.$inferSelect;

/** Which message: the run, its kind, phase and part. */
export type MessageKey = Pick<StoredMessage, 'runId' | 'kind' | 'phaseIndex' | 'part'>;

/**
 * A claimed render is stored as `claimed:<hash>` until Slack has it (`confirmRender`): a process
 * killed between the claim and the write leaves a claim that is not "shown", so it is sent again.
 */
export const claimedHash = (hash: string) => `claimed:${hash}`;

const whereKey = (k: MessageKey) =>
  and(
    eq(slackMessagesTable.runId, k.runId),
    eq(slackMessagesTable.kind, k.kind),
    eq(slackMessagesTable.phaseIndex, k.phaseIndex),
    eq(slackMessagesTable.part, k.part),
  );

/** Creates the Slack messages repository. */
export function createSlackMessagesRepository(db: Database) {
  return {
    async forRun(runId: string): Promise<StoredMessage[]> {
      return db.select().from(slackMessagesTable).where(eq(slackMessagesTable.runId, runId));
    },

    /** Is the message at `channelId`/`ts` one of the run's own (parent or phase message part)? */
    async isOfRun(runId: string, channelId: string, ts: string): Promise<boolean> {
      const rows = await db
        .select({ ts: slackMessagesTable.ts })
        .from(slackMessagesTable)
        .where(
          and(
            eq(slackMessagesTable.runId, runId),
            eq(slackMessagesTable.channelId, channelId),
            eq(slackMessagesTable.ts, ts),
          ),
        )
        .limit(1);
      return rows.length > 0;
    },

    /** Which run, if any, stored the message at `channelId`/`ts` as one of its own. */
    async runAt(channelId: string, ts: string): Promise<string | null> {
      const rows = await db
        .select({ runId: slackMessagesTable.runId })
        .from(slackMessagesTable)
        .where(and(eq(slackMessagesTable.channelId, channelId), eq(slackMessagesTable.ts, ts)))
        .limit(1);
      return rows[0]?.runId ?? null;
    },

    async save(
      message: Omit<StoredMessage, 'renderedVersion'> & { renderedVersion?: number },
    ): Promise<void> {
      await db
        .insert(slackMessagesTable)
        .values(message)
        .onConflictDoUpdate({
          target: [
            slackMessagesTable.runId,
            slackMessagesTable.kind,
            slackMessagesTable.phaseIndex,
            slackMessagesTable.part,
          ],
          set: {
            channelId: message.channelId,
            ts: message.ts,
            renderHash: message.renderHash,
            updatedAt: message.updatedAt,
            renderedVersion: message.renderedVersion ?? 0,
          },
        });
    },

    /**
     * Claims the right to show `version` (content `hash`) in this message: false when a newer
     * version, or this very content, is already shown, so an older render never goes out after a
     * newer one, whichever process or path carries it. (A claim not yet confirmed may be claimed
     * again with the same content: at worst the same content is sent twice.)
     */
    async claimRender(key: MessageKey, version: number, hash: string, at: string): Promise<boolean> {
      const rows = await db
        .update(slackMessagesTable)
        .set({ renderHash: claimedHash(hash), renderedVersion: version, updatedAt: at })
        .where(
          and(
            whereKey(key),
            or(
              lt(slackMessagesTable.renderedVersion, version),
              and(
                eq(slackMessagesTable.renderedVersion, version),
                sql`${slackMessagesTable.renderHash} is distinct from ${hash}`,
              ),
            ),
          ),
        )
        .returning({ ts: slackMessagesTable.ts });
      return rows.length > 0;
    },

    /** Slack has the claimed render: from now on it counts as shown. */
    async confirmRender(key: MessageKey, version: number, hash: string): Promise<void> {
      await db
        .update(slackMessagesTable)
        .set({ renderHash: hash })
        .where(
          and(
            whereKey(key),
            eq(slackMessagesTable.renderedVersion, version),
            eq(slackMessagesTable.renderHash, claimedHash(hash)),
          ),
        );
    },

    /** Gives a claim back after Slack refused the write: the next sync sends the message again. */
    async releaseRender(key: MessageKey, version: number, hash: string): Promise<void> {
      await db
        .update(slackMessagesTable)
        .set({ renderHash: null })
        .where(
          and(
            whereKey(key),
            eq(slackMessagesTable.renderedVersion, version),
            eq(slackMessagesTable.renderHash, claimedHash(hash)),
          ),
        );
    },

    /**
     * After a write of `version` reached Slack: true when a newer version was claimed meanwhile (by
     * another replica), whose write may have landed first; its claim is reset so it is sent again.
     */
    async overtaken(key: MessageKey, version: number): Promise<boolean> {
      const rows = await db
        .update(slackMessagesTable)
        .set({ renderHash: null })
        .where(and(whereKey(key), gt(slackMessagesTable.renderedVersion, version)))
        .returning({ ts: slackMessagesTable.ts });
      return rows.length > 0;
    },

    async markRendered(
      runId: string,
      kind: string,
      phaseIndex: number,
      part: number,
      hash: string,
      version: number,
      at: string,
    ): Promise<void> {
      await db
        .update(slackMessagesTable)
        .set({ renderHash: hash, renderedVersion: version, updatedAt: at })
        .where(
          and(
            eq(slackMessagesTable.runId, runId),
            eq(slackMessagesTable.kind, kind),
            eq(slackMessagesTable.phaseIndex, phaseIndex),
            eq(slackMessagesTable.part, part),
          ),
        );
    },
  };
}

/** The repository's type. */
export type SlackMessagesRepository = ReturnType<typeof createSlackMessagesRepository>;
