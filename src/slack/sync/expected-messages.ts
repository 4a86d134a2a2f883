// What every posted message should show: the render of its run's committed state. Benches and
// tests compare it with what Slack holds; operators can use it to audit a thread.

import type { LoadedRun } from '../../runs/loaded-run.js';
import type { Store } from '../../usecases/deps.js';
import type { MessageContent } from '../blocks/index.js';
import { renderStored, type ViewExtras } from './render-run.js';

/** One posted message and the content it should show. */
export interface ExpectedMessage {
  runId: string;
  channel: string;
  ts: string;
  content: MessageContent;
}

/** Every stored message of every run, rendered from the committed state at `now`. */
export async function loadExpectedMessages(
  store: Pick<Store, 'runs' | 'slackMessages'>,
  now: Date,
  viewExtras: (loaded: LoadedRun) => Promise<ViewExtras> = async () => ({}),
): Promise<ExpectedMessage[]> {
  const stored = await store.slackMessages.all();
  const byRun = new Map<string, typeof stored>();
  for (const m of stored) byRun.set(m.runId, [...(byRun.get(m.runId) ?? []), m]);
  const expected: ExpectedMessage[] = [];
  for (const [runId, messages] of byRun) {
    const loaded = await store.runs.loadRun(runId);
    if (!loaded) continue;
    const extras = await viewExtras(loaded);
    for (const m of messages)
      expected.push({ runId, channel: m.channelId, ts: m.ts, content: renderStored(loaded, now, m, extras) });
  }
  return expected;
}
