/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `burst`. `take` answers 0 when a
 * token was available, or how many milliseconds until one will be.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  /** Like take, without spending: 0 when a token is available now. */
  peek(now: number): number {
    const tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / this.ratePerSecond) * 1000);
  }

  /** Whether the bucket is back to full (and can be forgotten). */
  full(now: number): boolean {
    return this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond >= this.burst;
  }
}

/** One bucket per key (user, IP, email), forgetting keys whose bucket refilled. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private sweeps = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  take(key: string, now: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    if (++this.sweeps % 10_000 === 0) this.sweep(now);
    return bucket.take(now);
  }

  peek(key: string, now: number): number {
    return this.buckets.get(key)?.peek(now) ?? 0;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
  }
}
