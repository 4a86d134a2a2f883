// Who has opened the bot's App Home: only their Homes are published when a run changes status.
import { inArray } from 'drizzle-orm';
import type { Db } from './client.js';
import { homeViewersTable } from './schema.js';

/** Creates the home viewers repository. */
export function createHomeViewersRepository({ db }: { db: Db }) {
  return {
    /** Records that `userId` opened the Home (the first time counts; later ones change nothing). */
    async opened(userId: string, at: string): Promise<void> {
      await db.insert(homeViewersTable).values({ userId, firstOpenedAt: at }).onConflictDoNothing();
    },
    /** Which of `userIds` have opened the Home. */
    async among(userIds: readonly string[]): Promise<string[]> {
      if (userIds.length === 0) return [];
      const rows = await db
        .select({ userId: homeViewersTable.userId })
        .from(homeViewersTable)
        .where(inArray(homeViewersTable.userId, [...userIds]));
      return rows.map((r) => r.userId);
    },
  };
}
