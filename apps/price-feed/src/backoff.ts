export interface BackoffOptions {
  /** Delay before the first retry, ms; default 500. */
  initialMs?: number;
  /** Ceiling of the delay, ms; default 30 000. */
  maxMs?: number;
  /** Growth per attempt; default 2. */
  factor?: number;
  /** [0, 1) source of jitter; default Math.random. */
  random?: () => number;
}

/**
 * Exponential back-off with jitter: attempt n waits between half and all of
 * min(max, initial × factor^n), so many clients that lost the same server do not come back in step.
 */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  /** Failures since the last reset. */
  get failures(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
