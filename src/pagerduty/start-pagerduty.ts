// Wires the PagerDuty hand-off at start-up: only when the directory asks for it, and only when the
// environment variable it names holds a routing key (otherwise the bot does not start, and says why).
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Database } from '../db/client.js';
import type { Directory } from '../directory/schema.js';
import type { Clock } from '../shared/clock.js';
import { createPagerDuty, type PagerDuty } from './pagerduty-outbox.js';

/** The hand-off, or null when the directory has no `pagerduty` section. */
export function startPagerDuty(
  config: Config,
  directory: Directory,
  deps: { db: Database; clock: Clock; logger: Logger },
): PagerDuty | null {
  const settings = directory.pagerduty;
  if (!settings) return null;
  const pd = config.pagerduty;
  if (!pd?.keys[settings.routingKeyEnv]) {
    throw new Error(
      `directory file: pagerduty.routing_key_env names ${settings.routingKeyEnv}, which is not set in the environment`,
    );
  }
  deps.logger.info({ triggerOn: settings.triggerOn }, 'PagerDuty hand-off on');
  return createPagerDuty({ ...deps, directory: () => directory, config: pd });
}
