import { abs, mul, parseFixed, roundMoney, ZERO, type Fixed } from '../money/fixed.js';
import type { OpenExposure } from './account-metrics.js';
import { ACCOUNT_CURRENCY, closePriceFor, toAccountCurrency, type MarketView, type Quote } from './pricing.js';

/** The prices a symbol's floating profit was summed at: its own and those of its conversion pairs. */
interface PricedAt {
  bid: Fixed;
  ask: Fixed;
  direct: Quote | undefined;
  inverse: Quote | undefined;
}

interface SymbolFloating {
  symbol: string;
  /** Conversion pairs of the quote currency (none for USD-quoted instruments). */
  direct: string | null;
  inverse: string | null;
  positions: MemoPosition[];
  pricedAt: PricedAt | null;
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
    group.pricedAt = null;
  }

  /** A position was closed, partly (its volume changed in place) or fully (`gone`). */
  closed(accountId: number, symbol: string, orderId: number, gone: boolean): void {
    const group = this.accounts.get(accountId)?.get(symbol);
    if (!group) return;
    group.pricedAt = null;
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
    if (!groups) this.accounts.set(accountId, (groups = groupBySymbol(positions())));
    const total: Measured = { floating: ZERO, weight: ZERO, positions: 0 };
    for (const group of groups.values()) {
      const quote = market.quote(group.symbol);
      if (!quote) return undefined;
      const direct = group.direct === null ? undefined : market.quote(group.direct);
      const inverse = group.inverse === null ? undefined : market.quote(group.inverse);
      const at = group.pricedAt;
      if (!at || at.bid !== quote.bid || at.ask !== quote.ask || !samePrice(at.direct, direct) || !samePrice(at.inverse, inverse)) {
        if (!price(group, quote, market)) return undefined;
        group.pricedAt = { bid: quote.bid, ask: quote.ask, direct, inverse };
      }
      total.floating += group.sum;
      total.weight += group.weight;
      total.positions += group.positions.length;
    }
    return total;
  }
}

/** Sums a group at `quote`; false when a conversion price is missing. */
function price(group: SymbolFloating, quote: Quote, market: MarketView): boolean {
  let sum = ZERO;
  let weight = ZERO;
  for (const position of group.positions) {
    const close = closePriceFor(position.side, quote);
    const move = position.side === 'BUY' ? close - position.openPrice : position.openPrice - close;
    const { contractSize, quote: currency } = position.instrument;
    // The same arithmetic as floatingProfit (profitInAccountCurrency): exact, then rounded to the cent.
    const profit = toAccountCurrency(mul(move, position.volume) * contractSize, currency, market);
    const value = toAccountCurrency(mul(close, position.volume) * contractSize, currency, market);
    if (profit === undefined || value === undefined) {
      group.pricedAt = null;
      return false;
    }
    const rounded = roundMoney(profit);
    sum += rounded;
    weight += abs(value) + abs(rounded) + 2n * CENT;
  }
  group.sum = sum;
  group.weight = weight;
  return true;
}

function groupBySymbol(positions: Iterable<MemoPosition>): Map<string, SymbolFloating> {
  const groups = new Map<string, SymbolFloating>();
  for (const position of positions) (groups.get(position.instrument.symbol) ?? addGroup(groups, position)).positions.push(position);
  return groups;
}

function addGroup(groups: Map<string, SymbolFloating>, first: MemoPosition): SymbolFloating {
  const { symbol, quote } = first.instrument;
  const converted = quote !== ACCOUNT_CURRENCY;
  const group: SymbolFloating = {
    symbol,
    direct: converted ? `${quote}${ACCOUNT_CURRENCY}` : null,
    inverse: converted ? `${ACCOUNT_CURRENCY}${quote}` : null,
    positions: [],
    pricedAt: null,
    sum: ZERO,
    weight: ZERO,
  };
  groups.set(symbol, group);
  return group;
}
