import type { Fixed } from '../money/fixed.js';
import { IndexedHeap } from './indexed-heap.js';

/** Bid and ask ranges of one symbol inside which an account's margin state cannot change. */
export interface PriceRange {
  symbol: string;
  bidLow: Fixed;
  bidHigh: Fixed;
  askLow: Fixed;
  askHigh: Fixed;
}

/** What the watch needs to know of the accounts (the engine state answers it). */
export interface WatchedBook {
  /** Symbols whose price moves the account's equity (its positions' symbols and conversion pairs); empty when flat. */
  dependencies(accountId: number): readonly string[];
  /** Every account holding a position. */
  accountsWithPositions(): Iterable<number>;
}

/**
 * Per symbol, the accounts listed under it: banded ones in two heaps and the unwatched ones,
 * checked at every tick. A band keeps its four edges as two: the lower edge is the higher of the
 * bid's and ask's, the upper the lower of theirs, and a quote is inside when both its prices are
 * strictly between them (bid and ask inside that narrower range are inside their own ranges).
 * Each heap's key is chosen so that "breached" reads key ≤ threshold, as in the trigger index.
 */
class SymbolWatch {
  readonly low = new IndexedHeap(); // key −low: breached when min(bid, ask) ≤ low
  readonly high = new IndexedHeap(); // key high: breached when max(bid, ask) ≥ high
  readonly unwatched = new Set<number>();

  place(accountId: number, range: PriceRange): void {
    const low = range.bidLow > range.askLow ? range.bidLow : range.askLow;
    const high = range.bidHigh < range.askHigh ? range.bidHigh : range.askHigh;
    this.unwatched.delete(accountId);
    this.low.set(accountId, -Number(low));
    this.high.set(accountId, Number(high));
  }

  unband(accountId: number): void {
    this.low.delete(accountId);
    this.high.delete(accountId);
  }

  breached(bid: Fixed, ask: Fixed): number[] {
    // A crossed quote (bid above ask) is compared by its outer prices, so it can only breach more.
    const [lower, upper] = bid <= ask ? [bid, ask] : [ask, bid];
    const ids: number[] = [];
    this.low.atMost(-Number(lower), ids);
    this.high.atMost(Number(upper), ids);
    return ids;
  }
}

const NOTHING_DUE: readonly number[] = Object.freeze([]);

/**
 * Which accounts a tick must check for a margin call or stop-out, without visiting every account
 * exposed to the symbol: an account checked without result gets a price band from its headroom
 * (how far its equity is from the nearest threshold) and is only checked again when a price leaves
 * that band or something about the account changes.
 *
 * A cache, not state: skipping an account it guards never changes a decision (the band is a
 * conservative bound), so it is rebuilt from nothing after a restart and is not in snapshots. It
 * keeps its own invariant whatever the caller does with a decision: an account handed out by
 * `due` stays unwatched (checked at every tick) until `band` is called for it.
 */
export class MarginWatch {
  private readonly symbols = new Map<string, SymbolWatch>();
  /** account → the symbols it is listed under, banded or unwatched. */
  private readonly listed = new Map<number, readonly string[]>();
  private readonly changed = new Set<number>();
  /** False until every account holding a position has been listed (a fresh or restored state). */
  private complete = false;

  /** Something that moves the account's equity or thresholds changed: check it at its next tick. */
  accountChanged(accountId: number): void {
    this.changed.add(accountId);
  }

  /** Thresholds of many accounts changed (a group was redefined): check every account again. */
  everythingChanged(): void {
    this.complete = false;
  }

  /** Accounts to check at this price: unwatched ones listed under the symbol and those whose band it breaches. */
  due(symbol: string, bid: Fixed, ask: Fixed, book: WatchedBook): readonly number[] {
    this.relist(book);
    const watch = this.symbols.get(symbol);
    if (!watch) return [];
    for (const accountId of watch.breached(bid, ask)) {
      // Only this symbol's entries must go (they would be found again at every tick); the account's
      // entries on other symbols stay until they are breached too or a new band overwrites them.
      watch.unband(accountId);
      for (const listed of this.listed.get(accountId) ?? []) this.watchOf(listed).unwatched.add(accountId);
    }
    return watch.unwatched.size === 0 ? NOTHING_DUE : [...watch.unwatched];
  }

  /** The account's margin state cannot change while every price stays inside these ranges. */
  band(accountId: number, ranges: readonly PriceRange[]): void {
    const symbols = this.listed.get(accountId);
    if (!symbols || this.changed.has(accountId)) return;
    for (const symbol of symbols) {
      const range = ranges.find((r) => r.symbol === symbol);
      if (!range) continue; // no range for it: stays unwatched on that symbol
      this.watchOf(symbol).place(accountId, range);
    }
  }

  /** Accounts checked at every tick of the symbol (for tests and metrics). */
  unwatchedCount(symbol: string): number {
    return this.symbols.get(symbol)?.unwatched.size ?? 0;
  }

  private relist(book: WatchedBook): void {
    if (!this.complete) {
      this.symbols.clear();
      this.listed.clear();
      for (const accountId of book.accountsWithPositions()) this.changed.add(accountId);
      this.complete = true;
    }
    for (const accountId of this.changed) {
      const symbols = book.dependencies(accountId);
      for (const symbol of this.listed.get(accountId) ?? []) {
        if (symbols.includes(symbol)) continue;
        const watch = this.watchOf(symbol);
        watch.unband(accountId);
        watch.unwatched.delete(accountId);
      }
      // Entries of its old band on symbols it still depends on may stay: it is unwatched there
      // (checked anyway) until it is banded again, which overwrites them.
      for (const symbol of symbols) this.watchOf(symbol).unwatched.add(accountId);
      if (symbols.length > 0) this.listed.set(accountId, symbols);
      else this.listed.delete(accountId);
    }
    this.changed.clear();
  }

  private watchOf(symbol: string): SymbolWatch {
    let watch = this.symbols.get(symbol);
    if (!watch) this.symbols.set(symbol, (watch = new SymbolWatch()));
    return watch;
  }
}
