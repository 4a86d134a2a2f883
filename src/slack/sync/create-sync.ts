// The sync of a process: the per-message writes, the run queue, the click feedback and the carriers
// of the effects sync does not know itself. It brings Slack to the committed state of every run, over
// the transport.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RunbookCatalog } from '../../catalog/runbook-catalog.js';
import { countPages } from '../../metrics/instrument.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { LoadedRun } from '../../runs/loaded-run.js';
import type { Clock } from '../../shared/clock.js';
import type { Store } from '../../usecases/deps.js';
import type { Transport } from '../outbound/transport.js';
import { createCarryEffects } from './carry-effects/index.js';
import { queueBehind } from './carry-effects/queue-offer.js';
import { createClickFeedback } from './click-feedback.js';
import { loadExpectedMessages } from './expected-messages.js';
import { createMessageWrites } from './message-writes.js';
import { createRenderMemo } from './render-run.js';
import { createRunQueue } from './run-queue.js';
import { createDmSender } from './send-dm.js';

/** Creates the sync over the store and the transport. */
export function createSync(input: {
  store: Store;
  transport: Transport;
  catalog: Pick<RunbookCatalog, 'load'>;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  workerId?: string | undefined;
}) {
  const { store, transport, logger, clock } = input;
  const { writer, budget } = transport;
  // What the messages show besides the run's state: the queue behind it.
  const viewExtras = (loaded: LoadedRun) => queueBehind(store.queue, loaded);
  const renders = createRenderMemo();
  const writes = createMessageWrites({
    writer,
    budget,
    messages: store.slackMessages,
    logger,
    clock,
    timer: transport.timer,
    gapMs: transport.timing.updateIntervalMs,
  });
  const queue = createRunQueue({
    runs: store.runs,
    outbox: store.outbox,
    messages: store.slackMessages,
    writer,
    writes,
    logger,
    clock,
    workerId: input.workerId ?? randomUUID(),
    sendDm: countPages(createDmSender(writer, store.escalationDms.remember), input.metrics),
    renders,
    carry: createCarryEffects({ store, catalog: input.catalog, writer, logger, clock }),
    viewExtras,
  });
  const feedback = createClickFeedback({
    messages: store.slackMessages,
    writes,
    writer,
    clock,
    logger,
    renders,
    viewExtras,
  });
  return {
    queue,
    feedback,
    /** Brings every active run's messages to the committed state, all runs at once (after a start). */
    async start(): Promise<void> {
      queue.catchUp((await store.queries.activeAll()).map((run) => run.id));
    },
    /** What every posted message should show now (the render of the committed state). */
    expectedMessages: () => loadExpectedMessages(store, clock.now(), viewExtras),
  };
}

/** The sync's type. */
export type Sync = ReturnType<typeof createSync>;
