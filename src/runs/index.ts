export { applyCommand } from './apply.js';
export type * from './commands.js';
export * from './model.js';
export {
  blockingGate,
  currentPhaseIndex,
  gatesOf,
  homeAudienceOf,
  isResolved,
  type PhaseProgress,
  phaseCountOf,
  phaseNumberOf,
  progressOf,
  type RunProgress,
  type StepCount,
  stepTotalsOf,
} from './progress.js';
export { startRun } from './transitions/lifecycle.js';
