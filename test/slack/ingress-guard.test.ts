// The ingress guard's body rule, on the bodies Slack sends and on the ones that crash Bolt 5.1.
import { describe, expect, it } from 'vitest';
import { checkHeaders, isAcceptableBody, isSignedBy } from '../../src/slack/ingress-guard.js';
import { originOf } from '../../src/slack/listeners/actions/click-origin.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

describe('isAcceptableBody', () => {
  it("accepts what Slack sends: command fields, ssl_check, a payload object, an event's JSON", () => {
    expect(isAcceptableBody('command=%2Fdeploy&text=help', FORM)).toBe(true);
    expect(isAcceptableBody('ssl_check=1&token=x', FORM)).toBe(true);
    expect(isAcceptableBody(`payload=${encodeURIComponent('{"type":"block_actions"}')}`, FORM)).toBe(true);
    expect(isAcceptableBody('{"type":"event_callback"}', JSON_TYPE)).toBe(true);
  });

  it('refuses payloads and JSON bodies that are not objects, and two payloads', () => {
    for (const payload of ['null', '42', '"text"', '[]', 'true', '{broken']) {
      expect(isAcceptableBody(`payload=${encodeURIComponent(payload)}`, FORM), payload).toBe(false);
      expect(isAcceptableBody(payload, JSON_TYPE), payload).toBe(false);
    }
    expect(isAcceptableBody('payload=%7B%7D&payload=%7B%7D', FORM)).toBe(false);
  });
});

describe('checkHeaders', () => {
  const now = 1_800_000_000_000;
  const sig = `v0=${'a'.repeat(64)}`;
  const at = (ts: string, signature = sig) => ({
    'x-slack-request-timestamp': ts,
    'x-slack-signature': signature,
  });

  it('passes well-formed headers within five minutes either side', () => {
    for (const ts of ['1800000000', '1799999700', '1800000300'])
      expect(checkHeaders(at(ts), now)).toEqual({ ok: true, timestamp: ts, signature: sig });
  });

  it('refuses missing, malformed, non-integer and skewed ones', () => {
    expect(checkHeaders({}, now)).toEqual({ ok: false, refusal: 'unsigned' });
    expect(checkHeaders({ 'x-slack-request-timestamp': '1800000000' }, now)).toEqual({
      ok: false,
      refusal: 'unsigned',
    });
    for (const ts of ['Infinity', '1800000000.5', '18e8', '', '-1', ' 1800000000'])
      expect(checkHeaders(at(ts), now), ts).toEqual({ ok: false, refusal: 'bad_signature' });
    expect(checkHeaders(at('1800000000', 'v0=zz'), now)).toEqual({ ok: false, refusal: 'bad_signature' });
    expect(checkHeaders(at('1800000301'), now)).toEqual({ ok: false, refusal: 'future_timestamp' });
    expect(checkHeaders(at('1799999699'), now)).toEqual({ ok: false, refusal: 'stale_timestamp' });
  });
});

describe('isSignedBy', () => {
  it("checks Slack's v0 signature over the raw bytes", async () => {
    const { signRequest } = await import('../support/slack-requests.js');
    const body = 'command=%2Fdeploy&text=help';
    const headers = signRequest('guard-secret', body, 1_800_000_000);
    const signature = headers['x-slack-signature'] ?? '';
    expect(isSignedBy('guard-secret', '1800000000', Buffer.from(body), signature)).toBe(true);
    expect(isSignedBy('guard-secret', '1800000001', Buffer.from(body), signature)).toBe(false);
    expect(isSignedBy('other-secret', '1800000000', Buffer.from(body), signature)).toBe(false);
    expect(isSignedBy('guard-secret', '1800000000', Buffer.from(`${body}&x=1`), signature)).toBe(false);
  });
});

describe('originOf', () => {
  const none = {
    channelId: null,
    messageTs: null,
    threadTs: null,
    responseUrl: null,
    carriesButton: false,
    place: null,
  };

  it('reads the container of a message click, else channel and message', () => {
    expect(originOf({ container: { channel_id: 'C1', message_ts: '1.2' } })).toEqual({
      channelId: 'C1',
      messageTs: '1.2',
      threadTs: null,
      responseUrl: null,
      carriesButton: false,
      place: null,
    });
    expect(originOf({ channel: { id: 'C2' }, message: { ts: '3.4', thread_ts: '1.0' } })).toEqual({
      channelId: 'C2',
      messageTs: '3.4',
      threadTs: '1.0',
      responseUrl: null,
      carriesButton: false,
      place: null,
    });
    expect(originOf({ container: { type: 'view', view_id: 'V1' } })).toEqual(none);
    expect(originOf(null)).toEqual(none);
  });

  it('reads the response_url that shows the outcome in the clicked message', () => {
    const url = 'https://hooks.slack.com/actions/T1/1/abc';
    expect(
      originOf({ container: { channel_id: 'C1', message_ts: '1.2' }, response_url: url }).responseUrl,
    ).toBe(url);
    expect(originOf({ response_url: '' }).responseUrl).toBeNull();
  });

  it('reads the run, slot and post attempt from our message metadata, and nothing from anyone else’s', () => {
    const runId = 'b3c1e2a0-1111-4c2d-9e8f-000000000001';
    const metadata = {
      event_type: 'deploybot_run_message',
      event_payload: { run_id: runId, kind: 'phase', phase: 2, part: 1, attempt: 'a1' },
    };
    expect(originOf({ message: { ts: '1.2', metadata } }).place).toEqual({
      runId,
      kind: 'phase',
      phaseIndex: 2,
      part: 1,
      attempt: 'a1',
    });
    expect(
      originOf({ message: { ts: '1.2', metadata: { ...metadata, event_type: 'other' } } }).place,
    ).toBeNull();
    const forged = { ...metadata, event_payload: { ...metadata.event_payload, run_id: 'not-a-uuid' } };
    expect(originOf({ message: { ts: '1.2', metadata: forged } }).place).toBeNull();
  });

  it('says the message carries the button only when a shared message holds that action and value', () => {
    const button = { action_id: 'step_done', value: 'run-1:s1' };
    const click = (extra: object) => ({
      container: { channel_id: 'C1', message_ts: '1.2' },
      actions: [button],
      ...extra,
    });
    expect(originOf(click({ message: { ts: '1.2', blocks: [{ elements: [button] }] } })).carriesButton).toBe(
      true,
    );
    expect(originOf(click({ message: { ts: '1.2', blocks: [{ accessory: button }] } })).carriesButton).toBe(
      true,
    );
    const other = { action_id: 'step_done', value: 'run-2:s1' };
    expect(originOf(click({ message: { ts: '1.2', blocks: [{ elements: [other] }] } })).carriesButton).toBe(
      false,
    );
    expect(originOf(click({ message: { ts: '1.2' } })).carriesButton).toBe(false);
    const ephemeral = click({
      container: { channel_id: 'C1', message_ts: '1.2', is_ephemeral: true },
      message: { ts: '1.2', blocks: [{ elements: [button] }] },
    });
    expect(originOf(ephemeral).carriesButton).toBe(false);
  });
});
