export type * from './model.js';
export { parseRunbook } from './parse.js';
export { buildSummary, type RunbookSummary, type SummaryContact } from './summary.js';
