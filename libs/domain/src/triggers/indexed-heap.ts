/**
 * A binary min-heap of (key, id) with O(log n) insert, remove-by-id and update, and a query for
 * every id whose key is ≤ a threshold in O(matches) without popping (so deciding stays read-only).
 *
 * Until its first query the heap only collects its entries, unordered (each write O(1)), and that
 * query orders them all at once in O(n): a replay or a snapshot restore arms and disarms hundreds of
 * thousands of levels before the first tick asks for any, and would otherwise sift every one of
 * them into place, most for positions that close again before the end of the log.
 */
export class IndexedHeap {
  private readonly keys: number[] = [];
  private readonly ids: number[] = [];
  private readonly slot = new Map<number, number>();
  /** Whether the heap order holds; false until the first query, true from then on. */
  private ordered = false;

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.slot.has(id);
  }

  set(id: number, key: number): void {
    const at = this.slot.get(id);
    if (at === undefined) {
      this.keys.push(key);
      this.ids.push(id);
      this.slot.set(id, this.ids.length - 1);
      if (this.ordered) this.up(this.ids.length - 1);
      return;
    }
    const previous = this.keys[at]!;
    this.keys[at] = key;
    if (!this.ordered) return;
    if (key < previous) this.up(at);
    else this.down(at);
  }

  delete(id: number): void {
    const at = this.slot.get(id);
    if (at === undefined) return;
    const last = this.ids.length - 1;
    this.slot.delete(id);
    if (at !== last) {
      this.keys[at] = this.keys[last]!;
      this.ids[at] = this.ids[last]!;
      this.slot.set(this.ids[at]!, at);
    }
    this.keys.pop();
    this.ids.pop();
    if (this.ordered && at < this.ids.length) {
      this.up(at);
      this.down(at);
    }
  }

  /** Every held (id, key), by ascending id: what the heap holds, whatever order it keeps them in. */
  entries(): [id: number, key: number][] {
    return this.ids.map((id, i): [number, number] => [id, this.keys[i]!]).sort((a, b) => a[0] - b[0]);
  }

  /** Ids whose key ≤ threshold. Visits only matching nodes and their direct children. */
  atMost(threshold: number, into: number[] = []): number[] {
    if (!this.ordered) this.heapify();
    if (this.ids.length === 0 || this.keys[0]! > threshold) return into;
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (this.keys[i]! > threshold) continue;
      into.push(this.ids[i]!);
      const left = 2 * i + 1;
      if (left < this.ids.length) stack.push(left);
      if (left + 1 < this.ids.length) stack.push(left + 1);
    }
    return into;
  }

  /** Floyd's bottom-up construction: every parent sifted down, from the last one to the root. */
  private heapify(): void {
    for (let i = (this.ids.length >> 1) - 1; i >= 0; i--) this.down(i);
    this.ordered = true;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= this.keys[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.keys[left]! < this.keys[smallest]!) smallest = left;
      if (right < n && this.keys[right]! < this.keys[smallest]!) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const key = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = key;
    const id = this.ids[a]!;
    this.ids[a] = this.ids[b]!;
    this.ids[b] = id;
    this.slot.set(this.ids[a]!, a);
    this.slot.set(this.ids[b]!, b);
  }
}
