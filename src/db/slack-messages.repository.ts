// Where a run's messages are in Slack: channel and ts of the parent and of each phase message part.
import { and, eq } from 'drizzle-orm';
import type { Database } from './client.js';
import { slackMessagesTable } from './schema.js';

/** A stored message of a run. */
export type StoredMessage = typeof slackMessagesTable.$inferSelect;

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
