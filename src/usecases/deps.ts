// What the use cases need: the store and the clock. The store's types are the port the edges
// (Slack, the worker) use: they import them from here, never from src/db.
import type { Database } from '../db/client.js';
import { createStore, type Store } from '../db/repositories.js';
import type { Clock } from '../shared/clock.js';

export type { OutboxItem } from '../db/outbox.repository.js';
export type { QueueEntry } from '../db/queue.repository.js';
export type { Repositories, Store } from '../db/repositories.js';
export type { MessageKey, PostIntent, StoredMessage } from '../db/slack-messages.repository.js';

/** Dependencies of the run use cases. */
export interface RunDeps {
  store: Store;
  clock: Clock;
}

/** Builds the dependencies over a database (tests and benches; the root builds its store once). */
export function createRunDeps(db: Database, clock: Clock): RunDeps {
  return { store: createStore(db), clock };
}
