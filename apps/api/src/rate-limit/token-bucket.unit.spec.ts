import { KeyedBuckets, TokenBucket } from './token-bucket.js';

describe('a token bucket of 2 per second with a burst of 3', () => {
  it('admits the burst at once, then asks to wait half a second per token', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBe(500);
  });

  it('refills with time, never beyond the burst', () => {
    const bucket = new TokenBucket(2, 3, 0);
    for (let i = 0; i < 3; i += 1) bucket.take(0);
    expect(bucket.take(500)).toBe(0); // one token back after 0.5 s
    expect(bucket.take(500)).toBe(500);
    expect(bucket.full(10_000)).toBe(true);
    const refilled = [bucket.take(10_000), bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)];
    expect(refilled).toEqual([0, 0, 0, 500]);
  });

  it('peeks without spending', () => {
    const bucket = new TokenBucket(1, 1, 0);
    expect(bucket.peek(0)).toBe(0);
    expect(bucket.peek(0)).toBe(0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.peek(0)).toBe(1000);
  });
});

describe('buckets kept per key', () => {
  it('limits each key on its own', () => {
    const buckets = new KeyedBuckets(1, 1);
    expect(buckets.take('a', 0)).toBe(0);
    expect(buckets.take('a', 0)).toBe(1000);
    expect(buckets.take('b', 0)).toBe(0);
    expect(buckets.peek('c', 0)).toBe(0);
  });
});
