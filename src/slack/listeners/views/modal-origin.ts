// A modal carries the button it was opened from and where that button's message is (with the
// click's response_url), so its submission can show the outcome in that message at once.
import { z } from 'zod';
import { type ButtonValue, decodeValue, encodeValue } from '../../ids.js';
import type { ClickOrigin } from '../../sync/click-feedback.js';

const MAX_METADATA = 3000;

const schema = z.object({
  v: z.string(),
  o: z.object({ c: z.string().max(40), t: z.string().max(40), r: z.url().max(1000).nullable() }).nullable(),
});

/** `private_metadata` for a modal opened from a button. */
export function encodeOrigin(value: ButtonValue, origin: ClickOrigin | null): string {
  const o = origin ? { c: origin.channelId, t: origin.ts, r: origin.responseUrl } : null;
  const text = JSON.stringify({ v: encodeValue(value), o });
  return text.length <= MAX_METADATA ? text : JSON.stringify({ v: encodeValue(value), o: null });
}

/** The button value and origin back from `private_metadata`, or null when it is not ours. */
export function decodeOrigin(metadata: string): { value: ButtonValue; origin: ClickOrigin | null } | null {
  let json: unknown;
  try {
    json = JSON.parse(metadata);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return null;
  const value = decodeValue(parsed.data.v);
  if (!value) return null;
  const o = parsed.data.o;
  return { value, origin: o ? { channelId: o.c, ts: o.t, responseUrl: o.r } : null };
}
