import type { Fixed } from '../money/fixed.js';
import type { Side } from '../pricing/pricing.js';
import { IndexedHeap } from './indexed-heap.js';

export type TriggerKind = 'TAKE_PROFIT' | 'STOP_LOSS';

/** How a pending order's entry is reached: buy orders watch the ask, sell orders the bid. */
export type EntryTrigger = 'BUY_LIMIT' | 'BUY_STOP' | 'SELL_LIMIT' | 'SELL_STOP';

export interface FiredTrigger {
  orderId: number;
  kind: TriggerKind;
}

/**
 * Per-symbol sorted indexes of take-profit and stop-loss levels, so a tick costs
 * O(log n + fired) instead of a scan of every position.
 *
 * Each level is stored in a min-heap under a key chosen so that "fires" always reads key ≤ threshold:
 * a BUY closes on the bid (TP when bid ≥ TP, SL when bid ≤ SL), a SELL on the ask
 * (TP when ask ≤ TP, SL when ask ≥ SL). Prices are exact integers at the domain scale, well below
 * 2^53, so the keys are plain numbers.
 */
class SymbolTriggers {
  readonly buyTakeProfit = new IndexedHeap(); // key TP, fires when TP ≤ bid
  readonly buyStopLoss = new IndexedHeap(); // key −SL, fires when −SL ≤ −bid
  readonly sellTakeProfit = new IndexedHeap(); // key −TP, fires when −TP ≤ −ask
  readonly sellStopLoss = new IndexedHeap(); // key SL, fires when SL ≤ ask
  readonly buyLimit = new IndexedHeap(); // key −price, fires when ask ≤ price
  readonly buyStop = new IndexedHeap(); // key price, fires when ask ≥ price
  readonly sellLimit = new IndexedHeap(); // key price, fires when bid ≥ price
  readonly sellStop = new IndexedHeap(); // key −price, fires when bid ≤ price

  get size(): number {
    return (
      this.buyTakeProfit.size +
      this.buyStopLoss.size +
      this.sellTakeProfit.size +
      this.sellStopLoss.size +
      this.buyLimit.size +
      this.buyStop.size +
      this.sellLimit.size +
      this.sellStop.size
    );
  }

  entryHeap(trigger: EntryTrigger): [IndexedHeap, 1 | -1] {
    switch (trigger) {
      case 'BUY_LIMIT':
        return [this.buyLimit, -1];
      case 'BUY_STOP':
        return [this.buyStop, 1];
      case 'SELL_LIMIT':
        return [this.sellLimit, 1];
      case 'SELL_STOP':
        return [this.sellStop, -1];
    }
  }
}

export class TriggerIndex {
  private readonly symbols = new Map<string, SymbolTriggers>();

  /** Arms (or re-arms) a position's levels; a null level is disarmed. */
  arm(symbol: string, orderId: number, side: Side, takeProfit: Fixed | null, stopLoss: Fixed | null): void {
    const t = this.forSymbol(symbol);
    const [tpHeap, slHeap] = side === 'BUY' ? [t.buyTakeProfit, t.buyStopLoss] : [t.sellTakeProfit, t.sellStopLoss];
    const sign = side === 'BUY' ? 1 : -1;
    if (takeProfit === null) tpHeap.delete(orderId);
    else tpHeap.set(orderId, sign * Number(takeProfit));
    if (stopLoss === null) slHeap.delete(orderId);
    else slHeap.set(orderId, -sign * Number(stopLoss));
  }

  disarm(symbol: string, orderId: number): void {
    const t = this.symbols.get(symbol);
    if (!t) return;
    t.buyTakeProfit.delete(orderId);
    t.buyStopLoss.delete(orderId);
    t.sellTakeProfit.delete(orderId);
    t.sellStopLoss.delete(orderId);
  }

  /** Arms (or moves) a pending order's entry price. */
  armEntry(symbol: string, orderId: number, trigger: EntryTrigger, price: Fixed): void {
    const t = this.forSymbol(symbol);
    for (const kind of ['BUY_LIMIT', 'BUY_STOP', 'SELL_LIMIT', 'SELL_STOP'] as const) {
      if (kind !== trigger) t.entryHeap(kind)[0].delete(orderId);
    }
    const [heap, sign] = t.entryHeap(trigger);
    heap.set(orderId, sign * Number(price));
  }

  disarmEntry(symbol: string, orderId: number): void {
    const t = this.symbols.get(symbol);
    if (!t) return;
    t.buyLimit.delete(orderId);
    t.buyStop.delete(orderId);
    t.sellLimit.delete(orderId);
    t.sellStop.delete(orderId);
  }

  /** Positions whose level this quote reaches, in ascending order id (a deterministic order). */
  fired(symbol: string, bid: Fixed, ask: Fixed): FiredTrigger[] {
    const t = this.symbols.get(symbol);
    if (!t || t.size === 0) return [];
    const b = Number(bid);
    const a = Number(ask);
    const fired: FiredTrigger[] = [];
    for (const orderId of t.buyTakeProfit.atMost(b)) fired.push({ orderId, kind: 'TAKE_PROFIT' });
    for (const orderId of t.buyStopLoss.atMost(-b)) fired.push({ orderId, kind: 'STOP_LOSS' });
    for (const orderId of t.sellTakeProfit.atMost(-a)) fired.push({ orderId, kind: 'TAKE_PROFIT' });
    for (const orderId of t.sellStopLoss.atMost(a)) fired.push({ orderId, kind: 'STOP_LOSS' });
    return fired.sort((x, y) => x.orderId - y.orderId);
  }

  /** Pending orders whose entry this quote reaches, in ascending order id. */
  entries(symbol: string, bid: Fixed, ask: Fixed): number[] {
    const t = this.symbols.get(symbol);
    if (!t) return [];
    const b = Number(bid);
    const a = Number(ask);
    const ids: number[] = [];
    t.buyLimit.atMost(-a, ids);
    t.buyStop.atMost(a, ids);
    t.sellLimit.atMost(b, ids);
    t.sellStop.atMost(-b, ids);
    return ids.sort((x, y) => x - y);
  }

  size(symbol?: string): number {
    if (symbol !== undefined) return this.symbols.get(symbol)?.size ?? 0;
    let total = 0;
    for (const t of this.symbols.values()) total += t.size;
    return total;
  }

  private forSymbol(symbol: string): SymbolTriggers {
    let t = this.symbols.get(symbol);
    if (!t) {
      t = new SymbolTriggers();
      this.symbols.set(symbol, t);
    }
    return t;
  }
}
