// Where a run's messages are in Slack: channel and ts of the parent and of each phase message part,
// the posts asked of Slack whose answer is not stored yet, and runs whose channel is gone.
import { and, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { runSlackStopsTable, slackMessagesTable, slackPostsTable } from './schema.js';

/** A stored message of a run. */
export type StoredMessage = typeof slackMessagesTable.$inferSelect;

/** Which message: the run, its kind, phase and part. */
export type MessageKey = Pick<StoredMessage, 'runId' | 'kind' | 'phaseIndex' | 'part'>;

/** A post asked of Slack whose ts is not stored yet. */
export type PostIntent = typeof slackPostsTable.$inferSelect;

/** What a claim found: send it, Slack already shows this content, or a newer render was shown. */
export type RenderClaim = 'send' | 'unchanged' | 'stale';

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

/** The columns of a message's slot (the primary key). */
const SLOT = [
  slackMessagesTable.runId,
  slackMessagesTable.kind,
  slackMessagesTable.phaseIndex,
  slackMessagesTable.part,
];

const wherePostKey = (k: MessageKey) =>
  and(
    eq(slackPostsTable.runId, k.runId),
    eq(slackPostsTable.kind, k.kind),
    eq(slackPostsTable.phaseIndex, k.phaseIndex),
    eq(slackPostsTable.part, k.part),
  );

/** Creates the Slack messages repository. */
export function createSlackMessagesRepository({ db }: { db: Db }) {
  return {
    /** Every stored message of every run (the audit of what Slack should show). */
    async all(): Promise<StoredMessage[]> {
      return db.select().from(slackMessagesTable);
    },

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

    /** The stored run message at `channelId`/`ts`, if it is one. */
    async at(channelId: string, ts: string): Promise<StoredMessage | undefined> {
      const [row] = await db
        .select()
        .from(slackMessagesTable)
        .where(and(eq(slackMessagesTable.channelId, channelId), eq(slackMessagesTable.ts, ts)))
        .limit(1);
      return row;
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
          target: SLOT,
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
     * Claims the right to show `version` (content `hash`) in this message. Content Slack already
     * shows is never sent again, whatever its version: the stored version moves forward without a
     * call ('unchanged'). A render older than the one shown is never sent ('stale'), whichever
     * process or path carries it. (A claim not yet confirmed may be claimed again with the same
     * content: at worst the same content is sent twice.)
     */
    async claimRender(key: MessageKey, version: number, hash: string, at: string): Promise<RenderClaim> {
      const rows = await db
        .update(slackMessagesTable)
        .set({
          renderHash: sql`case when ${slackMessagesTable.renderHash} = ${hash} then ${hash} else ${claimedHash(hash)} end`,
          renderedVersion: version,
          updatedAt: at,
        })
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
        .returning({ renderHash: slackMessagesTable.renderHash });
      const row = rows[0];
      if (!row) return 'stale';
      return row.renderHash === hash ? 'unchanged' : 'send';
    },

    /**
     * Slack shows these contents already: their stored version moves forward to `version`, so an
     * older render carried late by another process is refused by `claimRender`. One statement.
     */
    async advance(
      runId: string,
      version: number,
      shown: readonly (MessageKey & { hash: string })[],
    ): Promise<void> {
      if (shown.length === 0) return;
      const tuples = sql.join(
        shown.map((m) => sql`(${m.kind}, ${m.phaseIndex}::int, ${m.part}::int, ${m.hash})`),
        sql`, `,
      );
      await db
        .update(slackMessagesTable)
        .set({ renderedVersion: version })
        .where(
          and(
            eq(slackMessagesTable.runId, runId),
            lt(slackMessagesTable.renderedVersion, version),
            sql`(${slackMessagesTable.kind}, ${slackMessagesTable.phaseIndex}, ${slackMessagesTable.part}, ${slackMessagesTable.renderHash}) in (${tuples})`,
          ),
        );
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

    /** Notes a post about to be asked of Slack (its attempt id goes in the message metadata). */
    async beginPost(intent: PostIntent): Promise<void> {
      await db
        .insert(slackPostsTable)
        .values(intent)
        .onConflictDoUpdate({
          target: [
            slackPostsTable.runId,
            slackPostsTable.kind,
            slackPostsTable.phaseIndex,
            slackPostsTable.part,
          ],
          set: {
            attempt: intent.attempt,
            channelId: intent.channelId,
            threadTs: intent.threadTs,
            startedAt: intent.startedAt,
          },
        });
    },

    /** A post of this slot whose answer was never stored (a crash, or still in flight). */
    async postInFlight(key: MessageKey): Promise<PostIntent | undefined> {
      const [row] = await db.select().from(slackPostsTable).where(wherePostKey(key));
      return row;
    },

    /**
     * Stores the message Slack gave a slot, unless the slot already has one (a click adopted it, or
     * another post won): returns the ts the slot holds now. The post's intent row goes.
     */
    async place(
      message: Omit<StoredMessage, 'renderedVersion'> & { renderedVersion?: number },
      attempt: string | null,
    ): Promise<string> {
      return db.transaction(async (tx) => {
        // A click may have placed this very message first (without its render): keep what it shows.
        await tx
          .insert(slackMessagesTable)
          .values(message)
          .onConflictDoUpdate({
            target: SLOT,
            set: { renderHash: message.renderHash, renderedVersion: message.renderedVersion ?? 0 },
            setWhere: sql`${slackMessagesTable.ts} = ${message.ts} and ${slackMessagesTable.renderHash} is null and ${message.renderHash ?? null}::text is not null`,
          });
        const [row] = await tx
          .select({ ts: slackMessagesTable.ts })
          .from(slackMessagesTable)
          .where(whereKey(message));
        if (attempt)
          await tx
            .delete(slackPostsTable)
            .where(and(wherePostKey(message), eq(slackPostsTable.attempt, attempt)));
        return row?.ts ?? message.ts;
      });
    },

    /** A slot's message is gone from Slack: forget it (only if it still is that ts). */
    async forget(key: MessageKey, ts: string): Promise<void> {
      await db.delete(slackMessagesTable).where(and(whereKey(key), eq(slackMessagesTable.ts, ts)));
    },

    /** Which stored message a slot holds, if any. */
    async atSlot(key: MessageKey): Promise<StoredMessage | undefined> {
      const [row] = await db.select().from(slackMessagesTable).where(whereKey(key));
      return row;
    },

    /** Ends a run's Slack work: its channel is gone or archived. */
    async stopRun(runId: string, reason: string, at: string): Promise<void> {
      await db.insert(runSlackStopsTable).values({ runId, reason, stoppedAt: at }).onConflictDoNothing();
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
