// Effects queued outside the state machine (EdgeEffect), carried out by the run's sync like the
// others: one worker per run at a time, marked done once they reached Slack, retried when they fail.
import type { Logger } from 'pino';
import type { RunbookCatalog } from '../../../catalog/runbook-catalog.js';
import { loadRunReport } from '../../../report/load-report.js';
import type { EdgeEffect, RunEffect } from '../../../runs/index.js';
import type { LoadedRun } from '../../../runs/loaded-run.js';
import type { Clock } from '../../../shared/clock.js';
import type { Store } from '../../../usecases/deps.js';
import { shareReport } from '../../outbound/share-report.js';
import type { SlackWriter } from '../../outbound/slack-writer.js';
import { closeOffer } from './close-offer.js';
import { closePages } from './close-pages.js';
import { pagerDutyNoticeText } from './pagerduty-notice.js';
import { publishHomes } from './publish-homes.js';
import { offerQueue } from './queue-offer.js';

/** Where the run's parent message is. */
export interface ParentRef {
  channelId: string;
  ts: string;
}

/** Carries out an effect sync does not know; false when it is not one of these either. */
export type CarryEffect = (loaded: LoadedRun, effect: RunEffect, parent: ParentRef) => Promise<boolean>;

/** What the carriers need. */
export interface CarryDeps {
  store: Pick<Store, 'runs' | 'events' | 'queries' | 'queue' | 'escalationDms' | 'homeViewers'>;
  catalog: Pick<RunbookCatalog, 'load'>;
  writer: SlackWriter;
  logger: Logger;
  clock: Clock;
}

const EDGE_TYPES: readonly string[] = [
  'share_report',
  'offer_queue',
  'close_offer',
  'close_pages',
  'pagerduty_notice',
  'publish_home',
] satisfies (EdgeEffect | RunEffect)['type'][];

/** Builds the carrier of the edge effects. */
export function createCarryEffects(deps: CarryDeps): CarryEffect {
  return async (loaded, effect, parent) => {
    if (!EDGE_TYPES.includes(effect.type)) return false;
    if (effect.type === 'offer_queue') await offerQueue(deps, loaded, effect);
    if (effect.type === 'close_offer') await closeOffer(deps, effect.entryId);
    if (effect.type === 'publish_home') await publishHomes(deps, loaded);
    if (effect.type === 'close_pages') await closePages(deps, loaded);
    if (effect.type === 'pagerduty_notice') {
      await deps.writer.post(parent.channelId, { text: pagerDutyNoticeText(effect) }, parent.ts);
    }
    if (effect.type === 'share_report') {
      const report = await loadRunReport(deps, deps.catalog, loaded.meta.id);
      if (report) {
        await shareReport(deps.writer, deps.logger, report, {
          channel: parent.channelId,
          threadTs: parent.ts,
        });
      }
    }
    return true;
  };
}
