import { abs, mul, parseFixed, roundMoney, ZERO, type Fixed } from '../money/fixed.js';
import type { OpenExposure } from './account-metrics.js';
import { ACCOUNT_CURRENCY, closePriceFor, linkingPairs, toAccountCurrency, type MarketView, type Quote } from './pricing.js';

interface SymbolFloating {
  symbol: string;
  /** Conversion pairs of the quote currency (none for USD-quoted instruments). */
  direct: string | null;
  inverse: string | null;
  positions: MemoPosition[];
  /** Whether sum and weight hold, at the prices below (its own and its conversion pairs'). */
  priced: boolean;
  bid: Fixed;
  ask: Fixed;
  directAt: Quote | undefined;
  inverseAt: Quote | undefined;
  sum: Fixed;
  weight: Fixed;
}

/** A position as the memo holds it (the engine's own position object: a partial close changes its volume in place). */
export type MemoPosition = OpenExposure & { orderId: number };

/** What the memo knows of an account's open positions at the current prices. */
export interface Measured {
  /** Σ floating profit, each position's rounded to the cent (what an account summary shows). */
  floating: Fixed;
  /**
   * Σ (c·V·k·r + |profit|) over the positions, plus what rounding may have taken off: how much the
   * equity can move per unit of relative price move (the margin watch's bands are cut from it).
   */
  weight: Fixed;
  positions: number;
}

const CENT = parseFixed('0.01');

const samePrice = (a: Quote | undefined, b: Quote | undefined) => a === b || (a !== undefined && b !== undefined && a.bid === b.bid && a.ask === b.ask);

/**
 * Per account, the floating profit of its open positions grouped by symbol, and the prices each
 * group was summed at. An order's margin check needs the account's floating profit; with it, an
 * account holding hundreds of positions costs one comparison per symbol between ticks instead of
 * re-pricing every position. Exact: a group is summed again (per position, rounded to the cent,
 * as `floatingProfit` does) whenever one of its prices differs or one of its positions opened or
 * closed. A cache, not state: not in snapshots, never compared.
 */
export class FloatingMemo {
  private readonly accounts = new Map<number, Map<string, SymbolFloating>>();

  /** Forgets everything about the account: its positions are read again at the next measure. */
  forget(accountId: number): void {
    this.accounts.delete(accountId);
  }

  /** A position was opened: only its symbol's group is summed again at the next measure. */
  opened(accountId: number, position: MemoPosition): void {
    const groups = this.accounts.get(accountId);
    if (!groups) return; // nothing remembered: the next measure reads every position anyway
    const group = groups.get(position.instrument.symbol) ?? addGroup(groups, position);
    group.positions.push(position);
    group.priced = false;
  }

  /** A position was closed, partly (its volume changed in place) or fully (`gone`). */
  closed(accountId: number, symbol: string, orderId: number, gone: boolean): void {
    const group = this.accounts.get(accountId)?.get(symbol);
    if (!group) return;
    group.priced = false;
    if (!gone) return;
    const at = group.positions.findIndex((p) => p.orderId === orderId);
    if (at !== -1) group.positions.splice(at, 1);
    if (group.positions.length === 0) this.accounts.get(accountId)!.delete(symbol);
  }

  /** Σ floating profit of the positions at the market's prices; undefined when one cannot be priced. */
  floating(accountId: number, positions: () => Iterable<MemoPosition>, market: MarketView): Fixed | undefined {
    return this.measure(accountId, positions, market)?.floating;
  }

  /** Floating profit and band weight of the positions at the market's prices; undefined when one cannot be priced. */
  measure(accountId: number, positions: () => Iterable<MemoPosition>, market: MarketView): Measured | undefined {
    let groups = this.accounts.get(accountId);
    if (!groups) {
      const all = [...positions()];
      // A few positions are priced faster than remembered: only accounts worth it take memory.
      if (all.length < MEMO_MIN_POSITIONS) return measureAll(all, market);
      this.accounts.set(accountId, (groups = groupBySymbol(all)));
    }
    const total: Measured = { floating: ZERO, weight: ZERO, positions: 0 };
    for (const group of groups.values()) {
      const quote = market.quote(group.symbol);
      if (!quote) return undefined;
      const direct = group.direct === null ? undefined : market.quote(group.direct);
      const inverse = group.inverse === null ? undefined : market.quote(group.inverse);
      if (!group.priced || group.bid !== quote.bid || group.ask !== quote.ask || !samePrice(group.directAt, direct) || !samePrice(group.inverseAt, inverse)) {
        const sums = sumAt(group.positions, () => quote, market);
        group.priced = sums !== undefined;
        if (!sums) return undefined;
        group.sum = sums.floating;
        group.weight = sums.weight;
        group.bid = quote.bid;
        group.ask = quote.ask;
        group.directAt = direct;
        group.inverseAt = inverse;
      }
      total.floating += group.sum;
      total.weight += group.weight;
      total.positions += group.positions.length;
    }
    return total;
  }
}

/** Accounts with fewer positions are measured afresh each time (see `measure`). */
export const MEMO_MIN_POSITIONS = 16;

function measureAll(positions: MemoPosition[], market: MarketView): Measured | undefined {
  const sums = sumAt(positions, (symbol) => market.quote(symbol), market);
  return sums && { ...sums, positions: positions.length };
}

/** Σ profit and band weight of positions, each at its symbol's quote; undefined when a price is missing. */
function sumAt(positions: readonly MemoPosition[], quoteOf: (symbol: string) => Quote | undefined, market: MarketView): { floating: Fixed; weight: Fixed } | undefined {
  let floating = ZERO;
  let weight = ZERO;
  for (const position of positions) {
    const quote = quoteOf(position.instrument.symbol);
    if (!quote) return undefined;
    const close = closePriceFor(position.side, quote);
    const move = position.side === 'BUY' ? close - position.openPrice : position.openPrice - close;
    const { contractSize, quote: currency } = position.instrument;
    // The same arithmetic as floatingProfit (profitInAccountCurrency): exact, then rounded to the cent.
    const profit = toAccountCurrency(mul(move, position.volume) * contractSize, currency, market);
    const value = toAccountCurrency(mul(close, position.volume) * contractSize, currency, market);
    if (profit === undefined || value === undefined) return undefined;
    const rounded = roundMoney(profit);
    floating += rounded;
    weight += abs(value) + abs(rounded) + 2n * CENT;
  }
  return { floating, weight };
}

function groupBySymbol(positions: Iterable<MemoPosition>): Map<string, SymbolFloating> {
  const groups = new Map<string, SymbolFloating>();
  for (const position of positions) (groups.get(position.instrument.symbol) ?? addGroup(groups, position)).positions.push(position);
  return groups;
}

function addGroup(groups: Map<string, SymbolFloating>, first: MemoPosition): SymbolFloating {
  const { symbol, quote } = first.instrument;
  const [direct, inverse] = quote === ACCOUNT_CURRENCY ? [null, null] : linkingPairs(quote);
  const group: SymbolFloating = { symbol, direct, inverse, positions: [], priced: false, bid: ZERO, ask: ZERO, directAt: undefined, inverseAt: undefined, sum: ZERO, weight: ZERO };
  groups.set(symbol, group);
  return group;
}
