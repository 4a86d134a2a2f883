// PagerDuty's Events API v2: one POST per event (trigger, acknowledge, resolve) with a stable
// dedup_key per run. The routing key goes in the body only; nothing here logs it.

/** An event as the Events API takes it, without the routing key. */
export interface PagerDutyEvent {
  action: 'trigger' | 'acknowledge' | 'resolve';
  dedupKey: string;
  /** Only for trigger: summary, source, severity and details. */
  payload: Record<string, unknown> | null;
}

/** Sends one event; throws with the HTTP status (never the key) when PagerDuty does not take it. */
export async function sendPagerDutyEvent(
  url: string,
  routingKey: string,
  event: PagerDutyEvent,
): Promise<void> {
  const body = {
    routing_key: routingKey,
    event_action: event.action,
    dedup_key: event.dedupKey,
    ...(event.payload ? { payload: event.payload } : {}),
    client: 'deploybot',
  };
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    redirect: 'error',
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 202 && res.status !== 200) {
    const text = await res.text().catch(() => '');
    throw new Error(`HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`);
  }
}

/** The dedup_key of a run: the same for its trigger, acknowledge and resolve. */
export const dedupKeyOf = (runId: string) => `deploybot-run-${runId}`;
