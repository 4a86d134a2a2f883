// What the Slack listeners need, in one object (built by src/main.ts).
import type { Logger } from 'pino';
import type { RunbookCatalog } from '../catalog/runbook-catalog.js';
import type { RunLimits } from '../config/config.js';
import type { Directory } from '../directory/schema.js';
import type { Metrics } from '../metrics/metrics.js';
import type { LoadedRun } from '../runs/loaded-run.js';
import type { RunDeps } from '../usecases/deps.js';
import type { SlackWriter } from './outbound/slack-writer.js';
import type { PeopleResolver } from './people/resolve-people.js';
import type { ClickFeedback } from './sync/click-feedback.js';

/** Dependencies of the Slack surfaces. */
export interface SlackContext {
  runDeps: RunDeps;
  catalog: RunbookCatalog;
  writer: SlackWriter;
  people: PeopleResolver;
  directory: () => Directory;
  logger: Logger;
  /** The bot's metrics (clicks, acknowledgements). */
  metrics: Metrics;
  /** Caps on active runs per person and per channel (null: none). */
  limits: RunLimits | null;
  /** Signs and checks modals' `private_metadata` (derived from the signing secret). */
  metadataKey: Buffer;
  /** Shows a click's outcome in the message clicked, at once. */
  feedback: ClickFeedback;
  /**
   * Carries out a run's pending Slack work now (does not wait; failures are retried by the poll).
   * `loaded` is the run as just committed; `urgent` puts its messages at the front of the budget.
   */
  kick(runId: string, loaded?: LoadedRun, options?: { urgent?: boolean }): void;
  /** A message was deleted in Slack: a run's message is posted again at once. True when it was one. */
  messageDeleted(channelId: string, ts: string): Promise<boolean>;
}
