// Scripted misbehaviour for the fake Slack: per-method faults for the next N calls or a time window,
// slow answers, and calls held open until a test releases them. `'*'` matches every method.

/**
 * What to answer instead of the real result.
 * - `{ status: 429, retryAfter? }`: HTTP 429, `Retry-After` in seconds (default: 1, or the rest of a window),
 *   body `{ ok: false, error: 'ratelimited' }`.
 * - `{ status, body? }`: any other HTTP status (500, 503…) with a plain-text body.
 * - `{ error, messages? }`: HTTP 200 `{ ok: false, error }`, `messages` as `response_metadata.messages`.
 * - `{ hang: true }`: no answer until `release()`; then the call is handled normally.
 * - `{ answerLost: true }`: the call is carried out at once (a post is in the channel), but its answer
 *   is held until `release()`, as when the caller dies before Slack's answer reaches it.
 * - `{ answerAfterMs }`: the call is carried out at once (people see the post), and its answer reaches
 *   the caller that much later, as over a real network.
 */
export type Fault =
  | { status: number; retryAfter?: number; body?: string }
  | { error: string; messages?: string[] }
  | { hang: true }
  | { answerLost: true }
  | { answerAfterMs: number };

/** A fault chosen for one call, with the Retry-After to send when it is a 429. */
export interface ChosenFault {
  fault: Fault;
  retryAfter: number;
}

interface Rule {
  method: string;
  fault: Fault;
  remaining: number;
  until: number;
}

interface Held {
  method: string;
  resume: () => void;
}

const matches = (pattern: string, method: string) => pattern === '*' || pattern === method;

export class FaultScript {
  private rules: Rule[] = [];
  private readonly delays = new Map<string, number>();
  private readonly hanging = new Set<string>();
  private held: Held[] = [];

  constructor(private readonly now: () => number) {}

  /** The next `count` calls to `method` get `fault` (queued after faults already scripted). */
  failNext(method: string, fault: Fault, count = 1): void {
    this.rules.push({ method, fault, remaining: count, until: Number.POSITIVE_INFINITY });
  }

  /** Every call to `method` in the next `ms` milliseconds gets `fault`. */
  failFor(method: string, fault: Fault, ms: number): void {
    this.rules.push({ method, fault, remaining: Number.POSITIVE_INFINITY, until: this.now() + ms });
  }

  /** Answers to `method` wait `ms` first (0 removes the delay). */
  delay(method: string, ms: number): void {
    if (ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  /** Every call to `method` hangs until `release(method)`. */
  hang(method: string): void {
    this.hanging.add(method);
  }

  /** Lets held calls (to `method`, or all) proceed, and stops hanging new ones. Returns how many were held. */
  release(method?: string): number {
    const [go, stay] = partition(this.held, (h) => method === undefined || matches(method, h.method));
    this.held = stay;
    if (method === undefined) this.hanging.clear();
    else this.hanging.delete(method);
    for (const h of go) h.resume();
    return go.length;
  }

  /** How many calls are being held open right now. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Removes every fault and delay and lets held calls go. */
  clear(): void {
    this.rules = [];
    this.delays.clear();
    this.release();
  }

  /** The delay for `method`, if any. */
  delayFor(method: string): number {
    return this.delays.get(method) ?? this.delays.get('*') ?? 0;
  }

  /** Whether calls to `method` are in hang mode. */
  isHanging(method: string): boolean {
    return this.hanging.has(method) || this.hanging.has('*');
  }

  /** Consumes and returns the fault for this call to `method`, if one is scripted. */
  take(method: string): ChosenFault | null {
    const now = this.now();
    this.rules = this.rules.filter((r) => r.remaining > 0 && r.until > now);
    const rule = this.rules.find((r) => matches(r.method, method));
    if (!rule) return null;
    rule.remaining -= 1;
    const windowLeft = Number.isFinite(rule.until) ? Math.ceil((rule.until - now) / 1000) : 1;
    const retryAfter = 'status' in rule.fault ? (rule.fault.retryAfter ?? Math.max(1, windowLeft)) : 0;
    return { fault: rule.fault, retryAfter };
  }

  /** Resolves when `release()` lets this call go. */
  hold(method: string): Promise<void> {
    return new Promise((resume) => {
      this.held.push({ method, resume });
    });
  }
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}
