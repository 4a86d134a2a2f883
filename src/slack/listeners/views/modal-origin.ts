// A modal carries the button it was opened from, who opened it, and where that button's message is
// (with the click's response_url), so its submission can show the outcome in that message at once.
// The button's click was checked (its run's own message) when the modal opened; `private_metadata` is
// signed by the bot (HMAC-SHA256 with a key derived from the signing secret), so a submission acts
// only on that run, for that person, and cannot be altered on the way.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type ButtonValue, decodeValue, encodeValue } from '../../ids.js';
import type { ClickedMessage } from '../../sync/click-feedback.js';

const MAX_METADATA = 3000;
const SEPARATOR = '~';

const schema = z.object({
  v: z.string(),
  u: z.string().max(40),
  o: z.object({ c: z.string().max(40), t: z.string().max(40), r: z.url().max(1000).nullable() }).nullable(),
});

/** The key that signs `private_metadata`: derived from the signing secret, never the secret itself. */
export function deriveMetadataKey(signingSecret: string): Buffer {
  return createHmac('sha256', signingSecret).update('deploybot private_metadata v1').digest();
}

function sign(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

/** Signed `private_metadata` for a modal opened from a button by `userId`. */
export function encodeOrigin(
  key: Buffer,
  value: ButtonValue,
  userId: string,
  origin: ClickedMessage,
): string {
  const o =
    origin.channelId && origin.messageTs
      ? { c: origin.channelId, t: origin.messageTs, r: origin.responseUrl }
      : null;
  const signed = (payload: object) => {
    const text = JSON.stringify(payload);
    return `${text}${SEPARATOR}${sign(key, text)}`;
  };
  const full = signed({ v: encodeValue(value), u: userId, o });
  return full.length <= MAX_METADATA ? full : signed({ v: encodeValue(value), u: userId, o: null });
}

/**
 * The button value and origin back from `private_metadata`, or null when it is not ours, was altered,
 * or is submitted by someone other than who opened the modal.
 */
export function decodeOrigin(
  key: Buffer,
  metadata: string,
  submitterId: string,
): { value: ButtonValue; origin: ClickedMessage | null } | null {
  const at = metadata.lastIndexOf(SEPARATOR);
  if (at < 0) return null;
  const text = metadata.slice(0, at);
  const given = Buffer.from(metadata.slice(at + 1));
  const expected = Buffer.from(sign(key, text));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success || parsed.data.u !== submitterId) return null;
  const value = decodeValue(parsed.data.v);
  if (!value) return null;
  const o = parsed.data.o;
  return { value, origin: o ? { channelId: o.c, messageTs: o.t, responseUrl: o.r } : null };
}
