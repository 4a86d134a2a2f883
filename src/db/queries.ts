// Read-only questions the Slack surfaces ask: runs in a channel, a user's runs, the last run of a runbook.
import { and, desc, eq, inArray, like, or, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../runs/index.js';
import type { RunListing } from '../runs/loaded-run.js';
import type { Db } from './client.js';
import {
  approvalsTable,
  runSlackStopsTable,
  runStepsTable,
  runsTable,
  slackMessagesTable,
} from './schema.js';

/** Creates the queries. */
export function createRunQueries({ db }: { db: Db }) {
  const listing = () =>
    db
      .select({
        id: runsTable.id,
        runbookName: runsTable.runbookName,
        environment: runsTable.environment,
        channelId: runsTable.channelId,
        starterId: runsTable.starterId,
        status: runsTable.status,
        startedAt: runsTable.startedAt,
        finishedAt: runsTable.finishedAt,
        parentTs: sql<
          string | null
        >`(select ${slackMessagesTable.ts} from ${slackMessagesTable} where ${slackMessagesTable.runId} = ${runsTable.id} and ${slackMessagesTable.kind} = 'parent' limit 1)`,
      })
      .from(runsTable);

  return {
    activeInChannel: (channelId: string) =>
      listing()
        .where(and(eq(runsTable.channelId, channelId), inArray(runsTable.status, [...ACTIVE_STATUSES])))
        .orderBy(desc(runsTable.startedAt))
        .limit(20),
    activeAll: () =>
      listing()
        .where(inArray(runsTable.status, [...ACTIVE_STATUSES]))
        .limit(500),
    /**
     * A run by its full id or the short id people see (its first 8 characters, at least: a shorter
     * prefix typed by hand would let anyone walk the runs with a few guesses).
     */
    async find(idOrPrefix: string): Promise<RunListing | null> {
      if (!/^[0-9a-f-]{8,36}$/i.test(idOrPrefix)) return null;
      const rows = await listing()
        .where(like(sql`${runsTable.id}::text`, `${idOrPrefix.toLowerCase()}%`))
        .limit(2);
      return rows.length === 1 ? (rows[0] ?? null) : null;
    },
    /** How many runs are active, started by `starterId` and in `channelId` (each when given). */
    /** Why a run's Slack work ended (its channel is gone or archived), or null while it goes on. */
    async slackStop(runId: string): Promise<string | null> {
      const [row] = await db
        .select({ reason: runSlackStopsTable.reason })
        .from(runSlackStopsTable)
        .where(eq(runSlackStopsTable.runId, runId));
      return row?.reason ?? null;
    },

    async activeCount(where: { starterId?: string; channelId?: string }): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(runsTable)
        .where(
          and(
            inArray(runsTable.status, [...ACTIVE_STATUSES]),
            where.starterId ? eq(runsTable.starterId, where.starterId) : undefined,
            where.channelId ? eq(runsTable.channelId, where.channelId) : undefined,
          ),
        );
      return Number(row?.n ?? 0);
    },
    /** The runs a person started, owns, approved or did a step of (their App Home). */
    forUser: (userId: string, limit = 10) =>
      listing()
        .where(
          or(
            eq(runsTable.starterId, userId),
            sql`exists (select 1 from ${runStepsTable} where ${runStepsTable.runId} = ${runsTable.id} and ${runStepsTable.by} = ${userId})`,
            sql`exists (select 1 from ${approvalsTable} where ${approvalsTable.runId} = ${runsTable.id} and ${approvalsTable.approverId} = ${userId})`,
            sql`exists (select 1 from jsonb_each(${runsTable.owners}) o where o.value->>'userId' = ${userId})`,
          ),
        )
        .orderBy(desc(runsTable.startedAt))
        .limit(limit),
    lastOf: async (runbookName: string) =>
      (
        await listing()
          .where(eq(runsTable.runbookName, runbookName))
          .orderBy(desc(runsTable.startedAt))
          .limit(1)
      )[0] ?? null,
  };
}
