// The Block Kit renderers: run state in, Block Kit JSON out. Pure; nothing here touches Slack.
export { buildHomeView, type RunSummary } from './home-view.js';
export { LIMITS, textLengthOf } from './limits.js';
export { buildParentMessage } from './parent-message.js';
export { buildPhaseMessages } from './phase-messages.js';
export type { MessageContent, RunView } from './run-view.js';
