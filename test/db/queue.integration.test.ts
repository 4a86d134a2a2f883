// The queue in the database: offers race safely (two workers, one offer), a held lock blocks them,
// expiry hands the lock to the next in line, and cancelling the standing offer offers the next.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import { createQueueRepository, type NewEntry } from '../../src/db/queue.repository.js';
import { outboxTable } from '../../src/db/schema.js';
import { parseRunbook } from '../../src/runbook/index.js';
import { createTestClock, type TestClock } from '../../src/shared/clock.js';
import { createRunDeps } from '../../src/usecases/deps.js';
import { executeCommand } from '../../src/usecases/execute-command.js';
import { startRunUseCase } from '../../src/usecases/start-run.js';
import { createTestDatabase, DRIVERS, type TestDatabase } from '../support/database.js';

const RUNBOOK = parseRunbook('# Mini\n## Deploy\n- [ ] Ship\n## Rollback\n1. Revert\n');

describe.each(DRIVERS)('the queue in the database (%s)', (driver) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let clock: TestClock;
  beforeEach(async () => {
    database = await createTestDatabase(driver);
    handle = await database.open();
    clock = createTestClock();
  });
  afterEach(async () => {
    await handle.close();
    await database.dispose();
  });

  async function holderThenQueue(...starters: string[]) {
    const deps = createRunDeps(handle.db, clock);
    const started = await startRunUseCase(deps, {
      runbookName: 'mini',
      runbook: RUNBOOK,
      contentHash: 'h',
      gitCommit: null,
      channelId: 'C1',
      starterId: 'UHOLDER',
      environment: 'prod',
      rehearsal: false,
      params: {},
    });
    if (!started.ok) throw new Error('start failed');
    const queue = createQueueRepository({ db: handle.db });
    const entry = (starterId: string): NewEntry => ({
      runbookName: 'mini',
      environment: 'prod',
      channelId: 'C1',
      starterId,
      params: {},
      rehearsal: false,
      behindRunId: started.runId,
      status: 'waiting',
    });
    for (const s of starters) await queue.add(entry(s), clock.now());
    return { deps, queue, runId: started.runId };
  }

  it('no offer while the lock is held; after the release, two workers racing make one offer', async () => {
    const { deps, queue, runId } = await holderThenQueue('UBOB', 'UCAROL');
    expect(await queue.offerNext('mini', 'prod', runId, clock.now(), 15)).toBeNull();
    await executeCommand(deps, {
      runId,
      command: { type: 'abort', userId: 'UHOLDER', reason: null, isAdmin: false },
      idempotencyKey: null,
    });
    // The release queued the offer as Slack work of the ended run.
    const work = await handle.db.select().from(outboxTable).where(eq(outboxTable.runId, runId));
    expect(work.map((w) => w.effect.type)).toContain('offer_queue');
    const offers = await Promise.all(
      Array.from({ length: 8 }, () => queue.offerNext('mini', 'prod', runId, clock.now(), 15)),
    );
    expect(new Set(offers.map((o) => o?.id)).size).toBe(1);
    expect(offers[0]?.starterId).toBe('UBOB');
    const line = await queue.queued('mini', 'prod');
    expect(line.map((e) => [e.starterId, e.status])).toEqual([
      ['UBOB', 'offered'],
      ['UCAROL', 'waiting'],
    ]);
    // One Start now wins.
    const claims = await Promise.all(
      [1, 2, 3].map(() => queue.claimStart(line[0]?.id ?? 0, 'UBOB', clock.now())),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('an expired offer goes to the next in line; cancelling the standing offer does too', async () => {
    const { deps, queue, runId } = await holderThenQueue('UBOB', 'UCAROL', 'UDAVE');
    await executeCommand(deps, {
      runId,
      command: { type: 'abort', userId: 'UHOLDER', reason: null, isAdmin: false },
      idempotencyKey: null,
    });
    const bob = await queue.offerNext('mini', 'prod', runId, clock.now(), 15);
    clock.advanceMinutes(14);
    expect(await queue.expireOffers(clock.now())).toEqual([]);
    clock.advanceMinutes(1);
    expect((await queue.expireOffers(clock.now())).map((e) => e.id)).toEqual([bob?.id]);
    expect(await queue.claimStart(bob?.id ?? 0, 'UBOB', clock.now())).toBeNull();
    const carol = await queue.offerNext('mini', 'prod', runId, clock.now(), 15);
    expect(carol?.starterId).toBe('UCAROL');
    expect(await queue.cancel(carol?.id ?? 0, 'UBOB', clock.now())).toBeNull();
    expect((await queue.cancel(carol?.id ?? 0, 'UCAROL', clock.now()))?.status).toBe('cancelled');
    expect((await queue.offerNext('mini', 'prod', runId, clock.now(), 15))?.starterId).toBe('UDAVE');
    const work = await handle.db.select().from(outboxTable).where(eq(outboxTable.runId, runId));
    // The release, Bob's expiry and Carol's cancel each queued an offer.
    expect(work.filter((w) => w.effect.type === 'offer_queue')).toHaveLength(3);
    // Bob's expired offer and Carol's cancelled one are each edited once to lose their buttons.
    expect(work.flatMap((w) => (w.effect.type === 'close_offer' ? [w.effect.entryId] : []))).toEqual([
      bob?.id,
      carol?.id,
    ]);
    // A start cut off between its claim and its end (the process died) does not hold the queue: it
    // expires with its offer, and the next in line is asked.
    const dave = await queue.offerNext('mini', 'prod', runId, clock.now(), 15);
    expect(dave?.starterId).toBe('UDAVE');
    expect(await queue.claimStart(dave?.id ?? 0, 'UDAVE', clock.now())).toMatchObject({ status: 'starting' });
    clock.advanceMinutes(15);
    expect((await queue.expireOffers(clock.now())).map((e) => [e.starterId, e.status])).toEqual([
      ['UDAVE', 'expired'],
    ]);
    const after = await handle.db.select().from(outboxTable).where(eq(outboxTable.runId, runId));
    expect(after.filter((w) => w.effect.type === 'offer_queue')).toHaveLength(4);
  });
});
