import fc from 'fast-check';
import { IndexedHeap } from './indexed-heap.js';

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe('an empty heap', () => {
  it('has size 0, holds nothing and matches nothing', () => {
    const heap = new IndexedHeap();
    expect(heap.size).toBe(0);
    expect(heap.has(1)).toBe(false);
    expect(heap.atMost(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('ignores the deletion of an id it does not hold', () => {
    const heap = new IndexedHeap();
    heap.delete(7);
    expect(heap.size).toBe(0);
  });
});

describe('a heap holding ids 1..5 with keys 50, 10, 40, 20, 30', () => {
  const build = () => {
    const heap = new IndexedHeap();
    heap.set(1, 50);
    heap.set(2, 10);
    heap.set(3, 40);
    heap.set(4, 20);
    heap.set(5, 30);
    return heap;
  };

  it('holds the five ids', () => {
    const heap = build();
    expect(heap.size).toBe(5);
    for (const id of [1, 2, 3, 4, 5]) expect(heap.has(id)).toBe(true);
    expect(heap.has(6)).toBe(false);
  });

  it.each<[number, number[]]>([
    [9, []], // below the smallest key
    [10, [2]], // the bound is inclusive
    [25, [2, 4]], // 10, 20
    [30, [2, 4, 5]], // 10, 20, 30
    [49, [2, 3, 4, 5]], // all but 50
    [50, [1, 2, 3, 4, 5]],
    [1000, [1, 2, 3, 4, 5]],
  ])('atMost(%d) → ids %j', (threshold, expected) => {
    expect(sorted(build().atMost(threshold))).toEqual(expected);
  });

  it('does not remove what it reports', () => {
    const heap = build();
    heap.atMost(1000);
    expect(heap.size).toBe(5);
    expect(sorted(heap.atMost(1000))).toEqual([1, 2, 3, 4, 5]);
  });

  it('appends to the array it is given', () => {
    const into = [99];
    expect(sorted(build().atMost(10, into))).toEqual([2, 99]);
  });

  it('moves an id when its key decreases (set on an existing id)', () => {
    const heap = build();
    heap.set(1, 5); // 50 → 5: now the smallest
    expect(heap.size).toBe(5);
    expect(sorted(heap.atMost(9))).toEqual([1]);
  });

  it('moves an id when its key increases', () => {
    const heap = build();
    heap.set(2, 45); // 10 → 45
    expect(sorted(heap.atMost(25))).toEqual([4]); // only 20 left below 25
    expect(sorted(heap.atMost(45))).toEqual([2, 3, 4, 5]);
  });

  it('keeps an id whose key is set to the same value', () => {
    const heap = build();
    heap.set(3, 40);
    expect(sorted(heap.atMost(40))).toEqual([2, 3, 4, 5]);
  });

  it('forgets a deleted id, wherever it sits', () => {
    for (const victim of [1, 2, 3, 4, 5]) {
      const heap = build();
      heap.delete(victim);
      expect(heap.size).toBe(4);
      expect(heap.has(victim)).toBe(false);
      expect(sorted(heap.atMost(1000))).toEqual([1, 2, 3, 4, 5].filter((id) => id !== victim));
    }
  });

  it('still answers correctly after deleting the root and the last slot', () => {
    const heap = build();
    heap.delete(2); // the root (key 10)
    expect(sorted(heap.atMost(20))).toEqual([4]);
    heap.delete(4); // the new root (key 20)
    expect(sorted(heap.atMost(30))).toEqual([5]);
    heap.delete(1);
    heap.delete(3);
    heap.delete(5);
    expect(heap.size).toBe(0);
    expect(heap.atMost(1000)).toEqual([]);
  });

  it('takes an id back after it was deleted', () => {
    const heap = build();
    heap.delete(2);
    heap.set(2, 35);
    expect(sorted(heap.atMost(35))).toEqual([2, 4, 5]);
  });
});

describe('a heap where deleting a node pulls a small key from the other subtree', () => {
  it('sifts the moved key up: ids 1..7 with keys 0, 10, 1, 11, 12, 2, 3, delete id 4 (key 11)', () => {
    // Array layout [0, 10, 1, 11, 12, 2, 3]: deleting slot 3 (key 11) moves key 3 (id 7) under key 10,
    // so it has to rise above 10 or a query for ≤ 5 would never visit it.
    const heap = new IndexedHeap();
    [0, 10, 1, 11, 12, 2, 3].forEach((key, i) => heap.set(i + 1, key));
    heap.delete(4);
    expect(sorted(heap.atMost(5))).toEqual([1, 3, 6, 7]); // keys 0, 1, 2, 3
  });
});

describe('keys as the trigger index uses them', () => {
  it('handles negative keys, equal keys and prices scaled by 10^8', () => {
    const heap = new IndexedHeap();
    heap.set(1, -4_200_000_000_000); // −42000.00 at the domain scale
    heap.set(2, -4_200_000_000_000);
    heap.set(3, -4_100_000_000_000);
    heap.set(4, 0);
    expect(sorted(heap.atMost(-4_200_000_000_000))).toEqual([1, 2]);
    expect(sorted(heap.atMost(-4_100_000_000_001))).toEqual([1, 2]);
    expect(sorted(heap.atMost(-0))).toEqual([1, 2, 3, 4]);
  });
});

describe('IndexedHeap against a naive map (property)', () => {
  type Op =
    | { kind: 'set'; id: number; key: number }
    | { kind: 'delete'; id: number }
    | { kind: 'query'; threshold: number };

  // Few ids and keys so that updates, duplicates and deletions of held ids are frequent.
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), id: fc.integer({ min: 1, max: 30 }), key: fc.integer({ min: -50, max: 50 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 30 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('query' as const), threshold: fc.integer({ min: -55, max: 55 }) }) },
  );

  // The property returns false on the first difference (cheaper than an expect per step); fast-check
  // then shrinks and prints the shortest failing sequence of operations.
  const write: fc.Arbitrary<Op> = op.filter((o) => o.kind !== 'query');

  // The writes before the first query are only collected (the heap orders them at that query): a
  // long run of them first, as a replay or snapshot restore makes, then anything.
  it('atMost equals filtering every held (id, key) by key ≤ threshold, after any sequence of operations', () => {
    const same = (a: number[], b: number[]) => sorted(a).join() === sorted(b).join();
    const sequence = fc
      .tuple(fc.array(write, { maxLength: 200, size: 'max' }), fc.array(op, { minLength: 1, maxLength: 300, size: 'max' }))
      .map(([before, after]) => [...before, ...after]);
    fc.assert(
      fc.property(sequence, (ops) => {
        const heap = new IndexedHeap();
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            heap.set(o.id, o.key);
            model.set(o.id, o.key);
          } else if (o.kind === 'delete') {
            heap.delete(o.id);
            model.delete(o.id);
          } else {
            const expected = [...model].filter(([, key]) => key <= o.threshold).map(([id]) => id);
            if (!same(heap.atMost(o.threshold), expected)) return false;
          }
          if (heap.size !== model.size) return false;
        }
        for (let id = 1; id <= 30; id++) if (heap.has(id) !== model.has(id)) return false;
        return same(heap.atMost(Number.MAX_SAFE_INTEGER), [...model.keys()]);
      }),
      { numRuns: 300 },
    );
  });
});
