// The time of day as every message shows it: the run's state machine (its refusals) and the Slack
// renderers say it the same way.

/** "14:02 UTC" from an ISO timestamp: runs last hours, so the time of day is what people read. */
export function formatTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}
