export { applyCommand } from './apply.js';
export type * from './commands.js';
export * from './model.js';
export { blockingGate, currentPhaseIndex, gatesOf, isResolved, progressOf } from './progress.js';
export { startRun } from './transitions/lifecycle.js';
