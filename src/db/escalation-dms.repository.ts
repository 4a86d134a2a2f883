// Where each escalation DM went, so that paging's end can edit every one of them.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './client.js';
import { escalationDmsTable } from './schema.js';

/** A page DM as stored. */
export type StoredDm = typeof escalationDmsTable.$inferSelect;

/** Creates the escalation DMs repository. */
export function createEscalationDmsRepository({ db }: { db: Db }) {
  return {
    /** Stores where a page DM went (once per round and position). */
    async remember(runId: string, round: number, position: number, at: { channel: string; ts: string }) {
      await db
        .insert(escalationDmsTable)
        .values({ runId, round, position, channelId: at.channel, ts: at.ts })
        .onConflictDoNothing();
    },
    /** The run's DMs that still have their Acknowledge button. */
    async open(runId: string): Promise<StoredDm[]> {
      return db
        .select()
        .from(escalationDmsTable)
        .where(and(eq(escalationDmsTable.runId, runId), isNull(escalationDmsTable.closedAt)));
    },
    /** Marks a DM closed (its button is gone). */
    async markClosed(dm: Pick<StoredDm, 'runId' | 'round' | 'position'>, at: string): Promise<void> {
      await db
        .update(escalationDmsTable)
        .set({ closedAt: at })
        .where(
          and(
            eq(escalationDmsTable.runId, dm.runId),
            eq(escalationDmsTable.round, dm.round),
            eq(escalationDmsTable.position, dm.position),
          ),
        );
    },
  };
}

/** The repository's type. */
export type EscalationDmsRepository = ReturnType<typeof createEscalationDmsRepository>;
