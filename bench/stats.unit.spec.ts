import fc from 'fast-check';
import { seededRandom } from '../libs/platform/src/seeded-random.js';
import { intBetween, median, meets, percentile, percentileOfSorted, ratio, round, roundRate, share } from './stats.js';

describe('median', () => {
  it.each<[number[], number | null]>([
    [[], null],
    [[7], 7],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5, 5, 5], 5],
    [[10, -10], 0],
  ])('of %j is %p', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('ignores NaN and infinities (a run that measured nothing)', () => {
    expect(median([NaN, 3, Infinity, 1, -Infinity])).toBe(2);
    expect(median([NaN])).toBeNull();
  });

  it('does not reorder the array it is given', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('lies between the minimum and the maximum, and is order-independent (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 }), (values) => {
        const m = median(values)!;
        const reversed = median([...values].reverse())!;
        return m >= Math.min(...values) && m <= Math.max(...values) && m === reversed;
      }),
    );
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it.each<[number, number]>([
    [0, 1],
    [1, 1],
    [50, 50],
    [99, 99],
    [99.9, 100],
    [100, 100],
  ])('p%d of 1..100 is %d', (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  it('of one sample is that sample at every p', () => {
    for (const p of [0, 50, 99, 100]) expect(percentile([4.2], p)).toBe(4.2);
  });

  it('is null without samples and refuses p outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], NaN)).toThrow(RangeError);
  });

  it('sorts numerically, not as text', () => {
    expect(percentile([10, 9, 100, 1], 50)).toBe(9);
  });

  it('on sorted typed arrays gives the same answer without copying', () => {
    const sorted = new Float64Array([0.5, 1, 2, 3, 40]);
    expect(percentileOfSorted(sorted, 50)).toBe(2);
    expect(percentileOfSorted(sorted, 99)).toBe(40);
    expect(percentileOfSorted(new Float64Array(0), 99)).toBeNull();
  });

  it('is a sample, at least p % of the samples are ≤ it, and it grows with p (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p, q) => {
          const v = percentile(values, p)!;
          const atOrBelow = values.filter((x) => x <= v).length;
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          return values.includes(v) && atOrBelow >= (p / 100) * values.length - 1e-9 && percentile(values, lo)! <= percentile(values, hi)!;
        },
      ),
    );
  });
});

describe('ratio, share, round, meets', () => {
  it('divides measured figures and is null when one is missing or the divisor is not positive', () => {
    expect(ratio(5, 20)).toBe(0.25);
    expect(ratio(null, 20)).toBeNull();
    expect(ratio(5, undefined)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(NaN, 3)).toBeNull();
  });

  it('gives a share of 0 of nothing', () => {
    expect(share(0, 0)).toBe(0);
    expect(share(1, 4)).toBe(0.25);
  });

  it('rounds to the given decimals and keeps null', () => {
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(1234.5)).toBe(1235);
    expect(round(null)).toBeNull();
    expect(round(Infinity)).toBeNull();
  });

  it('rounds rates to whole numbers from 100 up and keeps decimals for slow ones', () => {
    expect(roundRate(250_123.4)).toBe(250_123);
    expect(roundRate(42.37)).toBe(42.4);
    expect(roundRate(5.347)).toBe(5.35);
    expect(roundRate(null)).toBeNull();
  });

  it('checks a goal with inclusive bounds, null when not measured', () => {
    expect(meets(0.35, { min: 0.35 })).toBe(true);
    expect(meets(0.34, { min: 0.35 })).toBe(false);
    expect(meets(15, { max: 15 })).toBe(true);
    expect(meets(15.01, { max: 15 })).toBe(false);
    expect(meets(null, { max: 15 })).toBeNull();
  });
});

describe('intBetween', () => {
  it('draws integers within inclusive bounds, reaching both ends', () => {
    const random = seededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = intBetween(random, 3, 6);
      expect(n >= 3 && n <= 6 && Number.isInteger(n)).toBe(true);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});
