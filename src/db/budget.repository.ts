// The workspace's Slack update budget as stored: a token bucket in Postgres, so that every replica
// draws on the same one. Refill and take are one statement under the row's lock.
import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { rowsOf } from './runs.repository.js';

/** Creates the budget repository. */
export function createBudgetRepository({ db }: { db: Db }) {
  const ensured = new Map<string, Promise<void>>();
  return {
    /**
     * Refills bucket `key` by the time elapsed since its last refill (`rate` tokens a second, at most
     * `burst`), takes a token when there is one, and says what was there. The bucket starts full.
     * Time is the caller's (`now`, seconds), so tests can move it; a refill never goes backwards, so
     * a replica whose clock is behind never gets the same refill twice.
     */
    async take(
      key: string,
      burst: number,
      rate: number,
      now: number,
    ): Promise<{ granted: boolean; available: number }> {
      let ready = ensured.get(key);
      if (!ready) {
        ready = db
          .execute(
            sql`insert into slack_budget (key, tokens, refilled_at)
                values (${key}, ${burst}, ${now}::float8)
                on conflict (key) do nothing`,
          )
          .then(() => undefined);
        ensured.set(key, ready);
        ready.catch(() => ensured.delete(key));
      }
      await ready;
      const result = await db.execute(sql`
        with cur as (
          select key, least(${burst}::float8,
            tokens + greatest(0, ${now}::float8 - refilled_at) * ${rate}::float8) as t
          from slack_budget where key = ${key} for update
        ), upd as (
          update slack_budget b set tokens = cur.t - 1, refilled_at = greatest(b.refilled_at, ${now}::float8)
          from cur where b.key = cur.key and cur.t >= 1 returning b.key
        )
        select (select t from cur) as available, (select count(*) from upd)::int as granted`);
      const row = rowsOf(result)[0] ?? {};
      return { granted: Number(row.granted) > 0, available: Number(row.available ?? 0) };
    },
  };
}

/** The repository's type. */
export type BudgetRepository = ReturnType<typeof createBudgetRepository>;
