// When a run's Slack work is done: at once after a commit (a kick), after a restart (catch-up), and
// by the poll for work nobody holds (another replica's crash, a Slack outage). One sync per run at a
// time in this process; outbox claims keep other processes out.
import type { Logger } from 'pino';
import type { LoadedRun } from '../../runs/loaded-run.js';
import { createSyncMemory, forgetDeleted, type SyncDeps, type SyncOptions, syncRun } from './sync-run.js';

interface Entry {
  again: boolean;
  refresh: boolean;
  urgent: boolean;
  loaded: LoadedRun | undefined;
  done: Promise<void>;
}

/** Creates the queue over sync's dependencies. */
export function createRunQueue(deps: Omit<SyncDeps, 'memory' | 'track' | 'resync'> & { logger: Logger }) {
  const syncing = new Map<string, Entry>();
  // A replica overtook one of our writes: the run's messages are brought up to date again.
  deps.writes.onOvertaken((runId) => track(sync(runId, { refresh: true })));
  const inFlight = new Set<Promise<unknown>>();
  // A round's writes go on after it (sync-run.ts `follow`): a stop waits for them too.
  const syncDeps: SyncDeps = {
    ...deps,
    memory: createSyncMemory(),
    track,
    resync: (runId) => track(sync(runId, { refresh: true })),
  };

  const newer = (a: LoadedRun | undefined, b: LoadedRun | undefined) =>
    !a || (b && b.version > a.version) ? b : a;

  /** Syncs a run; a call while one runs asks it to go round once more (with the newest state given). */
  function sync(runId: string, options: SyncOptions = {}): Promise<void> {
    const current = syncing.get(runId);
    if (current) {
      current.again = true;
      current.refresh ||= Boolean(options.refresh);
      current.urgent ||= Boolean(options.urgent);
      current.loaded = newer(current.loaded, options.loaded);
      return current.done;
    }
    const entry: Entry = {
      again: false,
      refresh: Boolean(options.refresh),
      urgent: Boolean(options.urgent),
      loaded: options.loaded,
      done: Promise.resolve(),
    };
    entry.done = (async () => {
      try {
        do {
          const round: SyncOptions = {
            refresh: entry.refresh,
            urgent: entry.urgent,
            ...(entry.loaded ? { loaded: entry.loaded } : {}),
          };
          Object.assign(entry, { again: false, refresh: false, urgent: false, loaded: undefined });
          await syncRun(syncDeps, runId, round);
        } while (entry.again);
      } finally {
        syncing.delete(runId);
      }
    })();
    syncing.set(runId, entry);
    return entry.done;
  }

  function track<T>(work: Promise<T>): void {
    const p = work.catch((err: unknown) => deps.logger.error({ err }, 'Slack sync failed'));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  return {
    sync,
    /** Carries out a run's pending Slack work now, without waiting (failures are retried by the poll). */
    kick(runId: string, loaded?: LoadedRun, options: { urgent?: boolean } = {}): void {
      track(sync(runId, { ...options, ...(loaded ? { loaded } : {}) }));
    },
    /** After a start: every active run's messages are brought to the committed state, all at once. */
    catchUp(runIds: readonly string[]): void {
      for (const runId of runIds) track(sync(runId, { refresh: true }));
    },
    /** Work nobody holds: pending outbox items whose lease or back-off is over. */
    async poll(): Promise<void> {
      const now = deps.clock.now();
      const runs = await deps.outbox.runsWithWork(now, 50);
      await Promise.all(runs.map((runId) => sync(runId).catch(() => undefined)));
    },
    /**
     * Slack says a message was deleted (a `message_deleted` event): when it is one of a run's, it
     * is posted again at once rather than at the run's next change. True when it was one.
     */
    async messageDeleted(channelId: string, ts: string): Promise<boolean> {
      const message = await deps.messages.at(channelId, ts);
      if (!message) return false;
      deps.writes.forget(message);
      await forgetDeleted(syncDeps, message);
      deps.logger.warn(
        { runId: message.runId, message: `${message.kind}:${message.phaseIndex}:${message.part}` },
        'a run message was deleted in Slack; posting it again',
      );
      track(sync(message.runId, { refresh: true }));
      return true;
    },
    /** Other Slack work to wait for on a stop (e.g. a click's own update). */
    track,
    /** Resolves when nothing is in flight. */
    async idle(): Promise<void> {
      while (inFlight.size || syncing.size) {
        await Promise.allSettled([...inFlight, ...[...syncing.values()].map((e) => e.done)]);
      }
    },
    /** Waits at most `ms` for what is in flight. */
    async drain(ms: number): Promise<void> {
      const deadline = Date.now() + ms;
      while ((inFlight.size || syncing.size) && Date.now() < deadline) {
        await Promise.race([
          Promise.allSettled([...inFlight, ...[...syncing.values()].map((e) => e.done)]),
          new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
        ]);
      }
    },
  };
}

/** The queue's type. */
export type RunQueue = ReturnType<typeof createRunQueue>;
