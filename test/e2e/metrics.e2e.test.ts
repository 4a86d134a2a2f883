// GET /metrics through HTTP: the counters move with signed clicks and Slack calls; scrapes without the
// token are refused; with no METRICS_* setting there is no /metrics at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { acknowledge, pagedUsers, startRollback } from './drive.js';
import { buttonsOf, E2E_DRIVER, type Harness, startHarness } from './harness.js';

const TOKEN = 'scrape-token-0123456789';

/** The value of one sample line (`name{labels} value`), or null when it is not there. */
function sample(text: string, name: string, labels = ''): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : null;
}

async function scrape(port: number, token: string | null = TOKEN) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('/metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      driver: E2E_DRIVER,
      config: { metrics: { port: 0, host: '127.0.0.1', token: TOKEN } },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('counts a signed click, Slack calls and 429s, runs, acks and parse time', async () => {
    const port = h.bot.metricsPort;
    if (port === null) throw new Error('no metrics port');
    await h.command('start k8s-service-rollout version=1.4.2', 'U0ALICE');
    const phase = h.thread()[0];
    const done = buttonsOf(phase).find((b) => b.actionId === ACTIONS.stepDone);
    if (!phase || !done) throw new Error('no Done button');
    // The click's response_url fails, so its message goes out by chat.update, which Slack rate-limits once.
    h.slack.failNext('response_url', { status: 404 });
    h.slack.failNext('chat.update', { status: 429, retryAfter: 1 });
    await h.click(done, 'U0BOB', { channel: phase.channel, ts: phase.ts });
    await h.bot.idle();
    const { status, type, text } = await scrape(port);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'deploybot_clicks_total', 'action="step.done",outcome="applied"')).toBe(1);
    expect(
      sample(text, 'deploybot_slack_calls_total', 'method="chat.postMessage",result="ok"'),
    ).toBeGreaterThan(0);
    expect(sample(text, 'deploybot_slack_calls_total', 'method="chat.update",result="ratelimited"')).toBe(1);
    expect(sample(text, 'deploybot_slack_rate_limited_total', 'method="chat.update"')).toBe(1);
    expect(sample(text, 'deploybot_active_runs')).toBe(1);
    expect(sample(text, 'deploybot_outbox_depth')).toBe(0);
    expect(sample(text, 'deploybot_outbox_oldest_age_seconds')).toBe(0);
    expect(sample(text, 'deploybot_timers_due')).toBe(0);
    expect(sample(text, 'deploybot_timers_late')).toBe(0);
    // The command and the click, both answered through the signed receiver.
    expect(sample(text, 'deploybot_ack_latency_seconds_count')).toBe(2);
    expect(sample(text, 'deploybot_runbook_parse_seconds_count')).toBe(1);
    expect(text).toContain('# TYPE deploybot_click_to_visible_seconds histogram');
  });

  it('counts escalation pages and acknowledgements', async () => {
    const port = h.bot.metricsPort ?? 0;
    await startRollback(h, 'U0BOB', 'errors');
    const [paged] = pagedUsers(h);
    if (!paged) throw new Error('nobody paged');
    const { replies } = await acknowledge(h, paged);
    expect(replies).toEqual([]);
    const { text } = await scrape(port);
    expect(sample(text, 'deploybot_escalation_pages_total')).toBe(1);
    expect(sample(text, 'deploybot_escalation_acknowledgements_total')).toBe(1);
    expect(sample(text, 'deploybot_clicks_total', 'action="escalation.acknowledge",outcome="applied"')).toBe(
      1,
    );
  });

  it('refuses a scrape without the token or with a wrong one, on either port', async () => {
    const metricsPort = h.bot.metricsPort ?? 0;
    for (const [port, token] of [
      [h.bot.port, null],
      [h.bot.port, 'wrong-token-0123456789'],
      [metricsPort, null],
      [metricsPort, `${TOKEN}x`],
    ] as const) {
      const { status, text } = await scrape(port, token);
      expect(status, `port ${port} token ${token}`).toBe(401);
      expect(text).not.toContain('deploybot_');
    }
    expect((await scrape(h.bot.port)).status).toBe(200);
  });
});

describe('/metrics when not configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ driver: E2E_DRIVER });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('is not served at all', async () => {
    expect(h.bot.metricsPort).toBeNull();
    const res = await scrape(h.bot.port);
    expect(res.status).toBe(404);
  });
});
