// Rollback moments (hand_offs rows, written in the command's transaction) turned into PagerDuty
// events: a trigger when the directory says so, then acknowledge and resolve of a triggered run.
// Each row is taken under a row lock (skip locked), so replicas turn it into events once.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database, Transaction } from '../db/client.js';
import { createRunsRepository, rowsOf } from '../db/runs.repository.js';
import { handOffsTable, pagerdutyEventsTable } from '../db/schema.js';
import type { Directory } from '../directory/schema.js';
import type { LoadedRun } from '../runs/loaded-run.js';
import type { Clock } from '../shared/clock.js';
import { dedupKeyOf } from './events-api.js';
import { actionFor, type HandOffEvent, triggerPayload } from './hand-off-events.js';

interface PumpDeps {
  db: Database;
  clock: Clock;
  directory: () => Directory;
}

/** Turns every pending hand-off into the PagerDuty event it asks for (or none), oldest first. */
export async function pumpHandOffs(deps: PumpDeps): Promise<void> {
  const pending = await deps.db
    .select({ id: handOffsTable.id })
    .from(handOffsTable)
    .where(isNull(handOffsTable.doneAt))
    .orderBy(asc(handOffsTable.id))
    .limit(100);
  for (const { id } of pending) {
    await deps.db.transaction(async (tx) => {
      const locked = rowsOf(
        await tx.execute(
          sql`select run_id, event from hand_offs where id = ${id} and done_at is null for update skip locked`,
        ),
      )[0];
      if (!locked) return;
      const loaded = await createRunsRepository({ db: tx }).loadRun(String(locked.run_id));
      if (loaded) await recordEvent(tx, deps, loaded, String(locked.event) as HandOffEvent);
      await tx
        .update(handOffsTable)
        .set({ doneAt: deps.clock.now().toISOString() })
        .where(eq(handOffsTable.id, id));
    });
  }
}

/** Records the event a rollback moment asks for, once per run and action. Rehearsals never page. */
async function recordEvent(tx: Transaction, deps: PumpDeps, loaded: LoadedRun, event: HandOffEvent) {
  const settings = deps.directory().pagerduty;
  if (!settings || loaded.state.rehearsal) return;
  const action = actionFor(event, settings.triggerOn);
  if (!action) return;
  const runId = loaded.meta.id;
  if (action !== 'trigger') {
    const [triggered] = await tx
      .select({ id: pagerdutyEventsTable.id })
      .from(pagerdutyEventsTable)
      .where(and(eq(pagerdutyEventsTable.runId, runId), eq(pagerdutyEventsTable.action, 'trigger')));
    if (!triggered) return;
  }
  const now = deps.clock.now().toISOString();
  await tx
    .insert(pagerdutyEventsTable)
    .values({
      runId,
      action,
      dedupKey: dedupKeyOf(runId),
      routingKeyEnv: settings.routingKeyEnv,
      payload: action === 'trigger' ? triggerPayload(loaded, event) : null,
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing();
}
