// trigger_id rules of the fake Slack (reference §3.4): once, within 3 seconds; strict mode (the
// playground) takes only the triggers it issued. Also: onChange tells the playground about every write.
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeSlack, type FakeSlack } from '../support/fake-slack.js';

const modal = { type: 'modal', title: { type: 'plain_text', text: 'Why' }, blocks: [] };
let fake: FakeSlack;
let now = 1_000_000;

async function open(triggerId: string): Promise<{ ok: boolean; error?: string }> {
  const res = await fetch(`${fake.url}views.open`, {
    method: 'POST',
    headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
    body: JSON.stringify({ trigger_id: triggerId, view: modal }),
  });
  return (await res.json()) as { ok: boolean; error?: string };
}

afterEach(() => fake.close());

describe('trigger ids', () => {
  it('accepts an issued trigger once, within 3 seconds, and says whose it is', async () => {
    fake = await createFakeSlack({ now: () => now, strictTriggers: true });
    const first = fake.triggerId('U0ANA');
    expect(fake.triggerUser(first)).toBe('U0ANA');
    expect(await open(first)).toMatchObject({ ok: true });
    expect(await open(first)).toMatchObject({ ok: false, error: 'trigger_exchanged' });
    const late = fake.triggerId('U0ANA');
    now += 3001;
    expect(await open(late)).toMatchObject({ ok: false, error: 'trigger_expired' });
  });

  it('refuses an invented trigger only when strict', async () => {
    fake = await createFakeSlack({ strictTriggers: true });
    expect(await open('123.456.made-up')).toMatchObject({ ok: false, error: 'invalid_trigger' });
    await fake.close();
    fake = await createFakeSlack();
    expect(await open('123.456.made-up')).toMatchObject({ ok: true });
  });

  it('calls onChange listeners after each answered call until unsubscribed', async () => {
    fake = await createFakeSlack();
    let changes = 0;
    const stop = fake.onChange(() => changes++);
    await open('1.2.a');
    stop();
    await open('1.2.b');
    expect(changes).toBe(1);
  });
});
