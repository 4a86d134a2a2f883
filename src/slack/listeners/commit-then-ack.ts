// An acknowledged request is a stored request: the command commits first (milliseconds), then the
// request is acknowledged. If the commit has not finished within ACK_LIMIT_MS, the request is
// acknowledged anyway (Slack allows 3 s) and the commit goes on.
export const ACK_LIMIT_MS = 2000;

/** Waits for `work` (at most `limitMs`), acknowledges, and returns what `work` gives. */
export async function commitThenAck<T>(
  ack: () => Promise<void>,
  work: Promise<T>,
  limitMs = ACK_LIMIT_MS,
): Promise<T> {
  const { promise: limit, resolve } = Promise.withResolvers<void>();
  const timer = setTimeout(resolve, limitMs);
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
    await ack();
  }
  return work;
}
