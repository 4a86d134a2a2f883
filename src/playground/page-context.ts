// What the playground's page server and its actions share: the options it was started with and
// its state.
import type { ServerResponse } from 'node:http';
import type { FakeSlack } from '../fake-slack/fake-slack.js';
import type { PageAccess } from './page-access.js';
import type { PlaygroundPerson } from './people.js';
import type { PlaygroundClock } from './playground-clock.js';
import type { Relay } from './relay.js';

/** How the page server is started. */
export interface PageServerOptions {
  slack: FakeSlack;
  relay: Relay;
  people: PlaygroundPerson[];
  channel: { id: string; name: string };
  /** The bot's clock, whose pace the page shows and may change. */
  clock: PlaygroundClock;
  host: string;
  port: number;
}

/** The page server's state, shared with its actions. */
export type PageCtx = PageServerOptions & {
  access: PageAccess;
  closed: Set<string>;
  streams: Map<ServerResponse, string>;
  changed: () => void;
  version: () => number;
};
